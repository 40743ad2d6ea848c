"""Export a survey's responses from the shell:
`manage.py export_responses SLUG -o FILE.xlsx|FILE.csv|FILE.sav|FILE.dta|FILE.zip
[--since D] [--until D] [--neighborhood CODE ...] [--channel web|paper|kiosk]
[--include-partial] [--labels] [--bom] [--non-substantive-blank] [--language CODE]
[--split-at D | --compare D D D D] [--weighting none|neighborhood|rake]`.

.sav is SPSS, .dta Stata (value labels, non-substantive answers as missing values);
.zip is the R bundle (codes, codebook and a script that reads them into factors).

Shell access to the server is access to every survey; each run is written to the audit
log (user: the shell). A progress bar is drawn when stderr is a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.audit import record_command_access
from cms.models import AuditEvent
from surveys.exports.build import count_responses, feedback_sheet, write_export
from surveys.exports.options import ExportError, ExportOptions
from surveys.release import release_due

from .analyze import _date, find_survey

# The file's ending says the format; .zip is the R bundle.
SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".sav": "sav", ".dta": "dta", ".zip": "r"}


class Command(BaseCommand):
    help = (
        "Write a survey's responses, codebook and analysis as XLSX; its responses as CSV; "
        "or a file for SPSS (.sav), Stata (.dta) or R (.zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("survey", help="the survey's slug")
        parser.add_argument(
            "-o", "--output", required=True, help="FILE.xlsx, .csv, .sav, .dta or .zip (R)"
        )
        parser.add_argument("--since", type=_date, help="first day included (YYYY-MM-DD)")
        parser.add_argument("--until", type=_date, help="last day included (YYYY-MM-DD)")
        parser.add_argument(
            "--neighborhood", action="append", default=[], help="a neighborhood code (repeatable)"
        )
        parser.add_argument("--channel", default="", help="web, paper or kiosk")
        parser.add_argument("--include-partial", action="store_true")
        parser.add_argument("--labels", action="store_true", help="choice labels, not codes")
        parser.add_argument("--bom", action="store_true", help="CSV: a byte-order mark for Excel")
        parser.add_argument(
            "--language", default="", help="SPSS, Stata, R: the labels' language (a code)"
        )
        parser.add_argument(
            "--split-at", type=_date, help="analysis sheets: before / from this day (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--compare",
            nargs=4,
            type=_date,
            metavar=("FIRST_FROM", "FIRST_TO", "SECOND_FROM", "SECOND_TO"),
            help="analysis sheets: compare two periods",
        )
        parser.add_argument(
            "--weighting",
            default="none",
            help="analysis sheets: none, neighborhood or rake (as on the results view)",
        )
        parser.add_argument(
            "--non-substantive-blank",
            action="store_true",
            help="don't know, prefer not to say... as blank cells, not their codes",
        )

    def handle(self, *args, **options):
        survey = find_survey(options["survey"])
        output = Path(options["output"])
        suffix = SUFFIXES.get(output.suffix.lower())
        if suffix is None:
            raise CommandError("The output file must end in .xlsx, .csv, .sav, .dta or .zip.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        try:
            export = ExportOptions(
                format=suffix,
                since=options["since"],
                until=options["until"],
                neighborhoods=tuple(options["neighborhood"]),
                channel=options["channel"],
                include_partial=options["include_partial"],
                labels=options["labels"],
                non_substantive_blank=options["non_substantive_blank"],
                split_at=options["split_at"],
                compare=_periods(options["compare"]),
                weighting=options["weighting"],
                bom=options["bom"],
                language=options["language"],
            )
            export.check_neighborhoods()
            release_due(survey)
            total = count_responses(survey, export)
            bar = ProgressBar(total, self.stderr) if sys.stderr.isatty() else None
            write_export(
                survey,
                export,
                output,
                progress=bar.update if bar else None,
                extra_sheets=lambda: [feedback_sheet(include_original=False)],
            )
        except ExportError as error:
            raise CommandError(str(error)) from error
        if bar:
            bar.finish()
        record_command_access(
            action=AuditEvent.Action.EXPORT,
            page=survey,
            detail={"command": "export_responses", **export.to_json()},
        )
        self.stderr.write(f"{total} responses written to {output}.")


class ProgressBar:
    WIDTH = 40

    def __init__(self, total: int, stream):
        self.total, self.stream = max(total, 1), stream

    def update(self, done: int) -> None:
        filled = int(self.WIDTH * done / self.total)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total}", ending=""
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("")


def _periods(days):
    """Two (from, to) periods from the four days of --compare, or None."""
    return ((days[0], days[1]), (days[2], days[3])) if days else None
