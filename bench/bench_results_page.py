"""Benchmark: the public results page of a survey of 100,000 responses, cold and warm.

100,000 responses over 50 neighborhoods (2,000 each), 10 agreement-scale questions
published (1,000,000 answers), weighted by neighborhood populations. Cold: the cache
and the period's stored release emptied, so the page computes and freezes the release
(SQL counts, estimates, tests, suppression, the intruder's audit, charts), as on the
first view after the period closed. Warm: the same page again, as every visitor after
the first sees it. Measured in-process through
Django's test client (no socket), on SQLite and/or PostgreSQL.

Usage: .venv/bin/python bench/bench_results_page.py [--engine sqlite|postgres|both]
       [--runs 3] [--reuse]   (PostgreSQL: BENCH_PG_URL, default the shared server)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, database_url, django_on, fresh_database, machine, timed  # noqa: E402

# Overridable, so that benchmarks run side by side do not share a database.
DATABASE = os.environ.get("BENCH_DB_NAME", "confianza_bench_results")
NEIGHBORHOODS, QUESTIONS, PER_NEIGHBORHOOD = 50, 10, 2000
FIRST_DAY = datetime.date(2026, 1, 1)


def populate() -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from cms.models import Neighborhood, ResultsPage
    from surveys.builders import likert, question
    from surveys.models import Answer, Response
    from tests.factories import make_home, make_survey

    home = make_home()
    Neighborhood.objects.bulk_create(
        Neighborhood(name=f"Area {i:02d}", code=f"a{i:02d}", population=5000 + 100 * i)
        for i in range(NEIGHBORHOODS)
    )
    body = [question("neighborhood", "area", "Area")] + [
        likert(f"q{j:02d}", f"Statement {j}") for j in range(QUESTIONS)
    ]
    survey = make_survey(home, body, slug="bench")
    # Released as surveys/release.py would have released them by the time the period
    # closed: otherwise the first view releases a million rows and the VACUUM below
    # would have seen none of them (index-only scans then visit the heap).
    rng = random.Random(7)
    for index, hood in enumerate(Neighborhood.objects.order_by("code")):
        shift = (index % 10) / 10
        with transaction.atomic():
            responses, answers = [], []
            for _ in range(PER_NEIGHBORHOOD):
                day = FIRST_DAY + datetime.timedelta(days=rng.randrange(300))
                response = Response(
                    id=uuid.uuid4(), survey=survey, revision_id=survey.live_revision_id,
                    neighborhood=hood, language="en", submitted_on=day, released=True,
                )  # fmt: skip
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
                            released=True,
                        )  # fmt: skip
                    )
            Response.objects.bulk_create(responses, batch_size=5000)
            Answer.objects.bulk_create(answers, batch_size=5000)
    page = ResultsPage(
        title="What we heard", slug="results", survey=survey,
        published_keys=" ".join(f"q{j:02d}" for j in range(QUESTIONS)),
        weighting="neighborhood", until=datetime.date(2026, 11, 1),
    )  # fmt: skip
    home.add_child(instance=page)
    page.save_revision().publish()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(engine: str, runs: int) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from cms.models import ResultsPage
    from surveys.models import Answer, Response, ResultsRelease

    url = ResultsPage.objects.get(slug="results").url
    client = Client(HTTP_HOST="127.0.0.1")

    def cold():
        cache.clear()
        ResultsRelease.objects.all().delete()
        response = client.get(url)
        assert response.status_code == 200 and b"results-table" in response.content

    def warm():
        assert client.get(url).status_code == 200

    cold()  # the database's own caches warm, as on a running server
    cold_s, cold_runs = timed(cold, runs)
    warm_s, warm_runs = timed(warm, max(runs, 5))
    return {
        "engine": engine,
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "cold": cold_s, "cold_runs": cold_runs, "warm": warm_s, "warm_runs": warm_runs,
    }  # fmt: skip


def child(engine: str, runs: int, reuse: bool) -> None:
    url = database_url(engine, DATABASE) if reuse else fresh_database(engine, DATABASE)
    os.environ["DEBUG"] = "false"  # as served: no debug templates, no query log
    django_on(url)
    if not reuse:
        populate()
    print(json.dumps(measure(engine, runs)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.reuse)
        return 0
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    print(f"{machine()}\n")
    print("| database | responses | answers | cold (s) | warm (ms) |")
    print("|---|---|---|---|---|")
    for engine in engines:
        command = [sys.executable, __file__, "--child", engine, "--runs", str(args.runs)]
        out = subprocess.run(command + (["--reuse"] if args.reuse else []), cwd=ROOT,
                             capture_output=True, text=True, check=True)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {engine} | {r['responses']:,} | {r['answers']:,} | {r['cold']:.3f} "
              f"({', '.join(f'{t:.3f}' for t in r['cold_runs'])}) | {r['warm'] * 1000:.1f} "
              f"({', '.join(f'{t * 1000:.1f}' for t in r['warm_runs'])}) |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
