"""Our own `confianza::` columns, read back: what XLSForm has no column for.

`exporting.py` writes them; without them a Likert scale would come back as a plain
choice and "don't know" (98) would count in means and percentages. A workbook from
elsewhere has none of them and is read as plain XLSForm. A `confianza::type` that the
XLSForm type cannot hold, or a scale whose codes are not the scale's, is a problem.
"""

from __future__ import annotations

from django.utils.translation import gettext

from ..blocks import DONT_KNOW_CODE, PREFER_NOT_TO_SAY_CODE
from .reading import Row

PREFIX = "confianza::"
TRUE_VALUES = frozenset({"yes", "true", "1", "true()"})

# Our question types each XLSForm type can hold; the first is what it is read as.
TYPES_BY_XLSFORM_TYPE = {
    "select_one": ("single_choice", "likert", "rating", "neighborhood"),
    "select_multiple": ("multiple_choice",),
    "integer": ("number",),
    "decimal": ("number",),
    "text": ("short_text", "long_text"),
    "date": ("date",),
}
SURVEY_COLUMNS = frozenset(
    PREFIX + column
    for column in (
        "type",
        "randomize",
        "about_respondent",
        "favorable",
        "min_label",
        "max_label",
        "relevant_hint",
    )
)
# Per language: the organizer's sentence saying when a row with a `relevant` is asked,
# shown to residents without JavaScript.
RELEVANT_HINT = PREFIX + "relevant_hint"
CHOICE_FLAGS = ("non_substantive", "other", "anchored")
NEIGHBORHOOD_LIST = "neighborhood"


def flag(row: Row, column: str) -> bool:
    return row.get(PREFIX + column).strip().lower() in TRUE_VALUES


def choice_flags(choice: Row) -> dict[str, bool]:
    """A choice's non-substantive, asks-to-specify and keep-last flags."""
    return {name: flag(choice, name) for name in CHOICE_FLAGS}


def our_type(row: Row, xlsform_type: str, guess: str, list_name: str = "") -> str | None:
    """The question type `row` declares (`guess` when it declares none); None if the
    declared type does not fit `xlsform_type`."""
    declared = row.get(PREFIX + "type").strip().lower()
    if not declared:
        return "neighborhood" if list_name == NEIGHBORHOOD_LIST else guess
    return declared if declared in TYPES_BY_XLSFORM_TYPE.get(xlsform_type, ()) else None


def type_problem(row: Row) -> str:
    return gettext("confianza::type '%(type)s' does not fit the type '%(xlsform)s'.") % {
        "type": row.get(PREFIX + "type"),
        "xlsform": row.get("type"),
    }


def question_options(row: Row, block_type: str) -> dict:
    """Options every question of `block_type` reads from our columns."""
    options: dict = {"about_respondent": flag(row, "about_respondent")}
    if block_type in ("single_choice", "likert", "rating"):
        options["favorable"] = " ".join(row.get(PREFIX + "favorable").split())
    return options


def scale_options(block_type: str, choices: list[dict], text) -> tuple[dict, str | None]:
    """The block options of a Likert scale or 0-10 rating from its `choices` (code, label,
    flags), and a problem if the codes are not that scale's. `text(column)` reads a
    translated column of the question's row."""
    codes = [choice["code"] for choice in choices]
    if block_type == "rating":
        if codes != [str(n) for n in range(11)]:
            return {}, gettext("A 0-10 rating's choices must be the codes 0 to 10, in order.")
        labels = {"min_label": text(PREFIX + "min_label"), "max_label": text(PREFIX + "max_label")}
        return labels, None
    substantive = [c["code"] for c in choices if not c.get("non_substantive")]
    extra = [c["code"] for c in choices if c.get("non_substantive")]
    points = len(substantive)
    if (
        points not in (5, 7)
        or substantive != [str(n) for n in range(1, points + 1)]
        or extra
        not in (
            [],
            [DONT_KNOW_CODE],
            [PREFER_NOT_TO_SAY_CODE],
            [DONT_KNOW_CODE, PREFER_NOT_TO_SAY_CODE],
        )
    ):
        return {}, gettext(
            "An agreement scale's choices must be the codes 1 to 5 or 1 to 7, then 98 "
            "(don't know) and 99 (prefer not to say) marked non-substantive."
        )
    return {
        "points": str(points),
        "dont_know": DONT_KNOW_CODE in extra,
        "prefer_not_to_say": PREFER_NOT_TO_SAY_CODE in extra,
    }, None
