"""XLSForm export: a survey, in every language it is translated into, as one workbook.

Organizers move questionnaires between Confianza and the KoboToolbox / ODK world and keep
a copy of what they asked; importing an export gives back the same keys, codes, labels in
every language, and logic. The export reads only each language's plain `Questionnaire`
(never StreamField JSON) and writes three sheets:

- ``survey``: type, name, ``label::<Language> (<code>)`` and ``hint::...`` per language,
  required, relevant, constraint, appearance, then our own columns (below).
- ``choices``: list_name, name, ``label::...`` per language, then our own columns.
- ``settings``: form_title, form_id (the slug), version (the revision id),
  default_language (e.g. ``English (en)``).

Mapping (the importer reads the same): single_choice is ``select_one <key>`` (appearance
``minimal`` for a dropdown); likert and rating are ``select_one <key>`` with their explicit
choices; neighborhood is ``select_one neighborhood`` (the Neighborhood codes and names);
multiple_choice is ``select_multiple <key>`` (maximum selections: constraint
``count-selected(.) <= n``); number is ``integer`` or ``decimal`` (limits: constraint
``. >= a and . <= b``); short_text is ``text`` and long_text ``text`` with appearance
``multiline`` (maximum length: constraint ``string-length(.) <= n``); a note is ``note``
(its HTML as plain text); a section is ``begin_group`` ... ``end_group`` up to the next
section or page break, its heading the label and its introduction the hint; a page break
is ``begin_group`` with appearance ``field-list`` ... ``end_group`` around its page, the
page's sections nested inside. Conditions become ``relevant`` (see `_expression`).

Options XLSForm has no column for go in columns that XLSForm tools ignore and our
importer reads back:

- survey: ``confianza::type`` (our question type, on every question),
  ``confianza::randomize``, ``confianza::about_respondent`` (``yes``),
  ``confianza::favorable`` (codes, space-separated), ``confianza::min_label::<Language>``
  and ``confianza::max_label::<Language>`` (a rating's end labels),
  ``confianza::relevant_hint::<Language>`` (the organizer's sentence saying when a row
  with a ``relevant`` is asked, for residents without JavaScript);
- choices: ``confianza::non_substantive``, ``confianza::other``, ``confianza::anchored``
  (``yes``).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language_info
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..logic import All, Condition, Not, Rule, as_number
from ..questionnaire import (
    KEY_MAX_LENGTH,
    Item,
    Question,
    Questionnaire,
    build_questionnaire,
)

if TYPE_CHECKING:
    from wagtail.models import Revision

    from ..models import SurveyPage

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREFIX = "confianza::"
NEIGHBORHOOD_LIST = "neighborhood"
TYPES = {
    "single_choice": "select_one",
    "likert": "select_one",
    "rating": "select_one",
    "neighborhood": "select_one",
    "multiple_choice": "select_multiple",
    "short_text": "text",
    "long_text": "text",
    "date": "date",
}
SURVEY_OPTIONS = ("type", "randomize", "about_respondent", "favorable")
CHOICE_OPTIONS = ("non_substantive", "other", "anchored")
END_GROUP = {"type": "end_group"}
RELEVANT_HINT = PREFIX + "relevant_hint"


@dataclass(frozen=True)
class _Language:
    """One language of the survey: its column suffix and its questionnaire."""

    column: str
    questionnaire: Questionnaire
    page: SurveyPage

    def question(self, key: str) -> Question | None:
        return self.questionnaire.question(key)

    def item(self, block_id: str) -> Item | None:
        return next((i for i in self.questionnaire.items if i.block_id == block_id), None)


def export_xlsform(survey: SurveyPage, *, revision: Revision | None = None) -> bytes:
    """The XLSForm workbook of `survey` (`revision`, else its live revision, else its
    latest), labelled in its own language first, then in each of its translations."""
    default = _language(survey, revision)
    translations = survey.get_translations().specific().order_by("locale__language_code")
    languages = [default] + [_language(page) for page in translations]
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, "survey", *_survey_sheet(languages))
    _write_sheet(workbook, "choices", *_choices_sheet(languages))
    _write_sheet(workbook, "settings", *_settings_sheet(default))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _language(page: SurveyPage, revision: Revision | None = None) -> _Language:
    """A page's language as published (as last saved if never published)."""
    revision = revision or page.live_revision or page.latest_revision
    if revision is not None:
        page = revision.as_object()
    questionnaire = build_questionnaire(page, revision_id=revision.pk if revision else None)
    return _Language(language_column(questionnaire.language), questionnaire, page)


def language_column(code: str) -> str:
    """How XLSForm names a language in column headers: ``Spanish (es)``."""
    try:
        name = get_language_info(code)["name"]
    except KeyError:
        name = code
    return f"{name} ({code})"


# --- sheets ------------------------------------------------------------------------------

Rows = tuple[list[str], list[dict[str, str]]]


def _survey_sheet(languages: list[_Language]) -> Rows:
    columns = [
        "type",
        "name",
        *_per_language("label", languages),
        *_per_language("hint", languages),
        "required",
        "relevant",
        "constraint",
        "appearance",
        *(PREFIX + option for option in SURVEY_OPTIONS),
        *_per_language(PREFIX + "min_label", languages),
        *_per_language(PREFIX + "max_label", languages),
        *_per_language(RELEVANT_HINT, languages),
    ]
    return columns, list(_survey_rows(languages))


def _choices_sheet(languages: list[_Language]) -> Rows:
    columns = [
        "list_name",
        "name",
        *_per_language("label", languages),
        *(PREFIX + option for option in CHOICE_OPTIONS),
    ]
    rows, lists = [], set()
    for question in languages[0].questionnaire.questions:
        list_name = _list_name(question)
        if not question.choices or list_name in lists:
            continue
        lists.add(list_name)
        for choice in question.choices:
            row = {"list_name": list_name, "name": choice.code}
            row |= _texts(
                "label", languages, lambda lang, q=question, c=choice.code: _choice(lang, q.key, c)
            )
            row |= {PREFIX + option: _yes(getattr(choice, option)) for option in CHOICE_OPTIONS}
            rows.append(row)
    return columns, rows


def _settings_sheet(default: _Language) -> Rows:
    revision_id = default.questionnaire.revision_id
    version = str(revision_id) if revision_id else timezone.localdate().strftime("%Y%m%d")
    row = {
        "form_title": default.page.title,
        "form_id": default.page.slug,
        "version": version,
        "default_language": default.column,
    }
    return list(row), [row]


def _per_language(column: str, languages: list[_Language]) -> list[str]:
    return [f"{column}::{language.column}" for language in languages]


def _texts(column: str, languages: list[_Language], text: Callable[[_Language], str]) -> dict:
    """The cells of `column` in every language (blank where a translation lacks it)."""
    return {f"{column}::{language.column}": text(language) for language in languages}


def _hints(
    languages: list[_Language], text: Callable[[_Language], str], column: str = "hint"
) -> dict:
    """The hint cells: blank in a language whose hint is the default language's text,
    which is what an untranslated hint holds (wagtail-localize copies the source)."""
    cells = _texts(column, languages, text)
    default = cells[f"{column}::{languages[0].column}"]
    for language in languages[1:]:
        name = f"{column}::{language.column}"
        if cells[name] == default:
            cells[name] = ""
    return cells


def _choice(language: _Language, key: str, code: str) -> str:
    question = language.question(key)
    choice = question.choice(code) if question else None
    return choice.label if choice else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


# --- survey rows ---------------------------------------------------------------------------


def _survey_rows(languages: list[_Language]) -> Iterable[dict[str, str]]:
    """The survey sheet's rows: groups for pages and sections around their items."""
    questionnaire = languages[0].questionnaire
    names = _Names(questionnaire.keys)
    numbers = frozenset(q.key for q in questionnaire.questions if q.type == "number")
    open_groups: list[str] = []
    for item in questionnaire.items:
        if item.type == "page_break":
            yield from [END_GROUP] * len(open_groups)
            open_groups = ["page"]
        elif item.type == "section" and open_groups[-1:] == ["section"]:
            yield END_GROUP
            open_groups.pop()
        if item.type == "section":
            open_groups.append("section")
        row = _item_row(item, languages, names)
        if item.condition is not None:
            row["relevant"] = _expression(item.condition, numbers)
            row |= _hints(
                languages,
                lambda language, block_id=item.block_id: getattr(
                    language.item(block_id), "condition_hint", ""
                ),
                RELEVANT_HINT,
            )
        yield row
    yield from [END_GROUP] * len(open_groups)


def _item_row(item: Item, languages: list[_Language], names: _Names) -> dict[str, str]:
    if item.is_question:
        return _question_row(item, languages)
    if item.type == "note":
        return {"type": "note", "name": names.unique("note")} | _item_texts(
            "label", languages, item, "text", plain_text
        )
    if item.type == "section":
        row = {"type": "begin_group", "name": names.unique("section", item.heading)}
        return (
            row
            | _item_texts("label", languages, item, "heading")
            | _hints(languages, lambda language: getattr(language.item(item.block_id), "text", ""))
        )
    row = {"type": "begin_group", "name": names.unique("page", item.title)}
    return row | _item_texts("label", languages, item, "title") | {"appearance": "field-list"}


def _item_texts(
    column: str, languages: list[_Language], item: Item, attribute: str, clean=str
) -> dict[str, str]:
    """The cells of `column`: `attribute` of the same item (by block id) in each language."""
    return _texts(
        column,
        languages,
        lambda language: clean(getattr(language.item(item.block_id), attribute, "")),
    )


def _question_row(question: Question, languages: list[_Language]) -> dict[str, str]:
    def text(attribute: str) -> Callable[[_Language], str]:
        return lambda language: getattr(language.question(question.key), attribute, "")

    required = question.required or (
        question.type == "neighborhood"
        and languages[0].questionnaire.settings.neighborhood_required
    )
    row = {
        "type": _type(question),
        "name": question.key,
        "required": _yes(required),
        "constraint": _constraint(question),
        "appearance": _appearance(question),
        PREFIX + "type": question.type,
        PREFIX + "randomize": _yes(question.randomize),
        PREFIX + "about_respondent": _yes(question.about_respondent),
        PREFIX + "favorable": " ".join(question.favorable),
    }
    row |= _texts("label", languages, text("label")) | _hints(languages, text("help_text"))
    if question.type == "rating":
        row |= _texts(PREFIX + "min_label", languages, text("min_label"))
        row |= _texts(PREFIX + "max_label", languages, text("max_label"))
    return row


def _list_name(question: Question) -> str:
    return NEIGHBORHOOD_LIST if question.type == "neighborhood" else question.key


def _type(question: Question) -> str:
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    kind = TYPES.get(question.type, question.type)
    return f"{kind} {_list_name(question)}" if kind.startswith("select_") else kind


def _appearance(question: Question) -> str:
    if question.type == "single_choice" and question.widget == "dropdown":
        return "minimal"
    return "multiline" if question.type == "long_text" else ""


def _constraint(question: Question) -> str:
    if question.type == "number":
        limits = [(">=", question.min_value), ("<=", question.max_value)]
        return " and ".join(f". {op} {_number(v)}" for op, v in limits if v is not None)
    if question.type == "multiple_choice" and question.max_selections:
        return f"count-selected(.) <= {question.max_selections}"
    if question.max_length:
        return f"string-length(.) <= {question.max_length}"
    return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def plain_text(rich_text: str) -> str:
    """A note's HTML as plain text: paragraphs and list items on their own lines."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|li|h\d)>", "\n", rich_text)
    lines = (line.strip() for line in html.unescape(strip_tags(text)).splitlines())
    return "\n".join(line for line in lines if line)


class _Names:
    """Unique XLSForm names for groups and notes, never a question's key."""

    def __init__(self, keys: Iterable[str]):
        self.taken = set(keys) | {NEIGHBORHOOD_LIST}

    def unique(self, fallback: str, text: str = "") -> str:
        base = slugify(text).replace("-", "_")[: KEY_MAX_LENGTH - 4]
        if not base[:1].isalpha():
            base = f"{fallback}_{base}".rstrip("_")
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}_{number}"
        self.taken.add(name)
        return name


# --- relevant expressions ---------------------------------------------------------------


def _expression(condition: Condition, numbers: frozenset[str] = frozenset()) -> str:
    """`condition` as an XLSForm ``relevant`` expression; `numbers` are the keys of number
    questions, whose values are compared unquoted."""
    return _term(condition, numbers, nested=False)


def _term(condition: Condition, numbers: frozenset[str], *, nested: bool) -> str:
    if isinstance(condition, Rule):
        return _rule(condition, condition.key in numbers)
    if isinstance(condition, Not):
        return f"not({_term(condition.term, numbers, nested=False)})"
    joiner = " and " if isinstance(condition, All) else " or "
    text = joiner.join(_term(term, numbers, nested=True) for term in condition.terms)
    return f"({text})" if nested else text


def _rule(rule: Rule, number: bool) -> str:
    field = f"${{{rule.key}}}"
    values = [_literal(value, number) for value in rule.values]
    if rule.op in ("one_of", "not_one_of"):
        either = " or ".join(f"{field} = {value}" for value in values)
        return f"({either})" if rule.op == "one_of" else f"not({either})"
    if rule.op in ("selected", "not_selected"):
        selected = f"selected({field}, {values[0]})"
        return selected if rule.op == "selected" else f"not({selected})"
    if rule.op in ("answered", "not_answered"):
        return f"{field} {'!=' if rule.op == 'answered' else '='} ''"
    if rule.op in ("lt", "le", "gt", "ge"):
        operator = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[rule.op]
        return f"{field} {operator} {_literal(rule.values[0], True)}"
    return f"{field} {'=' if rule.op == 'equals' else '!='} {values[0]}"


def _literal(value: str, number: bool) -> str:
    """A value in an expression: a number as is, else quoted text."""
    if number and as_number(value) is not None:
        return value
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in value.split("'")) + ")"


# --- the workbook ------------------------------------------------------------------------


def _write_sheet(workbook: Workbook, title: str, columns: list[str], rows: list[dict]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) or None for column in columns])
