"""How much of the demo's public results page disclosure control hides, and why.

Seeds the demo (manage.py seed_demo) into a throwaway database, builds the results
page's report as the page does, decides its publication (surveys/disclosure/) and counts
the figures the page would print were nothing hidden — per group (the city and each
neighborhood): n, and the favorable share, the mean, or each answer's percentage — and
how many of them are hidden, by the first reason that hides them:

- "too few": the group's n (substantive answers) is under k;
- "gap": its respondents outside n ("don't know", "prefer not to say", skips) are 1..k−1
  (its n hidden, or the whole row where the intruder works the gap out otherwise);
- "small cell": one of its counts is 1..k−1 (the figure, or that answer's percentage);
- "complement / audit": hidden as a partner of another, or because the intruder pinned a
  count otherwise;
- "withheld": the whole question could not be protected;
- "unreliable": shown n, figures left out as too uncertain (not disclosure control).

Usage: .venv/bin/python bench/demo_suppression.py [--engine sqlite|postgres] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import database_url, django_on, fresh_database  # noqa: E402

DATABASE = os.environ.get("BENCH_DB_NAME", "confianza_demo_suppression")


def measure() -> tuple[Counter, Counter]:
    from cms.models import ResultsPage
    from surveys.analysis.counts import Selection
    from surveys.analysis.report import build_report
    from surveys.disclosure.cells import CITY_ROW, respondents_by_row
    from surveys.disclosure.publication import FIGURE, N, _primary, publish
    from surveys.release import release_due

    page = ResultsPage.objects.live().filter(locale__language_code="en").get()
    release_due(page.survey.specific)  # as the page does before it reads responses
    survey = page.survey.specific.responses_survey
    selection = Selection(survey=survey, since=page.since, until=page.until)
    report = build_report(selection, weighting=page.weighting, margins=survey.raking_margins)
    respondents = respondents_by_row(selection)
    publication = publish(report, page.keys, respondents)
    k = publication.k
    reasons: Counter = Counter()  # (reason, "n" or "estimate")
    total: Counter = Counter()  # "n", "estimate"
    for public in publication.questions:
        qc = publication.cells.get(public.key)
        plan = publication.plans.get(public.key)
        for group in [public.overall, *public.groups]:
            row = CITY_ROW if group.neighborhood is None else group.neighborhood
            if qc is None:  # about the respondent: the city only
                codes = [c for c, _l, non in public.codes if not non]
                shown = {c.code: c.percent for c in group.cells}
                total["n"] += 1
                total["estimate"] += len(codes)
                reasons["small cell (city only)", "n"] += group.n is None
                hidden = sum(shown.get(c) is None for c in codes)
                reasons["small cell (city only)", "estimate"] += hidden
                continue
            figures = [N, FIGURE] if qc.kind in ("favorable", "mean") else [N, *qc.categories]
            total["n"] += 1
            total["estimate"] += len(figures) - 1
            cells = qc.city if row == CITY_ROW else qc.rows[row]
            primary = _primary(qc, k)
            for column in figures:
                if _shown(group, column, qc.kind):
                    continue
                what = "n" if column == N else "estimate"
                if plan.withheld:
                    reasons["withheld", what] += 1
                elif row in plan.rows or (row, column) in plan.cells:
                    gap = (row, N) in primary.cells or (row in primary.rows and cells.gap)
                    if row in primary.rows and cells.base < k:
                        reasons["too few", what] += 1
                    elif gap and (column == N or row in plan.rows):
                        reasons["gap", what] += 1
                    elif (row, column) in primary.cells:
                        reasons["small cell", what] += 1
                    else:
                        reasons["complement / audit", what] += 1
                else:
                    reasons["unreliable", what] += 1
    return reasons, total


def _shown(group, column, kind) -> bool:
    from surveys.disclosure.publication import FIGURE, N

    if column == N:
        return group.n is not None
    if column == FIGURE:
        return (group.favorable if kind == "favorable" else group.mean) is not None
    return any(c.code == column and c.percent is not None for c in group.cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()
    url = (
        database_url(args.engine, DATABASE) if args.reuse else fresh_database(args.engine, DATABASE)
    )
    django_on(url)
    from django.core.management import call_command

    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
    from django.utils import translation

    with translation.override("en"):
        reasons, total = measure()
    print(f"figures the page would print: {total['n']} n, {total['estimate']} estimates")
    for what in ("n", "estimate"):
        hidden = sum(v for (r, w), v in reasons.items() if w == what and r != "unreliable")
        print(f"{what}: hidden by disclosure control {hidden} of {total[what]}", end="")
        print(f" ({100 * hidden / total[what]:.1f} %)")
        for (reason, w), count in reasons.most_common():
            if w == what:
                print(f"  {reason}: {count} ({100 * count / total[what]:.1f} %)")
    everything = sum(total.values())
    hidden = sum(v for (r, _w), v in reasons.items() if r != "unreliable")
    print(f"all figures: {hidden} of {everything} hidden ({100 * hidden / everything:.1f} %)")


if __name__ == "__main__":
    main()
