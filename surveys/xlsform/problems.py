"""What is wrong with an XLSForm, said so an organizer can find and fix it.

Import and export share these: every refusal names the sheet, the row (as the
spreadsheet numbers it, header = 1) and the reason, and one error carries them all so
an organizer fixes a form in one pass rather than one problem per upload.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str
    row: int | None
    reason: str

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}:{self.row}"
        return f"{where}: {self.reason}" if where else str(self.reason)


class XLSFormError(ValueError):
    """An XLSForm that cannot be used; `problems` says every reason found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
