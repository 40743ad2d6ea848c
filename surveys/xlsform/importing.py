"""An XLSForm read into survey bodies, one per language, without touching the database.

`read_xlsform` maps the survey sheet row by row onto our blocks (see the table in
`surveys/xlsform/__init__.py`), then runs each body through the same validation the
page editor uses, so an imported survey is one an organizer could have built by hand.
Every row that cannot be represented becomes a `Problem` naming its sheet and row;
what is dropped on purpose (metadata, `choice_filter`) becomes a warning. Writing the
pages is `pages.import_xlsform`'s job, and happens only when there are no problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .our_columns import SURVEY_COLUMNS as OUR_SURVEY_COLUMNS
from .problems import Problem, XLSFormError
from .reading import Sheet, language_code, read_sheets
from .rows import BodyBuilder
from .safety import open_workbook

# What the import reads; `constraint_message` and `required_message` are replaced by
# the form's own clear messages.
SURVEY_COLUMNS = (
    frozenset(
        {
            "type",
            "name",
            "label",
            "hint",
            "required",
            "required_message",
            "relevant",
            "constraint",
            "constraint_message",
            "appearance",
            "choice_filter",
            "parameters",
        }
    )
    | OUR_SURVEY_COLUMNS
)


@dataclass
class ImportedForm:
    """What an XLSForm says, as raw StreamField bodies and titles per language code."""

    default_language: str = ""
    languages: tuple[str, ...] = ()  # the site's languages the form has, default first
    titles: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_xlsform(file) -> ImportedForm:
    """Read the XLSForm in `file` (a path or a binary file); nothing is written."""
    try:
        workbook = open_workbook(file)
        try:
            sheets = read_sheets(workbook)
        finally:
            workbook.close()
    except XLSFormError as error:
        return ImportedForm(problems=error.problems)
    return _read(sheets)


def _read(sheets: dict[str, Sheet]) -> ImportedForm:
    form = ImportedForm()
    settings_sheet = sheets.get("settings")
    setting = settings_sheet.rows[0] if settings_sheet and settings_sheet.rows else None
    _choose_languages(form, sheets, setting)
    if not any(row.get("type") for row in sheets["survey"].rows):
        form.problems.append(Problem("survey", None, gettext("The survey sheet has no rows.")))
    if form.problems:
        return form
    for language in form.languages:
        form.titles[language] = _title(setting, language, form.default_language)
        _read_body(form, sheets, language)
    form.warnings.extend(_ignored_columns(sheets["survey"]))
    return form


def _ignored_columns(survey: Sheet) -> list[Problem]:
    """A warning for each survey column that says something the import leaves out."""
    used = {
        column for row in survey.rows for (column, _language), value in row.cells.items() if value
    }
    return [
        Problem(
            "survey",
            1,
            gettext("The column '%(column)s' is not imported.") % {"column": column},
        )
        for column in sorted(used - SURVEY_COLUMNS)
    ]


def _read_body(form: ImportedForm, sheets: dict[str, Sheet], language: str) -> None:
    """Build `language`'s body; problems are the default language's (the rows are the
    same in every language), and what only a translation breaks (a label too long)."""
    default = language == form.default_language
    problems, warnings = (form.problems, form.warnings) if default else ([], [])
    body, rows = BodyBuilder(sheets, language, form.default_language, problems, warnings).build()
    form.bodies[language] = body
    # The editor's checks, on rows with no problem yet (one reason per row is enough).
    seen = {problem.row for problem in form.problems}
    for problem in validation_problems(body, rows):
        if problem.row not in seen and (default or not form.problems):
            form.problems.append(problem if default else _in_language(problem, language))


def _in_language(problem: Problem, language: str) -> Problem:
    return Problem(problem.sheet, problem.row, f"({language}) {problem.reason}")


def _choose_languages(form: ImportedForm, sheets: dict[str, Sheet], setting) -> None:
    site = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    in_form = []
    for sheet in sheets.values():
        in_form.extend(code for code in sheet.languages if code not in in_form)
    declared = setting.get("default_language") if setting else ""
    if declared:
        default = language_code(declared)
    elif in_form and not _has_plain_labels(sheets["survey"]):
        default = in_form[0]
    else:
        default = settings.LANGUAGE_CODE
    if default not in site:
        usable = [code for code in in_form if code in site]
        if not usable:
            form.problems.append(
                Problem(
                    "settings",
                    2 if declared else None,
                    gettext("The form's language '%(language)s' is not one of this site's.")
                    % {"language": default},
                )
            )
            return
        form.warnings.append(
            Problem(
                "settings",
                2 if declared else None,
                gettext("'%(language)s' is not a language of this site; the survey is in %(used)s.")
                % {"language": default, "used": usable[0]},
            )
        )
        default = usable[0]
    for code in in_form:
        if code not in site:
            form.warnings.append(
                Problem(
                    "survey",
                    1,
                    gettext(
                        "The '%(language)s' columns are not imported: the site has no such "
                        "language."
                    )
                    % {"language": code},
                )
            )
    form.default_language = default
    others = [code for code in in_form if code in site and code != default]
    form.languages = (default, *others)


def _has_plain_labels(survey: Sheet) -> bool:
    return any(row.get("label") for row in survey.rows)


def _title(setting, language: str, default_language: str) -> str:
    if setting is None:
        return gettext("Imported survey")
    return (
        setting.text("form_title", language, default_language)
        or setting.get("form_id")
        or gettext("Imported survey")
    )


def validation_problems(body: list[dict], rows: list[int]) -> list[Problem]:
    """What the page editor would refuse in `body`; `rows[i]` is block i's row."""
    from ..models import SurveyPage  # models import blocks; this module is imported early

    stream_block = SurveyPage._meta.get_field("body").stream_block
    try:
        stream_block.clean(stream_block.to_python(body))
    except ValidationError as error:
        problems = []
        for index, block_error in getattr(error, "block_errors", {}).items():
            for message in _messages(block_error.as_json_data()):
                problems.append(Problem("survey", rows[index], message))
        for message in getattr(error, "non_block_errors", []) or []:
            problems.extend(Problem("survey", None, text) for text in _messages(message))
        return problems or [Problem("survey", None, "; ".join(error.messages))]
    return []


def _messages(data) -> list[str]:
    """Every message in a block error's JSON form, however deeply nested."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, ValidationError):
        return list(data.messages)
    if isinstance(data, dict):
        return [m for key, value in data.items() if key != "code" for m in _messages(value)]
    if isinstance(data, list | tuple):
        return [m for value in data for m in _messages(value)]
    return []
