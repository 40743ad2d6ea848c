"""Benchmark: the responses export against the spreadsheet writer alone, in one run.

N responses × 30 questions (10 agreement scales, 5 single choices, 5 multiple choices of
four options, 5 numbers, 5 short texts) on SQLite or PostgreSQL. Each measurement runs
in a fresh process, which reports its wall time and peak RSS (ru_maxrss):

- writer floor: the export's own Responses matrix, built in memory first (not timed),
  written by xlsxwriter's constant-memory mode, both through the export's own typed
  writer (`typed_floor`: one `write_string`/`write_number`/`write_datetime` per cell) and
  through xlsxwriter's generic `write_row`, and by openpyxl's write-only mode, to pick
  between the libraries — what the writer needs with no database;
- export: `write_export` as the admin's job and `manage.py export_responses` run it, the
  Responses sheet streamed from the database plus Codebook, the analysis sheets and About;
- CSV: `write_export` to CSV against Python's `csv` writer over the same rows in memory;
- API: every response as CSV through `GET /api/v1/surveys/<id>/responses/?format=csv`
  with a personal token (`api_csv`: the whole request, streamed to a file), against
  `export_csv` (aim: within 1.5×);
- SPSS and Stata: `write_export` to .sav/.dta against pyreadstat writing the same data
  frame, labels and missing values from memory (`sav_floor`, `dta_floor`).

Usage: .venv/bin/python bench/bench_export.py [--engine sqlite|postgres] [--sizes 10000 100000]
       [--runs 1] [--reuse]
Prints a Markdown table for docs/BENCHMARKS.md. Never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, database_url, django_on, fresh_database, machine  # noqa: E402

FIRST_DAY = datetime.date(2026, 1, 1)
WORDS = ["calm", "busy", "afraid", "safe", "unsure", "tired", "hopeful", "angry"]


def database(engine: str, size: int) -> str:
    return f"confianza_bench_export_{size}"


def body() -> list[dict]:
    from surveys.builders import choices, likert, question

    options = choices(("a", "One"), ("b", "Two"), ("c", "Three"), ("d", "Four"))
    items = [question("neighborhood", "area", "Area")]
    items += [likert(f"s{j}", f"Statement {j}") for j in range(10)]
    items += [question("single_choice", f"c{j}", f"Choice {j}", choices=options) for j in range(5)]
    items += [
        question("multiple_choice", f"m{j}", f"Several {j}", choices=options) for j in range(5)
    ]
    items += [
        question("number", f"n{j}", f"Number {j}", min_value=0, max_value=1000) for j in range(5)
    ]
    items += [question("short_text", f"t{j}", f"Text {j}", max_length=100) for j in range(5)]
    return items


def populate(size: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from cms.models import Neighborhood
    from surveys.models import Answer, Response
    from surveys.question_types import AnswerValue
    from surveys.questionnaire import questionnaire_for_revision
    from surveys.wide import wide_cells
    from tests.factories import make_home, make_survey

    home = make_home()
    Neighborhood.objects.bulk_create(
        [Neighborhood(name=f"Area {i:02d}", code=f"a{i:02d}", population=5000) for i in range(10)]
    )
    hoods = list(Neighborhood.objects.order_by("code"))
    survey = make_survey(home, body(), slug="bench")
    questionnaire = questionnaire_for_revision(survey.live_revision)
    rng = random.Random(7)
    batch = 5000
    with transaction.atomic():
        for start in range(0, size, batch):
            responses, answers = [], []
            for _ in range(min(batch, size - start)):
                day = FIRST_DAY + datetime.timedelta(days=rng.randrange(300))
                hood = rng.choice(hoods)
                response = Response(
                    id=uuid.uuid4(), survey=survey, revision_id=survey.live_revision_id,
                    neighborhood=hood, language="en", submitted_on=day,
                )  # fmt: skip
                responses.append(response)
                values = []

                def add(
                    key,
                    code=None,
                    number=None,
                    text=None,
                    response=response,
                    day=day,
                    hood=hood,
                    answers=answers,
                    values=values,
                ):
                    values.append((key, AnswerValue(code, number, text)))
                    answers.append(
                        Answer(
                            response=response,
                            key=key,
                            code=code,
                            number=number,
                            text=text,
                            survey=survey,
                            neighborhood=hood,
                            status="complete",
                            submitted_on=day,
                        )  # fmt: skip
                    )

                for j in range(10):
                    value = rng.randint(1, 5)
                    add(f"s{j}", str(value), float(value))
                for j in range(5):
                    add(f"c{j}", rng.choice("abcd"))
                for j in range(5):
                    for code in rng.sample("abcd", rng.randint(1, 2)):
                        add(f"m{j}", code)
                for j in range(5):
                    add(f"n{j}", number=float(rng.randint(0, 1000)))
                for j in range(5):
                    add(f"t{j}", text=" ".join(rng.choices(WORDS, k=3)))
                # What submission.py stores beside the rows (surveys/wide.py).
                response.cells = wide_cells(questionnaire, values)
            Response.objects.bulk_create(responses, batch_size=batch)
            Answer.objects.bulk_create(answers, batch_size=batch)
    # Exports hold released responses only (surveys/release.py): release them all, or
    # every export measured here would be empty.
    Response.objects.update(released=True)
    Answer.objects.update(released=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(method: str) -> dict:
    """One measurement, in this (fresh) process."""
    from surveys.exports.build import write_export
    from surveys.exports.options import ExportOptions
    from surveys.exports.stream import plan_for, response_rows
    from surveys.models import SurveyPage

    survey = SurveyPage.objects.get(slug="bench")
    suffix = next((s for s in ("csv", "sav", "dta") if s in method), "xlsx")
    out = Path(tempfile.mkdtemp()) / f"out.{suffix}"
    if method in ("export_xlsx", "export_csv", "export_sav", "export_dta"):
        options = ExportOptions(format=out.suffix[1:])
        before = peak_mb()
        start = time.perf_counter()
        write_export(survey, options, out)
        seconds = time.perf_counter() - start
        return {"method": method, "seconds": seconds, "peak_mb": peak_mb(), "before_mb": before}
    if method == "api_csv":
        return {"method": method, **_pull_through_api(survey, out)}
    options = ExportOptions()
    plan = plan_for(survey, options)
    matrix = list(response_rows(survey, options, plan))
    cells, rows = len(matrix) * len(plan.headers), len(matrix)
    if method in ("sav_floor", "dta_floor"):
        from surveys.exports.packages import (
            labels_questionnaire,
            package_frame,
            plan_variables,
            write_frame,
        )

        variables = plan_variables(plan, labels_questionnaire(survey, ""), suffix)
        frame = package_frame(suffix, variables, matrix)
        del matrix
    before = peak_mb()
    start = time.perf_counter()
    if method in ("sav_floor", "dta_floor"):
        write_frame(out, suffix, variables, frame, label=survey.title)
    elif method == "typed_floor":
        from surveys.exports.writers import Sheet, write_xlsx

        write_xlsx(out, [Sheet("Responses", plan.headers, matrix, plan.widths)])
    elif method == "xlsxwriter_floor":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        sheet = workbook.add_worksheet("Responses")
        sheet.write_row(0, 0, plan.headers)
        for number, row in enumerate(matrix, start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
    elif method == "openpyxl_floor":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Responses")
        sheet.append(plan.headers)
        for row in matrix:
            sheet.append(row)
        workbook.save(out)
    elif method == "csv_floor":
        import csv

        with out.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, lineterminator="\n")  # as the export writes
            writer.writerow(plan.headers)
            writer.writerows(matrix)
    seconds = time.perf_counter() - start
    return {"method": method, "seconds": seconds, "peak_mb": peak_mb(), "before_mb": before,
            "rows": rows, "columns": len(plan.headers), "cells": cells}  # fmt: skip


def _pull_through_api(survey, out: Path) -> dict:
    """Pull every response as CSV through the API, as an analyst's script would."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from surveys.api.tokens import create_token

    user = get_user_model().objects.filter(username="bench-api").first()
    user = user or get_user_model().objects.create_superuser("bench-api", "b@example.org", None)
    _token, secret = create_token(
        user=user,
        name="bench",
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
        surveys=[survey],
    )
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    before = peak_mb()
    start = time.perf_counter()
    response = client.get(f"/api/v1/surveys/{survey.pk}/responses/", {"format": "csv"})
    with out.open("wb") as file:
        for chunk in response.streaming_content:
            file.write(chunk)
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return {"seconds": seconds, "peak_mb": peak_mb(), "before_mb": before}


METHODS = [
    "typed_floor",
    "xlsxwriter_floor",
    "export_xlsx",
    "openpyxl_floor",
    "csv_floor",
    "export_csv",
    "api_csv",
    "sav_floor",
    "export_sav",
    "dta_floor",
    "export_dta",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        django_on(fresh_database(args.engine, database(args.engine, args.populate)))
        populate(args.populate)
        return
    if args.child:
        size, method = int(args.child[0]), args.child[1]
        django_on(database_url(args.engine, database(args.engine, size)))
        print(json.dumps(measure(method)))
        return
    results = []
    for size in args.sizes:
        if not args.reuse:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--engine", args.engine, "--populate", str(size)],
                cwd=ROOT, check=True,
            )  # fmt: skip
            print(f"populated {size} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        for _ in range(args.runs):
            for method in args.methods:
                output = subprocess.run(
                    [sys.executable, __file__, "--engine", args.engine,
                     "--child", str(size), method],
                    cwd=ROOT, capture_output=True, text=True, check=True,
                )  # fmt: skip
                result = {"size": size, **json.loads(output.stdout.strip().splitlines()[-1])}
                print(json.dumps(result), file=sys.stderr)
                results.append(result)
    print(f"Machine: {machine()}; database: {args.engine}\n")
    print("| responses | method | seconds | peak RSS (MB) | ratio to the writer alone |")
    print("|---|---|---|---|---|")
    floors = {}
    for result in results:
        if result["method"].endswith("floor"):
            floors[(result["size"], result["method"])] = result["seconds"]
    for result in results:
        floor = {
            "export_xlsx": "typed_floor",
            "export_csv": "csv_floor",
            "api_csv": "csv_floor",
            "export_sav": "sav_floor",
            "export_dta": "dta_floor",
        }.get(result["method"])
        ratio = (
            f"{result['seconds'] / floors[(result['size'], floor)]:.2f}"
            if floor and (result["size"], floor) in floors
            else ""
        )
        print(
            f"| {result['size']:,} | {result['method']} | {result['seconds']:.1f} | "
            f"{result['peak_mb']:.0f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
