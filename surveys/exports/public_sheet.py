"""The workbook's "Public figures" sheet: what the public results page's rules would
print of the export's report, decided and audited by surveys/disclosure/publication.py.
Analysts may publish this sheet on its own; the exact sheets beside it they may not. It
is computed from today's answers, not read from a results page's frozen release
(surveys/frozen_releases.py), so the About sheet tells analysts to quote the page for a
period a page has published.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.report import Report
from ..disclosure.cells import respondents_by_row
from ..disclosure.publication import publish
from ..presentation import favorable_words

HEADER = [
    "key",
    "label",
    "neighborhood",
    "n",
    "figure",
    "value",
    "low",
    "high",
    "note",
    "favorable_means",
]


def public_figure_rows(report: Report) -> Iterator[list]:
    """Header first; then one row per printed figure; "—" where the page shows none. A
    favorable share says in words which answers it counts (favorable_means)."""
    yield HEADER
    publication = publish(report, None, respondents_by_row(report.selection))
    for question in publication.questions:
        labels = {code: label for code, label, _non in question.codes}
        for group in [question.overall, *question.groups]:
            where = group.neighborhood or "(city-wide)"
            head = [question.key, question.label, where]
            if group.hidden:
                yield [*head, None, "—", None, None, None, question.note or "not shown"]
                continue
            # n alone may be hidden: it would give away how many answered "don't know".
            note = "" if group.n is not None else "n not shown"
            if group.favorable is not None:
                low, high = group.favorable_ci or (None, None)
                words = favorable_words(question)
                yield [*head, group.n, "favorable %", group.favorable, low, high, note, words]
            if group.mean is not None:
                low, high = group.ci or (None, None)
                yield [*head, group.n, "mean", group.mean, low, high, note]
            for cell in group.cells:
                figure = f"% {labels.get(cell.code, cell.code)}"
                yield [*head, group.n, figure, cell.percent, None, None, note]
            if group.favorable is None and group.mean is None and not group.cells:
                note = "too uncertain to show" if group.uncertain else note
                yield [*head, group.n, "n", None, None, None, note]
