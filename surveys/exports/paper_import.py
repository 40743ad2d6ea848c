"""Importing filled data-entry templates as paper responses: all rows or none.

Every row is validated as the resident's web form validates it (the same form class,
display logic included); problems are reported by sheet, row, column and reason, and
nothing is stored unless every row is valid. A file is recognised by its content hash:
importing the same file twice is refused. The upload is treated as hostile (the
XLSForm importer's checks: size, zip entries and ratio, macros, a cap on cells).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import IO

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from openpyxl.utils import get_column_letter
from wagtail.models import Revision

from cms.models import Neighborhood

from ..disclosure.published_windows import published_windows
from ..models import Response, SurveyPage
from ..questionnaire import Questionnaire, questionnaire_for_revision
from ..submission import InvalidAnswers, ResponseData, cleaned_answers, record_responses
from ..xlsform.problems import XLSFormError
from ..xlsform.safety import CellBudget, open_workbook, sheet_rows, uncached_formulas
from .paper import FIXED, TEMPLATE_MARK, TemplateColumn, language_codes, template_columns

MAX_ROWS = 5000
SHEET = "responses"


class ImportedFile(models.Model):
    """A data-entry file already imported: its hash, never its content."""

    survey = models.ForeignKey(
        "surveys.SurveyPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("survey")
    )
    sha256 = models.CharField(max_length=64)
    imported_on = models.DateField(_("imported on"))
    responses = models.PositiveIntegerField(_("responses"))

    class Meta:
        verbose_name = _("imported data-entry file")
        constraints = [
            models.UniqueConstraint(fields=["survey", "sha256"], name="import_once_per_survey")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.sha256[:12]}"


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(gettext("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(gettext("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class PaperImportError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:20]))


def _refuse(reason: str, row: int | None = None, column: str = "") -> PaperImportError:
    return PaperImportError([Problem(SHEET if row else "", row, column, reason)])


def import_paper(survey: SurveyPage, upload: IO[bytes]) -> int:
    """Import a filled template into `survey` as paper responses; return how many."""
    original = survey.responses_survey
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    earlier = ImportedFile.objects.filter(survey=original, sha256=digest).first()
    if earlier:
        raise _refuse(
            gettext("This file was already imported on %(day)s (%(count)d responses).")
            % {"day": earlier.imported_on.isoformat(), "count": earlier.responses}
        )
    try:
        workbook = open_workbook(upload)
    except XLSFormError as error:
        raise PaperImportError(
            [Problem(p.sheet, p.row, "", p.reason) for p in error.problems]
        ) from error
    try:
        questionnaire = _template_questionnaire(workbook, original)
        budget = CellBudget(MAX_ROWS * 200)
        rows = sheet_rows(workbook, SHEET, budget)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        columns = template_columns(questionnaire)
        expected = [column.header for column in columns]
        while header and header[-1] == "":
            header.pop()
        if header != expected:
            raise _refuse(
                gettext(
                    "The header row does not match this survey's template. Expected: %(expected)s"
                )
                % {"expected": ", ".join(expected)},
                row=1,
            )
        uncalculated = uncached_formulas(upload, SHEET, CellBudget(MAX_ROWS * 200))
        if uncalculated:
            reason = gettext(
                "This cell (%(cell)s) holds a formula whose value was never calculated, so it "
                "would be imported blank. Open the file in a spreadsheet program and save it, "
                "or type the value instead."
            )
            raise PaperImportError(
                [
                    Problem(
                        SHEET,
                        row,
                        expected[column - 1] if column <= len(expected) else "",
                        reason % {"cell": f"{get_column_letter(column)}{row}"},
                    )
                    for row, column in uncalculated
                ]
            )
        responses, problems = _read_rows(rows, columns, questionnaire, original)
    except XLSFormError as error:
        raise PaperImportError(
            [Problem(p.sheet, p.row, "", p.reason) for p in error.problems]
        ) from error
    finally:
        workbook.close()
    if problems:
        raise PaperImportError(problems)
    if not responses:
        raise _refuse(gettext("The sheet 'responses' has no filled rows."))
    with transaction.atomic():
        count = record_responses(survey=original, questionnaire=questionnaire, responses=responses)
        ImportedFile.objects.create(
            survey=original, sha256=digest, imported_on=timezone.localdate(), responses=count
        )
    return count


def _template_questionnaire(workbook, survey: SurveyPage) -> Questionnaire:
    """The questionnaire revision the template was made from, if it is this survey's."""
    if SHEET not in workbook.sheetnames or "about" not in workbook.sheetnames:
        raise _refuse(
            gettext("This is not a data-entry template: download the template for this survey.")
        )
    about = {}
    for row in sheet_rows(workbook, "about", CellBudget(2000)):
        if row and row[0] is not None:
            about[str(row[0])] = str(row[1]) if len(row) > 1 and row[1] is not None else ""
    if TEMPLATE_MARK not in about:
        raise _refuse(
            gettext("This is not a data-entry template: download the template for this survey.")
        )
    if about.get("survey") != str(survey.translation_key):
        raise _refuse(
            gettext("This template is for another survey (%(title)s), not '%(this)s'.")
            % {"title": about.get("title", "?"), "this": survey.title}
        )
    revision = Revision.page_revisions.filter(
        pk=int(about.get("revision") or 0) if (about.get("revision") or "").isdigit() else 0,
        object_id=str(survey.pk),
    ).first()
    if revision is None:
        raise _refuse(gettext("The template names a questionnaire revision this survey lacks."))
    return questionnaire_for_revision(revision)


def _read_rows(rows, columns: list[TemplateColumn], questionnaire, survey: SurveyPage):
    areas = set(Neighborhood.objects.values_list("code", flat=True))
    languages = language_codes(survey)
    today = timezone.localdate()
    windows = published_windows(survey)
    responses: list[ResponseData] = []
    problems: list[Problem] = []
    for number, cells in enumerate(rows, start=2):
        values = [_text(cell) for cell in cells[: len(columns)]]
        if not any(values):
            continue
        if len(responses) + len(problems) >= MAX_ROWS:
            problems.append(Problem(SHEET, number, "", gettext("Too many rows in one file.")))
            break
        values += [""] * (len(columns) - len(values))
        row_problems: list[Problem] = []

        def problem(column: str, reason: str, row=number, found=row_problems) -> None:
            found.append(Problem(SHEET, row, column, reason))

        area, day_cell, language = values[0], cells[1] if len(cells) > 1 else None, values[2]
        if area and area not in areas:
            problem(
                "neighborhood", gettext("No neighborhood has the code '%(code)s'.") % {"code": area}
            )
        day = _day(day_cell)
        if day is None:
            problem("submitted_on", gettext("Give the day as a date, like 2026-05-31."))
        elif day > today:
            problem("submitted_on", gettext("The day is in the future."))
        elif published := next((w for w in windows if w.holds(day)), None):
            problem(
                "submitted_on",
                gettext(
                    "The day falls in a period whose results are published (%(page)s, "
                    "until %(until)s): published figures never change. Publish a new "
                    "results page for a later period instead."
                )
                % {"page": published.title, "until": published.until.isoformat()},
            )
        language = language or languages[0]
        if language not in languages:
            problem(
                "language",
                gettext("The survey is not in '%(code)s'; use one of: %(known)s.")
                % {"code": language, "known": ", ".join(languages)},
            )
        answers: dict = {}
        for column, value in zip(columns[len(FIXED) :], values[len(FIXED) :], strict=True):
            if value == "":
                continue
            key = column.answer_key
            if column.question.type == "multiple_choice" and not column.other:
                answers[key] = value.split()
            else:
                answers[key] = value
        area_question = questionnaire.neighborhood_question
        if area_question and area:
            answers[area_question.key] = area
        try:
            cleaned = cleaned_answers(questionnaire, answers)
        except InvalidAnswers as invalid:
            for key, messages in invalid.errors.items():
                header = key.replace("-other", "/other")
                if area_question and key == area_question.key:
                    header = "neighborhood"
                for message in messages:
                    problem(header if header != "__all__" else "", message)
            cleaned = None
        problems.extend(row_problems)
        if not row_problems and cleaned is not None:
            responses.append(
                ResponseData(
                    answers=answers,
                    submitted_on=day,
                    language=language,
                    channel=Response.Channel.PAPER,
                    neighborhood=area or None,
                )
            )
    return responses, problems


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _day(cell) -> datetime.date | None:
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, str):
        try:
            return datetime.date.fromisoformat(cell.strip())
        except ValueError:
            return None
    return None
