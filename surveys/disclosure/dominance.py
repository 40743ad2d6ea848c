"""The dominance rule for means of free numbers: no mean that one answer dominates.

A mean of free numbers ("how many times did you call the police last year?") is
published with its n, so its total, mean × n, is printed too. Where one resident's
answer is most of that total, the mean says little about anyone else and much about
that resident: the second-largest answerer, taking away their own answer and a rough
guess of the rest, reads the largest answer off the page. Statistical offices guard
magnitude tables with the p%-rule (Hundepool et al., *Statistical Disclosure Control*,
2012, §4.2; τ-ARGUS): a total is sensitive when the others besides the two largest
contribute less than p % of the largest,

    total − largest − second < p/100 × largest,

i.e. the second-largest contributor could estimate the largest to within p %. We use
p = 15 (docs/privacy.md says why). Answers are taken by size (|value|), unweighted:
weights do not hide what a person answered.

`dominated` applies it to one group, `dominated_together` to groups whose figures are
hidden together (what a reader can work out by subtracting the printed groups from the
city-wide mean): their answers pooled.
"""

from __future__ import annotations

from collections.abc import Iterable

P_PERCENT = 15


def dominated(largest: tuple[float, ...], magnitude: float, p: float = P_PERCENT) -> bool:
    """The p%-rule: the answers besides the two largest sum to less than p % of the
    largest (a group of one or two answers always is)."""
    if not largest or largest[0] <= 0:
        return False
    first = largest[0]
    second = largest[1] if len(largest) > 1 else 0.0
    return magnitude - first - second < p / 100 * first


def dominated_together(groups: Iterable[tuple[tuple[float, ...], float]]) -> bool:
    """The p%-rule on the pooled answers of `groups` ((largest, magnitude) each)."""
    tops: list[float] = []
    total = 0.0
    for largest, magnitude in groups:
        tops.extend(largest)
        total += magnitude
    return dominated(tuple(sorted(tops, reverse=True)[:2]), total)
