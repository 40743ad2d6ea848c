"""Benchmark: the full analysis report against the single SQL GROUP BY it rests on.

50 neighborhoods × 20 agreement-scale questions × 1,000 respondents per neighborhood
(1,000,000 answers) over 24 months, on SQLite (a file) and on PostgreSQL, in one run:

- floor: one GROUP BY (question, neighborhood, code) over the survey's complete answers,
  written the way the database serves it best (index order, COUNT(*)) — the least any
  report must do;
- report: build_report (counts, estimates with intervals, Kruskal–Wallis and Dunn's test
  for all 1,225 pairs of neighborhoods per question, Holm and BH), unweighted, weighted
  by neighborhood populations, and unweighted with a before/after split;
- trends + impact: monthly trends of every question post-stratified within each month,
  and the difference-in-differences, event study and sensitivity analyses of an
  intervention covering ten of the neighborhoods from the survey's thirteenth month
  (surveys/analysis/impact_report.py), as `analyze --intervention` computes them;
- pandas: the answers loaded from the same database into pandas, then chi-square and
  Kruskal–Wallis per question (what an analyst does without the report);
- peer: ../shared/bench/stats_limit.py on the same machine in the same run, when it is
  there: pandas counts plus chi-square and Kruskal–Wallis per question on data already
  in memory (needs pandas: `make bench` installs requirements-bench.txt).

Usage: .venv/bin/python bench/bench_analysis.py [--engine sqlite|postgres|both] [--runs 3]
       [--reuse] [--database NAME]
       --reuse measures the databases the last run populated, skipping minutes of set-up.
Prints a Markdown table for docs/BENCHMARKS.md. Never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, database_url, django_on, fresh_database, machine, timed  # noqa: E402

DATABASE = "confianza_bench_analysis"
NEIGHBORHOODS, QUESTIONS, PER_NEIGHBORHOOD = 50, 20, 1000
FIRST_DAY, SPLIT_DAY = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)
DAYS = 730  # 24 months
COVERED = 10  # neighborhoods the benchmark's intervention covers
PEER = ROOT.parent / "shared" / "bench" / "stats_limit.py"


def populate() -> object:
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
    with transaction.atomic():
        for index, hood in enumerate(hoods):
            shift = (index % 10) / 10
            responses, answers = [], []
            for _ in range(PER_NEIGHBORHOOD):
                day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
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
    # Analyses read released responses only (surveys/release.py): release them all, or
    # every report measured here would be empty.
    Response.objects.update(released=True)
    Answer.objects.update(released=True)
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
                f"SELECT key, neighborhood_id, code, COUNT(*) FROM {answers} "
                "WHERE survey_id = %s AND status = 'complete' "
                "GROUP BY key, neighborhood_id, code",
                [survey.pk],
            )
            cursor.fetchall()

    group_by()  # warm the cache, as a running server has
    build_report(Selection(survey=survey))
    floor, floor_runs = timed(group_by, runs)
    plain, plain_runs = timed(lambda: build_report(Selection(survey=survey)), runs)
    weighted, weighted_runs = timed(
        lambda: build_report(Selection(survey=survey), weighting="neighborhood"), runs
    )
    split = Selection(survey=survey, split_at=SPLIT_DAY)
    periods, periods_runs = timed(lambda: build_report(split), runs)
    weighted_periods, weighted_periods_runs = timed(
        lambda: build_report(split, weighting="neighborhood"), runs
    )
    rao_scott, rao_scott_runs = timed(rao_scott_50_by_25(), runs)
    impact, impact_runs = timed(trends_and_impact(survey), runs)
    loaded, loaded_runs = timed(lambda: pandas_from_database(survey.pk), runs)
    return {
        "engine": engine,
        "answers": Answer.objects.count(),
        "group_by": floor, "group_by_runs": floor_runs,
        "report": plain, "report_runs": plain_runs,
        "report_weighted": weighted, "report_weighted_runs": weighted_runs,
        "report_periods": periods, "report_periods_runs": periods_runs,
        "report_weighted_periods": weighted_periods,
        "report_weighted_periods_runs": weighted_periods_runs,
        "rao_scott_50x25": rao_scott, "rao_scott_50x25_runs": rao_scott_runs,
        "trends_impact": impact, "trends_impact_runs": impact_runs,
        "pandas_loaded": loaded, "pandas_loaded_runs": loaded_runs,
    }  # fmt: skip


def trends_and_impact(survey):
    """Monthly trends and the impact of an intervention covering COVERED neighborhoods
    from the thirteenth month (recorded once, so that --reuse finds it), as a function
    to time."""
    from cms.models import Neighborhood
    from surveys.analysis.counts import Selection
    from surveys.analysis.impact_report import impact_section, load, trends_section
    from surveys.interventions import Intervention

    intervention, created = Intervention.objects.get_or_create(
        name="Benchmark agreement",
        defaults={"announced_on": SPLIT_DAY, "starts_on": SPLIT_DAY, "survey": survey},
    )
    if created:
        intervention.neighborhoods.set(Neighborhood.objects.order_by("code")[:COVERED])

    def run():
        data = load(Selection(survey=survey), "month")
        trends_section(data)
        impact_section(data, intervention)

    return run


def rao_scott_50_by_25():
    """The Rao–Scott test of a 50 × 25 weighted table (20 answers per neighborhood, so
    many cells are empty), as a function to time."""
    import numpy as np

    from surveys.analysis.design import Design
    from surveys.analysis.rao_scott import rao_scott_test

    rng = np.random.default_rng(25)
    cells, sampled, weights = [], {}, {}
    for hood in range(50):
        sampled[(hood,)] = 20
        weights[(hood,)] = float(rng.integers(2000, 9000)) / 20
        answers = rng.integers(0, 25, size=20)
        for code, count in zip(*np.unique(answers, return_counts=True), strict=True):
            cells.append(((hood,), weights[(hood,)], hood, int(code), float(count)))
    design = Design(sampled, weights=weights)
    return lambda: rao_scott_test(cells, design, columns=range(25))


def pandas_from_database(survey_id: int) -> None:
    """What an analyst does without the report: load the answers into pandas, then per
    question a chi-square test of neighborhoods × codes and Kruskal–Wallis on the raw
    answers (fewer statistics than the report: no pairs, estimates or intervals)."""
    import pandas as pd
    from django.db import connection
    from scipy import stats

    from surveys.models import Answer

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key, neighborhood_id, number FROM {Answer._meta.db_table} "
            "WHERE survey_id = %s AND status = 'complete'",
            [survey_id],
        )
        frame = pd.DataFrame(cursor.fetchall(), columns=["key", "neighborhood", "value"])
    for _key, answers in frame.groupby("key"):
        stats.chi2_contingency(pd.crosstab(answers["neighborhood"], answers["value"]))
        by_area = answers.groupby("neighborhood")["value"]
        stats.kruskal(*[values.to_numpy() for _area, values in by_area])


def child(engine: str, runs: int, reuse: bool, database: str = DATABASE) -> None:
    if reuse:
        django_on(database_url(engine, database))
    else:
        django_on(fresh_database(engine, database))
        populate()
    print(json.dumps(measure(engine, runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a previous run populated"
    )
    parser.add_argument(
        "--database", default=DATABASE, help="database name (another engineer may use ours)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.reuse, args.database)
        return
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        output = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--runs", str(args.runs)]
            + ["--database", args.database]
            + (["--reuse"] if args.reuse else []),
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    peer = peer_baseline(args.runs)
    print(f"Machine: {machine()}\n")
    print(
        "| database | answers | GROUP BY (s) | report (s) | weighted (s) | before/after (s) "
        "| weighted before/after (s) | pandas: load + tests (s) | trends + impact (s) "
        "| Rao–Scott 50×25 (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        floor = r["group_by"]
        cells = [
            f"{r[name]:.3f} ({r[name] / floor:.2f}×)"
            for name in (
                "report",
                "report_weighted",
                "report_periods",
                "report_weighted_periods",
                "pandas_loaded",
                "trends_impact",
            )
        ]
        print(
            f"| {r['engine']} | {r['answers']:,} | {floor:.3f} | {' | '.join(cells)} "
            f"| {r['rao_scott_50x25']:.3f} |"
        )
    if peer:
        print(
            "\nPeer, same machine and run (../shared/bench/stats_limit.py, median s): "
            + ", ".join(f"{step} {seconds:.3f}" for step, seconds in peer.items())
        )
    print("\nRuns (s):", json.dumps(results))


def peer_baseline(runs: int) -> dict[str, float]:
    """pandas and bare-SQLite floors from the shared peer script, if it is beside us."""
    if not PEER.exists():
        print(f"(no peer baseline: {PEER} is not here)", file=sys.stderr)
        return {}
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("(no peer baseline: pandas is missing; `make bench` installs it)", file=sys.stderr)
        return {}
    output = subprocess.run(
        [sys.executable, str(PEER), "--runs", str(runs), "--pg", ""],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    steps = [json.loads(line) for line in output.stdout.splitlines() if line.startswith("{")]
    return {step["step"]: step["seconds"] for step in steps}


if __name__ == "__main__":
    main()
