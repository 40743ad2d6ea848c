"""The paper data-entry template: a spreadsheet a clerk types paper surveys into.

Sheet `responses`: `neighborhood`, `submitted_on`, `language`, then one column per
question key of the published questionnaire (a multiple choice as one column of codes
separated by spaces; `key/other` for an "Other (please specify)" text), with Excel's
data validation (dropdowns of codes, number and date ranges) and the question as the
cell's input message. Sheet `codebook` lists every code with its label. Sheet `about`
names the survey and revision, so that a template filled for another survey, or a file
that is not a template, is recognised on import.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import xlsxwriter
from django.utils.translation import gettext
from wagtail.models import Revision

from cms.models import Neighborhood

from ..forms import other_field_name
from ..models import SurveyPage
from ..questionnaire import Question, Questionnaire, questionnaire_for_revision
from .options import ExportError

TEMPLATE_MARK = "confianza data-entry template"
FIXED = ("neighborhood", "submitted_on", "language")
VALIDATED_ROWS = 2000
CHOICE_TYPES = ("single_choice", "likert", "rating")


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    question: Question | None = None
    other: bool = False

    @property
    def answer_key(self) -> str:
        """The key its value has in the answers `cleaned_answers` validates."""
        assert self.question is not None
        return other_field_name(self.question.key) if self.other else self.question.key


def template_columns(questionnaire: Questionnaire) -> list[TemplateColumn]:
    columns = [TemplateColumn(name) for name in FIXED]
    for question in questionnaire.questions:
        if question.type == "neighborhood":
            continue
        columns.append(TemplateColumn(question.key, question))
        if question.other_choice:
            columns.append(TemplateColumn(f"{question.key}/other", question, other=True))
    return columns


def template_revision(survey: SurveyPage) -> Revision:
    revision = survey.responses_survey.live_revision
    if revision is None:
        raise ExportError(gettext("Publish the survey before making a data-entry template."))
    return revision


def language_codes(survey: SurveyPage) -> list[str]:
    """The survey's languages, its own first (the codebook reads their questionnaires;
    a template only needs the codes)."""
    original = survey.responses_survey
    return [
        original.locale.language_code,
        *original.get_translations().values_list("locale__language_code", flat=True),
    ]


def paper_template(survey: SurveyPage) -> bytes:
    """The data-entry workbook for `survey`'s published questionnaire."""
    original = survey.responses_survey
    revision = template_revision(original)
    questionnaire = questionnaire_for_revision(revision)
    columns = template_columns(questionnaire)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "in_memory": True})
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("responses")
    lists = workbook.add_worksheet("lists")
    codebook = workbook.add_worksheet("codebook")
    about = workbook.add_worksheet("about")
    sheet.freeze_panes(1, 0)
    list_columns = _write_lists(lists, questionnaire, language_codes(original))
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, bold)
        validation, width, cell_format = _validation(column, list_columns, day, text)
        sheet.set_column(index, index, width, cell_format)
        if validation:
            sheet.data_validation(1, index, VALIDATED_ROWS, index, validation)
    _write_codebook(codebook, questionnaire, bold)
    for row, (name, value) in enumerate(
        [
            (TEMPLATE_MARK, "1"),
            ("survey", str(original.translation_key)),
            ("revision", str(revision.pk)),
            ("title", original.title),
        ]
    ):
        about.write_string(row, 0, name)
        about.write_string(row, 1, value)
    lists.hide()
    workbook.close()
    return output.getvalue()


def _write_lists(lists, questionnaire: Questionnaire, languages: list[str]) -> dict[str, str]:
    """Code lists for the dropdowns, one column each; returns their ranges by name."""
    named = {
        "neighborhood": list(Neighborhood.objects.order_by("code").values_list("code", flat=True)),
        "language": languages,
    }
    for question in questionnaire.questions:
        if question.type in CHOICE_TYPES:
            named[question.key] = [choice.code for choice in question.choices]
    ranges = {}
    for index, (name, codes) in enumerate(named.items()):
        lists.write_string(0, index, name)
        for row, code in enumerate(codes, start=1):
            lists.write_string(row, index, code)
        letter = xlsxwriter.utility.xl_col_to_name(index)
        ranges[name] = f"=lists!${letter}$2:${letter}${max(len(codes), 1) + 1}"
    return ranges


def _validation(column: TemplateColumn, lists: dict[str, str], day, text):
    """The data validation, width and format of a template column."""
    question = column.question
    if question is None:
        if column.header == "submitted_on":
            return (
                {
                    "validate": "date",
                    "criteria": ">",
                    "value": datetime.date(2000, 1, 1),
                    "input_title": "submitted_on",
                    "input_message": gettext("The day the resident filled in the paper form."),
                },
                12,
                day,
            )
        return {"validate": "list", "source": lists[column.header]}, 14, text
    message = {"input_title": question.key[:32], "input_message": question.label[:250]}
    if column.other:
        return {"validate": "any", **message}, 30, text
    if question.type in CHOICE_TYPES:
        return {"validate": "list", "source": lists[question.key], **message}, 12, text
    if question.type == "number":
        low = question.min_value if question.min_value is not None else -1e12
        high = question.max_value if question.max_value is not None else 1e12
        kind = "integer" if question.integer else "decimal"
        limits = {"criteria": "between", "minimum": low, "maximum": high}
        return {"validate": kind, **limits, **message}, 10, None
    if question.type == "date":
        return {"validate": "any", **message}, 12, day
    if question.type == "multiple_choice":
        codes = " ".join(choice.code for choice in question.choices)
        message["input_message"] = (question.label[:150] + " — " + codes)[:250]
        return {"validate": "any", **message}, 16, text
    length = question.max_length or 10000
    return {"validate": "length", "criteria": "<=", "value": length, **message}, 30, text


def _write_codebook(sheet, questionnaire: Questionnaire, bold) -> None:
    header = ["key", "question", "type", "code", "label", "non_substantive"]
    sheet.write_row(0, 0, header, bold)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 50)
    sheet.set_column(4, 4, 30)
    row = 1
    for question in questionnaire.questions:
        if question.type == "neighborhood":
            continue
        sheet.write_string(row, 0, question.key)
        sheet.write_string(row, 1, question.label)
        sheet.write_string(row, 2, question.type)
        row += 1
        for choice in question.choices:
            sheet.write_string(row, 0, question.key)
            sheet.write_string(row, 3, choice.code)
            sheet.write_string(row, 4, choice.label)
            sheet.write_string(row, 5, "yes" if choice.non_substantive else "no")
            row += 1
