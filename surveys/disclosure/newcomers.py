"""The dominance rule between two releases: the answers that came or went in between.

A re-published period (surveys/frozen_releases.py) prints each free-number mean with
its n again. Less the earlier release's mean × n, a reader gets the total of the answers
that arrived since (or, answers erased, of those that went), and their number. The
differencing intruder (differencing.py) keeps that number at 0 or k or more; but ten
newcomers of whom nine answered 0 and one 500 print a total that is one resident's
answer. So the p%-rule (dominance.py) that guards each release's own totals is applied
to those answers too: a printed mean whose newcomers (or leavers) are dominated is
hidden, and the city-wide mean when those of the rows it does not print are, since the
city's difference less the printed rows' gives theirs.

For this a release's audit keeps, per free-number question, how many answers of each
size each row had (`sizes_by_row`): a histogram, as the true counts of a scale question
are; it is not public.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from .cells import CITY_ROW, UNPLACED_ROW
from .dominance import dominated


def sizes_by_row(selection, keys: Sequence[str]) -> dict[str, list]:
    """Per question key, the released answers' sizes (|number|) per row (neighborhood
    code or UNPLACED_ROW), as [[row, [[size, count], …]], …], largest first."""
    # Imported here: the count queries need Django, the rules above do not.
    from cms.models import Neighborhood

    from ..analysis.counts import value_counts

    if not keys:
        return {}
    codes = dict(Neighborhood.objects.values_list("pk", "code"))
    found: dict[str, dict] = {}
    for row in value_counts(selection, keys):
        if row.number is None:
            continue
        hood = codes.get(row.neighborhood, UNPLACED_ROW) if row.neighborhood else UNPLACED_ROW
        sizes = found.setdefault(row.key, {}).setdefault(hood, Counter())
        sizes[abs(float(row.number))] += row.count
    return {
        key: [[hood, sorted(sizes.items(), reverse=True)] for hood, sizes in rows.items()]
        for key, rows in found.items()
    }


def _counters(stored: list) -> dict:
    return {row: Counter({float(size): int(n) for size, n in sizes}) for row, sizes in stored}


def _dominated(answers: Counter) -> bool:
    """The p%-rule on a multiset of answer sizes."""
    if not answers:
        return False
    largest: list[float] = []
    for size in sorted(answers, reverse=True):
        largest.extend([size] * min(answers[size], 2 - len(largest)))
        if len(largest) == 2:
            break
    return dominated(tuple(largest), sum(size * n for size, n in answers.items()))


def _printed_means(audited: Mapping) -> set:
    return {row for row, shown in audited["printed"]["rows"] if shown.get("mean") is not None}


def dominated_between(earlier: Sequence[Mapping], new: Mapping) -> dict[str, set]:
    """The rows, per question key, whose printed mean in the `new` release's audited
    questions must be hidden: the answers added or erased since one of the `earlier`
    releases' (each its audited questions) are dominated there."""
    found: dict[str, set] = {}
    for key, audited in new.items():
        if "sizes" not in audited:
            continue
        now, printed = _counters(audited["sizes"]), _printed_means(audited)
        for then in earlier:
            if "sizes" not in then.get(key, {}):
                continue
            before = _counters(then[key]["sizes"])
            for changed in (_changes(now, before), _changes(before, now)):
                rows = {r for r, answers in changed.items() if r in printed and _dominated(answers)}
                unprinted = sum((a for r, a in changed.items() if r not in printed), Counter())
                everyone = sum(changed.values(), Counter())
                if CITY_ROW in printed and (_dominated(unprinted) or _dominated(everyone)):
                    rows.add(CITY_ROW)
                if rows:
                    found.setdefault(key, set()).update(rows)
    return found


def _changes(more: Mapping, less: Mapping) -> dict:
    """Per row, the answers `more` has beyond `less`."""
    return {row: more[row] - less.get(row, Counter()) for row in more}
