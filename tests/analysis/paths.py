"""The real path of the analysis tests: answers typed into the survey's paper data-entry
template, imported with `manage.py import_responses`, then analysed with
`manage.py analyze` (its JSON) — as an analyst would, with no shortcut."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import openpyxl
from django.core.management import call_command

from cms.models import Neighborhood
from surveys.exports.paper import paper_template
from tests.factories import make_survey


def neighborhoods(populations: dict[str, float | None], names: dict[str, str] | None = None):
    return [
        Neighborhood.objects.create(
            name=(names or {}).get(code, code.title()), code=code, population=population
        )
        for code, population in populations.items()
    ]


def import_rows(survey, rows: list[dict], folder: Path) -> None:
    """Type `rows` ({column: value}; `neighborhood`, `submitted_on` and `language` are
    columns too) into the survey's template and import it with the command."""
    workbook = openpyxl.load_workbook(io.BytesIO(paper_template(survey)))
    sheet = workbook["responses"]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        values = {"language": "en", **row}
        sheet.append([values.get(name) for name in header])
    path = folder / f"paper-{uuid.uuid4().hex}.xlsx"
    workbook.save(path)
    call_command("import_responses", survey.slug, str(path), stdout=io.StringIO())


def analyze(survey, *options: str) -> dict:
    """`manage.py analyze SLUG OPTIONS -o -`, parsed."""
    out = io.StringIO()
    call_command("analyze", survey.slug, *options, "-o", "-", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def survey_of(home, body, slug: str = "path", **fields):
    return make_survey(home, body, slug=slug, **fields)


def question_of(report: dict, key: str) -> dict:
    return next(q for q in [*report["questions"], *report["indices"]] if q["key"] == key)


def changes_of(question: dict, measure: str | None = None, headline: bool | None = None):
    """The question's period changes by neighborhood code (None: city-wide)."""
    return {
        c["neighborhood"]: c
        for c in question["periods"]
        if (measure is None or c["measure"] == measure)
        and (headline is None or c["headline"] == headline)
    }
