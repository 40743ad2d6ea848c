"""Benchmark: the full analysis report against the single SQL GROUP BY it rests on.

50 neighborhoods × 20 agreement-scale questions × 1,000 respondents per neighborhood
(1,000,000 answers), on SQLite (a file) and on PostgreSQL, in one run:

- floor: one GROUP BY (neighborhood, question, code) over the survey's answers — the
  least any report must do;
- report: build_report (counts, estimates with intervals, Kruskal–Wallis and Dunn's test
  for all 1,225 pairs of neighborhoods per question, Holm and BH), unweighted and
  weighted by neighborhood populations.

Usage: .venv/bin/python bench/bench_analysis.py [--engine sqlite|postgres|both] [--runs 3]
Prints a Markdown table for docs/BENCHMARKS.md. Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, django_on, fresh_database, machine, timed  # noqa: E402

NEIGHBORHOODS, QUESTIONS, PER_NEIGHBORHOOD = 50, 20, 1000


def populate() -> object:
    import datetime

    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from cms.models import Neighborhood
    from surveys.builders import likert, question
    from surveys.models import Answer, Response
    from tests.factories import make_home, make_survey

    home = make_home()
    hoods = [
        Neighborhood(name=f"Area {i:02d}", code=f"a{i:02d}", population=5000 + 100 * i)
        for i in range(NEIGHBORHOODS)
    ]
    Neighborhood.objects.bulk_create(hoods)
    hoods = list(Neighborhood.objects.order_by("code"))
    body = [question("neighborhood", "area", "Area")] + [
        likert(f"q{j:02d}", f"Statement {j}") for j in range(QUESTIONS)
    ]
    survey = make_survey(home, body, slug="bench")
    rng = random.Random(42)
    day = datetime.date(2026, 5, 1)
    with transaction.atomic():
        for index, hood in enumerate(hoods):
            shift = (index % 10) / 10
            responses, answers = [], []
            for _ in range(PER_NEIGHBORHOOD):
                response = Response(
                    id=uuid.uuid4(),
                    survey=survey,
                    revision_id=survey.live_revision_id,
                    neighborhood=hood,
                    language="en",
                    submitted_on=day,
                )
                responses.append(response)
                for j in range(QUESTIONS):
                    value = min(5, max(1, round(rng.gauss(3 + shift, 1.1))))
                    answers.append(
                        Answer(
                            response=response,
                            key=f"q{j:02d}",
                            code=str(value),
                            number=float(value),
                            survey=survey,
                            neighborhood=hood,
                            status="complete",
                            submitted_on=day,
                        )
                    )
            Response.objects.bulk_create(responses, batch_size=5000)
            Answer.objects.bulk_create(answers, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return survey


def measure(engine: str, runs: int) -> dict:
    from django.db import connection

    from surveys.analysis.counts import Selection
    from surveys.analysis.report import build_report
    from surveys.models import Answer, SurveyPage

    survey = SurveyPage.objects.get(slug="bench")
    answers = Answer._meta.db_table

    def group_by():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT neighborhood_id, key, code, COUNT(*) FROM {answers} "
                "WHERE survey_id = %s GROUP BY neighborhood_id, key, code",
                [survey.pk],
            )
            cursor.fetchall()

    group_by()  # warm the cache, as a running server has
    floor, floor_runs = timed(group_by, runs)
    plain, plain_runs = timed(lambda: build_report(Selection(survey=survey)), runs)
    weighted, weighted_runs = timed(
        lambda: build_report(Selection(survey=survey), weighting="neighborhood"), runs
    )
    return {
        "engine": engine,
        "answers": Answer.objects.count(),
        "group_by": floor, "group_by_runs": floor_runs,
        "report": plain, "report_runs": plain_runs,
        "report_weighted": weighted, "report_weighted_runs": weighted_runs,
    }  # fmt: skip


def child(engine: str, runs: int) -> None:
    url = fresh_database(engine, "confianza_bench_analysis")
    django_on(url)
    populate()
    print(json.dumps(measure(engine, runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        output = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--runs", str(args.runs)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    print(f"Machine: {machine()}\n")
    print(
        "| database | answers | GROUP BY (s) | report (s) | ratio | weighted report (s) | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['engine']} | {r['answers']:,} | {r['group_by']:.3f} | {r['report']:.3f} | "
            f"{r['report'] / r['group_by']:.2f}× | {r['report_weighted']:.3f} | "
            f"{r['report_weighted'] / r['group_by']:.2f}× |"
        )
    print("\nRuns (s):", json.dumps(results))


if __name__ == "__main__":
    main()
