"""What a public page may show of a report: suppressed, rounded, reliable figures only.

The figures are decided, as one publication, by surveys/disclosure/publication.py:
counts of 1 to k−1 never appear, nor anything an intruder could work them out from;
percentages are whole numbers; unreliable estimates are left out; questions about the
respondent (demographics) are shown city-wide only; free text never appears.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .report import Report

CITY_ROW = "__city__"


@dataclass
class PublicCell:
    code: str
    label: str
    percent: int | None  # None: suppressed


@dataclass
class PublicGroup:
    neighborhood: str | None
    name: str
    n: int | None  # None: suppressed
    cells: list[PublicCell] = field(default_factory=list)
    mean: float | None = None
    ci: tuple[float, float] | None = None
    favorable: int | None = None  # whole percent
    favorable_ci: tuple[int, int] | None = None
    hidden: bool = False  # too few answers: nothing of the group is shown
    uncertain: bool = False  # shown, but its estimates are too uncertain to publish


@dataclass
class PublicQuestion:
    key: str
    type: str
    label: str
    measure: str
    codes: list[tuple[str, str, bool]]
    overall: PublicGroup
    groups: list[PublicGroup]
    test: str | None = None
    note: str = ""
    favorable_codes: tuple[str, ...] = ()
    favorable_at_least: float | None = None  # indices: a score at least this is favorable


def public_results(report: Report, keys: Sequence[str] | None = None) -> list[PublicQuestion]:
    """The publishable view of the questions and indices named by `keys` (all if None),
    decided and audited as one publication (surveys/disclosure/publication.py)."""
    # Imported here: the disclosure package builds on this module's types.
    from ..disclosure.cells import respondents_by_row
    from ..disclosure.publication import publish

    return publish(report, keys, respondents_by_row(report.selection)).questions
