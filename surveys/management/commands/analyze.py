"""Analyse a survey from the shell: `manage.py analyze SLUG --format json -o report.json`.

Shell access to the server is access to every survey; each run is written to the audit
log (user: the shell).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from cms.audit import record_command_access
from cms.dates import parse_day
from cms.models import AuditEvent
from surveys.analysis.adjusted_report import (
    AdjustmentError,
    chosen_questions,
    load_adjusted,
    with_adjustment,
)
from surveys.analysis.counts import Selection
from surveys.analysis.impact_report import impact_section, load, trends_section
from surveys.analysis.margins import MarginsError, read_margins
from surveys.analysis.report import build_report
from surveys.analysis.trends import UNITS
from surveys.analysis.weighting import WeightingError
from surveys.exports.impact_sheets import impact_rows, trends_rows
from surveys.exports.report_sheets import NOTES, SHEETS
from surveys.exports.writers import Sheet, write_xlsx
from surveys.models import Intervention, SurveyPage
from surveys.release import release_due


def _date(value: str) -> datetime.date:
    try:
        return parse_day(value)
    except ValueError as error:
        raise CommandError(str(error)) from error


def _range(value: str) -> tuple[datetime.date, datetime.date]:
    start, separator, end = value.partition(":")
    if not separator:
        raise CommandError(f"'{value}' is not a date range (YYYY-MM-DD:YYYY-MM-DD).")
    first, last = _date(start), _date(end)
    if first > last:
        raise CommandError(f"The date range '{value}' ends before it starts.")
    return first, last


def find_survey(slug: str) -> SurveyPage:
    """The survey (an original, not a translation) with this slug; a clear error if none
    or several."""
    matches = list(SurveyPage.objects.originals().filter(slug=slug))
    if not matches:
        known = ", ".join(SurveyPage.objects.originals().values_list("slug", flat=True)) or "none"
        raise CommandError(f"No survey with the slug '{slug}'. Surveys: {known}.")
    if len(matches) > 1:
        raise CommandError(
            f"Several surveys have the slug '{slug}': "
            + ", ".join(page.url_path for page in matches)
        )
    return matches[0]


def find_intervention(name: str | None, survey: SurveyPage) -> Intervention | None:
    """The intervention of that name, about this survey or every survey."""
    if not name:
        return None
    found = (
        Intervention.objects.filter(name=name)
        .filter(Q(survey__isnull=True) | Q(survey=survey))
        .first()
    )
    if found is None:
        known = Intervention.objects.filter(Q(survey__isnull=True) | Q(survey=survey))
        names = ", ".join(f"'{i.name}'" for i in known) or "none"
        raise CommandError(f"No intervention '{name}' for this survey. Interventions: {names}.")
    return found


class Command(BaseCommand):
    help = "Write a survey's analysis (estimates, tests, weights) as JSON or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("survey", help="the survey's slug")
        parser.add_argument(
            "--weights",
            choices=["none", "neighborhood", "post-stratification", "rake"],
            default="none",
            help="neighborhood (or post-stratification): to neighborhood populations",
        )
        parser.add_argument(
            "--fpc",
            action="store_true",
            help="the responses are a stratified probability sample drawn from a frame: "
            "apply the finite population correction (never for opt-in answers)",
        )
        parser.add_argument("--margins", help="JSON file of raking margins (with --weights rake)")
        parser.add_argument("--since", type=_date, help="first day included (YYYY-MM-DD)")
        parser.add_argument("--until", type=_date, help="last day included (YYYY-MM-DD)")
        parser.add_argument("--split-at", type=_date, help="compare before / from this day")
        parser.add_argument(
            "--compare",
            type=_range,
            nargs=2,
            metavar="FROM:TO",
            help="compare two date ranges, e.g. 2026-01-01:2026-03-31 2026-09-01:2026-11-30",
        )
        parser.add_argument(
            "--intervention",
            help="name of an intervention (Admin → Interventions): adds its trends and "
            "impact (difference-in-differences, event study) to the JSON",
        )
        parser.add_argument(
            "--period",
            choices=UNITS,
            help="trends by month or quarter (default month with --intervention)",
        )
        parser.add_argument(
            "--adjust-for",
            nargs="+",
            metavar="KEY",
            help="about-the-respondent questions (e.g. age_group home_language) to adjust "
            "the trends and impact for: adjusted figures beside the raw ones",
        )
        parser.add_argument("--include-partial", action="store_true")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output", required=True, help="file to write ('-': stdout)")

    def handle(self, *args, **options):
        survey = find_survey(options["survey"])
        if options["weights"] == "post-stratification":
            options["weights"] = "neighborhood"
        if options["fpc"] and options["weights"] != "neighborhood":
            raise CommandError("--fpc is only used with --weights neighborhood.")
        margins = None
        if options["weights"] == "rake":
            if not options["margins"]:
                raise CommandError("--weights rake needs --margins FILE.json.")
            try:
                margins = read_margins(Path(options["margins"]), survey)
            except MarginsError as error:
                raise CommandError(str(error)) from error
        elif options["margins"]:
            raise CommandError("--margins is only used with --weights rake.")
        if options["since"] and options["until"] and options["since"] > options["until"]:
            raise CommandError("--since is after --until.")
        if options["split_at"] and options["compare"]:
            raise CommandError("Use --split-at or --compare, not both.")
        try:
            selection = Selection(
                survey=survey,
                since=options["since"],
                until=options["until"],
                include_partial=options["include_partial"],
                split_at=options["split_at"],
                compare=tuple(options["compare"]) if options["compare"] else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        intervention = find_intervention(options["intervention"], survey)
        unit = options["period"] or ("month" if intervention else None)
        adjust_for = []
        if options["adjust_for"]:
            if not unit:
                raise CommandError("--adjust-for needs --intervention or --period.")
            try:
                adjust_for = chosen_questions(survey.responses_survey, options["adjust_for"])
            except AdjustmentError as error:
                raise CommandError(str(error)) from error
        release_due(survey)
        try:
            report = build_report(
                selection,
                weighting=options["weights"],
                margins=margins,
                finite_population=options["fpc"],
            )
        except WeightingError as error:
            raise CommandError(str(error)) from error
        record_command_access(
            action=AuditEvent.Action.VIEW_RESULTS,
            page=survey,
            detail={
                "command": "analyze",
                "weights": options["weights"],
                "format": options["format"],
            },
        )
        extra = {}
        if unit:
            data = load(selection, unit)
            extra["trends"] = trends_section(data)
            if intervention:
                extra["impact"] = impact_section(data, intervention)
            if adjust_for:
                adjusted, description = load_adjusted(selection, data, adjust_for)
                with_adjustment(
                    extra["trends"], extra.get("impact"), adjusted, description, intervention
                )
        self.write(report, options["format"], options["output"], extra)

    def write(self, report, output_format: str, output: str, extra: dict | None = None) -> None:
        if output_format == "json":
            text = json.dumps({**report.as_dict(), **(extra or {})}, indent=2, ensure_ascii=False)
            if output == "-":
                self.stdout.write(text)
            else:
                Path(output).write_text(text, encoding="utf-8")
        else:
            if output == "-":
                raise CommandError("XLSX needs a file: -o report.xlsx")
            sheets = []
            for title, produce in SHEETS.items():
                rows = produce(report)
                sheets.append(Sheet(title, next(rows), rows, notes=NOTES[title]))
            for title, produce in (("Trends", trends_rows), ("Impact", impact_rows)):
                key = title.lower()
                if key in (extra or {}):
                    rows = produce(extra[key])
                    sheets.append(Sheet(title, next(rows), rows))
            write_xlsx(Path(output), sheets)
        if output != "-":
            self.stderr.write(f"{report.responses} responses analysed; written to {output}.")
