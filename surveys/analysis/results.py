"""What the report holds for each question and group (report.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .comparisons import Pairwise
from .differences import Differences
from .estimates import Estimate
from .periods import DistributionChange, PeriodChange
from .statistics import TestResult


@dataclass
class GroupResult:
    neighborhood: str | None  # code; None for city-wide
    name: str
    estimate: Estimate
    suppressed: bool = False  # fewer than k answers: never published
    unreliable: bool = False  # effective n < 30, relative standard error ≥ 30%, no width
    reasons: list[str] = field(default_factory=list)  # why unreliable


@dataclass
class QuestionResult:
    key: str
    type: str
    label: str
    measure: str  # nominal, ordinal, numeric, index
    codes: list[tuple[str, str, bool]]  # (code, label, non-substantive)
    favorable_codes: tuple[str, ...]
    about_respondent: bool
    overall: GroupResult
    groups: list[GroupResult]
    test: TestResult | None = None
    pairwise: list[Pairwise] = field(default_factory=list)
    differences: Differences = field(default_factory=Differences)  # pairs, with intervals
    periods: list[PeriodChange] = field(default_factory=list)
    distributions: list[DistributionChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
