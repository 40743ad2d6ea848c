"""Benchmark: deciding and auditing the publication of a results page (the disclosure
step alone, surveys/disclosure/publication.py), without a database.

100,000 respondents over 50 neighborhoods (2,000 each), 10 agreement-scale questions
with "don't know" and skips, estimated by the real estimators; then `publish` decides
what the page prints and the intruder audits it. The page's SQL, estimates and charts
are measured by bench/bench_results_page.py.

Usage: .venv/bin/python bench/bench_publication.py [--runs 3] [--small-neighborhoods 5]
       [--tiny 4]   (one neighborhood of 4 people: k > 4, so its turnout is audited too)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from surveys.analysis.estimates import Observation, estimate  # noqa: E402
from surveys.analysis.report import GroupResult, QuestionResult, Report  # noqa: E402
from surveys.disclosure.cells import CITY_ROW  # noqa: E402
from surveys.disclosure.publication import publish  # noqa: E402

HOODS, QUESTIONS, PER_HOOD, K = 50, 10, 2000, 10
CODES = ("1", "2", "3", "4", "5", "98")


def report(small: int, rng: random.Random, tiny: int = 0) -> tuple[Report, dict]:
    sizes = {f"h{i:02d}": (rng.randint(12, 40) if i < small else PER_HOOD) for i in range(HOODS)}
    if tiny:  # one neighborhood of fewer than k: its turnout is audited across questions
        sizes["h00"] = tiny
    results = []
    for q in range(QUESTIONS):
        observations = {}
        for hood, people in sizes.items():
            answered = int(people * 0.97)
            weights = [rng.random() for _ in CODES[:-1]] + [0.05]
            total = sum(weights)
            counts = [int(answered * w / total) for w in weights]
            observations[hood] = [
                Observation(hood, 1.0, code, float(code), n)
                for code, n in zip(CODES, counts, strict=True)
                if n
            ]

        def make(obs):
            return estimate(
                obs, design=None, non_substantive=frozenset({"98"}), favorable_codes=("4", "5")
            )

        everything = [o for obs in observations.values() for o in obs]
        results.append(
            QuestionResult(
                key=f"q{q}",
                type="likert",
                label=f"Question {q}",
                measure="ordinal",
                codes=[(c, c, c == "98") for c in CODES],
                favorable_codes=("4", "5"),
                about_respondent=False,
                overall=GroupResult(None, "City-wide", make(everything)),
                groups=[GroupResult(h, h, make(obs)) for h, obs in observations.items()],
            )
        )
    respondents = dict(sizes)
    respondents[CITY_ROW] = sum(sizes.values())
    return Report("b", "B", respondents[CITY_ROW], "none", K, None, results, []), respondents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small-neighborhoods", type=int, default=5)
    parser.add_argument("--tiny", type=int, default=0, help="people of one tiny neighborhood")
    args = parser.parse_args()
    built, respondents = report(args.small_neighborhoods, random.Random(18), args.tiny)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        publication = publish(built, None, respondents)
        times.append(time.perf_counter() - start)
    hidden = sum(len(plan.rows) for plan in publication.plans.values())
    withheld = sum(plan.withheld for plan in publication.plans.values())
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    each = ", ".join(f"{t:.3f}" for t in times)
    print(f"publish: best {min(times):.3f} s of {args.runs} ({each})")
    print(f"rows hidden over {QUESTIONS} questions: {hidden}; questions withheld: {withheld}")


if __name__ == "__main__":
    main()
