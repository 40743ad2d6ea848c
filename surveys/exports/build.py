"""A whole responses export: the Responses sheet, its codebook and the analysis.

`write_export` is what the admin's background job and `manage.py export_responses` both
call. The file is written under a temporary name beside `path` and renamed into place
only when complete, so a half-written file is never found at `path`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils import timezone

from cms.private_files import make_private

from ..analysis.report import build_report
from ..models import SurveyPage
from .codebook import codebook_header, codebook_rows, survey_languages
from .options import PACKAGE_FORMATS, ExportOptions
from .packages import write_for_package
from .pg_copy import copy_csv, copyable
from .plan import RESPONSE_COLUMNS
from .public_sheet import public_figure_rows
from .report_sheets import NOTES, SHEETS, SMALL_COUNT_COLUMNS
from .stream import plan_for, response_rows
from .writers import Sheet, csv_header, write_csv, write_xlsx

COLUMN_NOTES = {
    "response_id": "A random identifier: it reveals neither the order nor the time of answers.",
    "submitted_on": "The day the response was submitted (never the time of day).",
    "neighborhood": "The neighborhood's code.",
    "language": "The language the resident answered in.",
    "channel": "web, paper or kiosk.",
    "status": "complete, or partial (saved to continue later, not yet submitted).",
    "revision": "The questionnaire revision the response answered (see the Codebook).",
}


def count_responses(survey: SurveyPage, options: ExportOptions) -> int:
    return options.responses(survey.responses_survey).count()


def write_export(
    survey: SurveyPage,
    options: ExportOptions,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    extra_sheets: Callable[[], list[Sheet]] | None = None,
) -> None:
    """Write `survey`'s responses (as `options` select) to `path`, atomically, readable
    by the site's own user only."""
    options.check_neighborhoods()
    options.check_weighting(survey)
    survey = survey.responses_survey
    plan = plan_for(survey, options)
    partial = path.with_name(f".{path.name}.part")
    try:
        if options.format == "csv":
            _write_responses_csv(survey, options, plan, partial, progress)
        elif options.format in PACKAGE_FORMATS:
            write_for_package(survey, options, plan, partial, progress=progress)
        else:
            languages = survey_languages(survey)
            rows = response_rows(survey, options, plan, progress=progress)
            sheets = [
                Sheet("Responses", plan.headers, rows, plan.widths),
                Sheet("Codebook", codebook_header(languages), codebook_rows(plan, languages)),
                *_report_sheets(survey, options),
                *(extra_sheets() if extra_sheets else []),
                Sheet("About", ["item", "value"], _about_rows(survey, options), [24, 90]),
            ]
            write_xlsx(partial, sheets)
        make_private(partial)  # resident data: readable by this user only
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _write_responses_csv(survey, options, plan, path: Path, progress) -> None:
    """The Responses sheet as CSV: written by PostgreSQL's COPY where that gives the same
    file (pg_copy.py), otherwise row by row through Python's `csv`."""
    if copyable(survey, options, plan):
        with path.open("wb") as file:
            file.write(csv_header(plan.headers, bom=options.bom))
            copy_csv(file, survey, options, plan, progress=progress)
        return
    write_csv(
        path,
        plan.headers,
        response_rows(survey, options, plan, progress=progress),
        bom=options.bom,
        text_columns=plan.text_columns(options.labels),
    )


def feedback_sheet(*, include_original: bool) -> Sheet:
    """Community feedback (all of it, not only this survey's neighborhoods): published,
    masked text only, unless the person exporting moderates feedback."""
    from feedback.exports import feedback_rows

    rows = feedback_rows(include_original=include_original)
    return Sheet("Feedback", next(rows), rows)


def _report_sheets(survey: SurveyPage, options: ExportOptions) -> list[Sheet]:
    """The analysis the results page shows, for the export's dates; suppressed and
    unreliable figures are present and marked, as analysts need them."""
    report = build_report(
        options.selection(survey), weighting=options.weighting, margins=survey.raking_margins
    )
    sheets = []
    for title, rows in SHEETS.items():
        produced = rows(report)
        header = next(produced)
        small = SMALL_COUNT_COLUMNS.get(title)
        marks = (small, survey.small_cell_threshold) if small else None
        sheets.append(Sheet(title, header, produced, small_counts=marks, notes=NOTES[title]))
    public = public_figure_rows(report)
    sheets.append(Sheet("Public figures", next(public), public, notes=NOTES["Public figures"]))
    return sheets


def _about_rows(survey: SurveyPage, options: ExportOptions) -> Iterator[list]:
    yield ["survey", survey.title]
    yield ["exported", timezone.localdate().isoformat()]
    for name, value in options.describe():
        yield [f"filter: {name}", value]
    k = survey.small_cell_threshold
    yield [
        "Summary, Distributions, Comparisons, Differences, Periods",
        "EXACT SHEETS, NOT FOR PUBLICATION (every row of their tables says so). The "
        "analysis of the same "
        "dates, periods and weighting (all neighborhoods and channels), exact, for the "
        "team's own work. Counts of "
        f"1 to {k - 1} are highlighted and figures resting on fewer than {k} responses are "
        "marked 'suppressed (n < k)'; but even figures above k here can reveal hidden ones "
        "together (a share and its n give a count; Summary's n with another sheet's n "
        "gives a 'don't know' count). Summary's n is the base of its figures (substantive "
        "answers). Never copy a figure from these sheets into a publication.",
    ]
    yield [
        "Notes under the tables",
        "Under each analysis sheet's table, after an empty row, notes say what its blank "
        "cells (and, on Public figures, its dashes) mean.",
    ]
    yield [
        "Public figures",
        "PUBLISHABLE ON ITS OWN: the figures the public results page's rules give for "
        f"this export's answers (unweighted): no figure rests on fewer than {k} people, "
        "and an intruder given every figure of the sheet, with its rounding, cannot "
        f"narrow any hidden count to between 1 and {k - 1} (docs/privacy.md). These are "
        "today's answers, not a results page's frozen release: where a results page has "
        "published a period overlapping these dates, quote the page, not this sheet. "
        "Publish it whole or quote from it; do not combine it with the exact sheets, a "
        "results page or another export of overlapping dates: that is differencing.",
    ]
    yield [
        "Feedback",
        "Community feedback from the whole site: published items with their public (masked) "
        "text and replies; a moderator's export also holds original texts and unpublished items.",
    ]
    yield [
        "Feedback: language, reply_language",
        "language: the language the resident wrote in; reply_language: the language of "
        "the organizers' reply (blank when there is no reply). Both are language codes "
        "(en, es, ar...).",
    ]
    yield [
        "blank cells (Responses)",
        "The question was not answered: skipped, not asked because display logic hid it, "
        "or not in the questionnaire revision the response answered (see the Codebook). "
        "Nothing is blanked for privacy in this sheet.",
    ]
    for name in RESPONSE_COLUMNS:
        yield [f"column: {name}", COLUMN_NOTES[name]]
    yield [
        "column: key/code",
        "Multiple choice: 1 if the choice was selected, 0 if not, blank if the question "
        "was not answered. The column `key` lists the chosen codes separated by spaces.",
    ]
    yield [
        "column: key/other",
        "The resident's own words for 'Other (please specify)' (key/other_text when a "
        "choice coded 'other' has the 0/1 column key/other).",
    ]
