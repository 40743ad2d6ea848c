"""Responses as SPSS (.sav) and Stata (.dta) files, written by pyreadstat.

Each column of the Responses sheet becomes one variable:

- its name is the column's, made valid and unique for the format (`names.py`);
- its variable label is the question's text in the chosen language;
- a single choice, scale or rating is numeric with a **value label** for every choice. A
  code that is a whole number is stored as that number (1..5, 98); when any code of a
  question is not (`18_24`), its choices are numbered 1, 2, … in their order and the
  codebook gives each number's code. Non-substantive choices ("don't know", "prefer not
  to say") are **user-missing** values in SPSS and extended missing values (.a, .b, …)
  in Stata, so both packages leave them out of means by default while keeping them;
- a multiple choice keeps its space-separated codes as a string, and each choice is a
  0/1 variable labelled with the choice;
- numbers are numbers; dates and the day of submission are dates; texts are strings.
  A date cell that is not a valid date (kept from an old form) turns that variable into
  text, so that nothing is lost.

Rows are gathered column by column, a chunk of rows at a time (numbers in flat arrays),
then written at once: the formats are not streamable, and pyreadstat writes from a data
frame.
"""

from __future__ import annotations

import array
import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from django.utils.translation import gettext

from ..questionnaire import Questionnaire
from .cells import code_value
from .codebook import survey_languages
from .names import variable_names
from .options import ExportError
from .plan import RESPONSE_COLUMNS, ColumnPlan
from .r_bundle import write_r_bundle
from .stream import response_rows

RESPONSE_LABELS = {
    "response_id": "Response (a random identifier)",
    "submitted_on": "Day submitted",
    "neighborhood": "Neighborhood (code)",
    "language": "Language answered in",
    "channel": "Channel (web, paper, kiosk)",
    "status": "Status (complete or partial)",
    "revision": "Questionnaire revision answered",
}
STRING, NUMBER, DATE, CODED = "string", "number", "date", "coded"
RESPONSE_KINDS = {"submitted_on": DATE, "revision": NUMBER}  # the others are strings
# Longest variable label each format keeps (Stata: 80 characters; SPSS: 255 bytes here).
LABEL_LIMITS = {"sav": 255, "dta": 80}
# Longest value label (SPSS: 120 bytes; Stata's limit is far larger).
VALUE_LABEL_LIMITS = {"sav": 120, "dta": 32_000}
STATA_MISSING = "abcdefghijklmnopqrstuvwxyz"


class PackageFileError(ValueError):
    """A survey that cannot be written in the format asked for; the message says why."""


@dataclass
class Variable:
    """One variable of the file and how a Responses cell becomes its value."""

    column: str  # the Responses column it comes from
    name: str  # its name in the file
    label: str
    kind: str  # STRING, NUMBER, DATE or CODED
    # CODED: code (as the Responses cell holds it) -> stored number, and its label.
    numbers: dict = field(default_factory=dict)
    value_labels: dict[float, str] = field(default_factory=dict)
    missing: list[float] = field(default_factory=list)  # stored numbers that are missing


def _fit(text: str, limit: int, encoded: bool) -> str:
    """`text` cut to `limit` characters (bytes of UTF-8 when `encoded`), with an ellipsis."""
    text = " ".join(str(text or "").split())
    size = len(text.encode()) if encoded else len(text)
    if size <= limit:
        return text
    while text and (len((text + "…").encode()) if encoded else len(text) + 1) > limit:
        text = text[:-1]
    return text + "…"


def _coded(question, choices, column: str, fmt: str) -> Variable:
    """A single choice, scale or rating as a numeric variable with value labels."""
    # The cell holds a code as a number when it is one (cells.code_value).
    cells = [code_value(choice.code) for choice in choices]
    whole = all(isinstance(cell, int) for cell in cells)
    numbers = {cell: float(cell if whole else index) for index, cell in enumerate(cells, start=1)}
    variable = Variable(column, column, question.label, CODED, numbers)
    limit = VALUE_LABEL_LIMITS[fmt]
    for choice, cell in zip(choices, cells, strict=True):
        number = numbers[cell]
        variable.value_labels[number] = _fit(choice.label, limit, fmt == "sav")
        if choice.non_substantive:
            variable.missing.append(number)
    return variable


def plan_variables(plan: ColumnPlan, questionnaire: Questionnaire, fmt: str) -> list[Variable]:
    """The file's variables for `plan`'s columns, labelled from `questionnaire` (the
    survey in the language the analyst chose; a question it lacks keeps its last text)."""
    variables = [
        Variable(name, name, RESPONSE_LABELS[name], RESPONSE_KINDS.get(name, STRING))
        for name in RESPONSE_COLUMNS
    ]
    by_index: dict[int, Variable] = {}
    for key, columns in plan.questions.items():
        asked = questionnaire.question(key) or columns.question
        choices = [
            next((c for c in asked.choices if c.code == choice.code), choice)
            for choice in columns.choices
        ]
        if columns.kind == "single":
            by_index[columns.value] = _coded(asked, choices, key, fmt)
        else:
            kind = {"number": NUMBER, "date": DATE}.get(columns.kind, STRING)
            by_index[columns.value] = Variable(key, key, asked.label, kind)
        for choice in choices:
            index = columns.choice_columns.get(choice.code)
            if index is not None:
                by_index[index] = Variable(
                    plan.headers[index],
                    plan.headers[index],
                    f"{asked.label}: {choice.label}",
                    NUMBER,
                    value_labels={0.0: "not chosen", 1.0: "chosen"},
                )
        if columns.other is not None:
            by_index[columns.other] = Variable(
                plan.headers[columns.other],
                plan.headers[columns.other],
                f"{asked.label}: in the resident's words",
                STRING,
            )
    variables += [by_index[index] for index in range(len(RESPONSE_COLUMNS), len(plan.headers))]
    names = variable_names([variable.column for variable in variables], fmt)
    limit = LABEL_LIMITS[fmt]
    for variable, name in zip(variables, names, strict=True):
        variable.name = name
        label = (
            variable.label if name == variable.column else f"{variable.label} [{variable.column}]"
        )
        if name != variable.column and len(label) > limit:
            suffix = f" [{variable.column}]"
            label = _fit(variable.label, max(limit - len(suffix), 8), fmt == "sav") + suffix
        variable.label = _fit(label, limit, fmt == "sav")
    return variables


# Rows are turned into columns this many at a time: one transposition in C, then one
# comprehension per column, instead of a Python call per cell. 5,000 rows of 57 cells hold
# about 15 MB while they are turned; 20,000 held four times that, at the same speed.
CHUNK_ROWS = 5_000


def _unknown_code(variable: Variable, cell) -> PackageFileError:
    """A code no choice has any more: never dropped, so the file is refused."""
    return PackageFileError(
        gettext(
            "The answer '%(code)s' to '%(column)s' is not one of the "
            "question's choices; export to XLSX or CSV to see it."
        )
        % {"code": cell, "column": variable.column}
    )


class _Column:
    """A variable's values as the rows come: numbers in a flat array of doubles."""

    def __init__(self, variable: Variable):
        self.variable = variable
        self.values = array.array("d") if variable.kind in (NUMBER, CODED) else []
        self.all_dates = True

    def extend(self, cells: tuple) -> None:
        """Add one chunk of this column's cells (a tuple, one per row)."""
        kind = self.variable.kind
        nan = math.nan
        if kind == CODED:
            numbers = self.variable.numbers
            get = numbers.get
            values = [nan if c is None or c == "" else get(c) for c in cells]
            if None in values:
                raise _unknown_code(self.variable, cells[values.index(None)])
            self.values.extend(values)
        elif kind == NUMBER:
            self.values.extend([nan if c is None or c == "" else float(c) for c in cells])
        elif kind == DATE:
            date = datetime.date
            if self.all_dates and not all(c is None or isinstance(c, date) for c in cells):
                self.all_dates = False
            self.values.extend(cells)
        else:
            self.values.extend(["" if c is None else str(c) for c in cells])

    def series(self, fmt: str) -> pd.Series:
        variable = self.variable
        if variable.kind == DATE and not self.all_dates:
            variable.kind = STRING  # keep every cell as it was typed
            return pd.Series(
                [
                    "" if v is None else getattr(v, "isoformat", lambda v=v: str(v))()
                    for v in self.values
                ],
                dtype=object,
            )
        if variable.kind == DATE:
            return pd.Series(self.values, dtype=object)
        if variable.kind in (NUMBER, CODED):
            # A view of the column's own doubles, not a copy (100,000 × 50 columns: 40 MB).
            values = pd.Series(np.frombuffer(self.values, dtype="float64"), copy=False)
            if fmt == "dta" and variable.missing:
                letters = dict(zip(variable.missing, STATA_MISSING, strict=False))
                values = values.astype(object)
                values = values.map(lambda v: letters.get(v, v))
            return values
        return pd.Series(self.values, dtype=object)


def _stata_labels(variable: Variable) -> dict:
    letters = dict(zip(variable.missing, STATA_MISSING, strict=False))
    return {
        letters.get(number, int(number)): label for number, label in variable.value_labels.items()
    }


def _spss_missing(variable: Variable) -> list:
    """SPSS keeps up to three discrete missing values, or one range and one value."""
    missing = sorted(variable.missing)
    if len(missing) <= 3:
        return missing
    low, high = missing[0], missing[-1]
    answers = [n for n in variable.value_labels if n not in variable.missing]
    if any(low <= n <= high for n in answers):
        raise PackageFileError(
            gettext(
                "'%(column)s' has more than three non-substantive choices with answers "
                "between their codes: SPSS cannot mark them all missing. Renumber them "
                "above the answers' codes, or export to Stata, XLSX or CSV."
            )
            % {"column": variable.column}
        )
    return [{"lo": low, "hi": high}]


def package_frame(fmt: str, variables: list[Variable], rows: Iterable[list]) -> pd.DataFrame:
    """`rows` (cells in the plan's column order) as the data frame pyreadstat writes."""
    if len(variables) > 32_767 and fmt == "dta":
        raise PackageFileError(gettext("Stata files hold at most 32,767 variables."))
    columns = [_Column(variable) for variable in variables]
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        for column, cells in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(cells)
    return pd.DataFrame(
        {column.variable.name: column.series(fmt) for column in columns}, copy=False
    )


def write_frame(
    path: Path, fmt: str, variables: list[Variable], frame: pd.DataFrame, *, label: str
) -> None:
    """Write `frame` (from `package_frame`) to `path` with its labels and missing values."""
    column_labels = {v.name: v.label for v in variables}
    if fmt == "sav":
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=_fit(label, 64, True),
            column_labels=column_labels,
            variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
            missing_ranges={v.name: _spss_missing(v) for v in variables if v.missing},
            variable_measure={
                v.name: "ordinal" if v.kind == CODED else "scale" if v.kind == NUMBER else "nominal"
                for v in variables
            },
            note=[f"{v.name} = {v.column}" for v in variables if v.name != v.column] or None,
        )
    else:
        pyreadstat.write_dta(
            frame,
            str(path),
            file_label=_fit(label, 80, False),
            column_labels=column_labels,
            variable_value_labels={v.name: _stata_labels(v) for v in variables if v.value_labels},
            missing_user_values={
                v.name: list(STATA_MISSING[: len(v.missing)]) for v in variables if v.missing
            },
        )


def labels_questionnaire(survey, language: str) -> Questionnaire:
    """The survey's questions in `language` ("" for the survey's own), for labels."""
    languages = survey_languages(survey)
    if not language:
        return languages.questionnaires[0]
    if language not in languages.codes:
        raise ExportError(
            gettext("This survey is not in the language '%(language)s'; it is in: %(known)s.")
            % {"language": language, "known": ", ".join(languages.codes)}
        )
    return languages.questionnaires[languages.codes.index(language)]


def write_for_package(
    survey, options, plan: ColumnPlan, path: Path, *, progress: Callable[[int], None] | None
) -> None:
    """`survey`'s selected responses as an SPSS or Stata file, or the R bundle, at `path`."""
    questionnaire = labels_questionnaire(survey, options.language)
    rows = response_rows(survey, options, plan, progress=progress)
    if options.format == "r":
        write_r_bundle(
            path, plan, survey_languages(survey), rows, language=options.language, bom=options.bom
        )
        return
    variables = plan_variables(plan, questionnaire, options.format)
    try:
        frame = package_frame(options.format, variables, rows)
        write_frame(path, options.format, variables, frame, label=survey.title)
    except PackageFileError as error:
        raise ExportError(str(error)) from error
