"""Write tests/data/impact_rows.csv: one simulated survey's respondents (8 neighborhoods,
6 months, the first four covered from month 3; see tests/analysis/impact_simulation.py),
the data that tests/data/impact_reference.R fits in R.

Run from the repository root: .venv/bin/python tests/data/make_impact_rows.py
"""

import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.analysis.impact_simulation import simulate  # noqa: E402

_, covered, (hood, period, y, weight) = simulate(
    np.random.default_rng(4127), neighborhoods=8, periods=6, start=3, respondent_rows=True
)
with (Path(__file__).parent / "impact_rows.csv").open("w", newline="") as file:
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(["neighborhood", "period", "covered", "y", "weight"])
    for h, p, value, w in zip(hood, period, y, weight, strict=True):
        writer.writerow([int(h), int(p), int(h in covered), int(value), repr(float(w))])
