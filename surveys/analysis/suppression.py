"""The thresholds public figures rest on: the smallest publishable count and reliability.

- `MIN_K`: no survey's smallest publishable count (*k*, default 10) may be set below it.
  Which figures a public page prints, and the suppression that protects counts of 1 to
  k−1, is decided and audited as one publication by surveys/disclosure/ (docs/privacy.md).
- Estimates resting on an effective n under 30, or with a relative standard error of 30%
  or more, are "unreliable": analysts see them marked, public pages do not show them.
"""

from __future__ import annotations

import math

MIN_K = 5
RELIABLE_N_EFFECTIVE = 30
RELIABLE_RSE = 0.30


def unreliable_reasons(e) -> list[str]:
    """Why an estimate (estimates.Estimate) is too uncertain to publish: an effective
    number of substantive answers under 30, a relative standard error of 30% or more,
    or an interval of zero width (identical answers, a single answer, a mean of 0)."""
    reasons = []
    if e.n_effective < RELIABLE_N_EFFECTIVE:
        reasons.append(
            f"effective number of substantive answers {e.n_effective:.0f} is under "
            f"{RELIABLE_N_EFFECTIVE}"
        )
    if e.mean is not None:
        rse = e.relative_se
        if e.n_mean <= 1:
            reasons.append("a single answer: no interval")
        elif e.se is None or e.se == 0 or (e.ci and e.ci[0] == e.ci[1]):
            reasons.append("every answer is the same: a zero-width interval")
        elif e.mean == 0:
            reasons.append("a mean of 0: the relative standard error is undefined")
        elif rse is not None and rse >= RELIABLE_RSE:
            reasons.append(f"relative standard error {rse:.0%} is {RELIABLE_RSE:.0%} or more")
    if e.favorable and e.favorable["p"] and e.n_effective:
        p = e.favorable["p"]
        favorable_rse = math.sqrt(p * (1 - p) / e.n_effective) / p
        if favorable_rse >= RELIABLE_RSE:
            reasons.append(f"relative standard error of the favorable share {favorable_rse:.0%}")
    return reasons
