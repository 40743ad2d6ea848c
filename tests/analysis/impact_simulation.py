"""Simulated surveys with a known truth for the impact tests.

A city of `neighborhoods` neighborhoods, half of them covered by an intervention that
starts at period `start`. Each neighborhood has its own baseline favorable share; every
neighborhood follows a common city-wide trend with a seasonal wobble; each neighborhood
and period also gets a shock that persists (AR(1)), which is why the standard errors are
clustered by neighborhood. After the start, covered neighborhoods lose `effect` (−0.08:
8 points) and answer far more often than before (a mobilised sample: the composition of
who answers shifts). Each period is post-stratified to the neighborhoods' populations:
the weight of a respondent of neighborhood h in period t is N_h / n_ht.
"""

from __future__ import annotations

import contextlib
import ctypes
from pathlib import Path

import numpy as np

from surveys.analysis.impact import Cells


def simulate(
    rng,
    *,
    neighborhoods: int = 40,
    periods: int = 12,
    start: int = 6,
    effect: float = -0.08,
    pre_trend: float = 0.0,
    respondents: int = 40,
    respondent_rows: bool = False,
):
    """Cells of one simulated survey (and, with `respondent_rows`, its respondents as
    arrays (neighborhood, period, y, weight)); the covered neighborhoods."""
    hoods = np.arange(neighborhoods)
    covered = set(range(neighborhoods // 2))
    is_covered = np.isin(hoods, list(covered))
    population = rng.integers(2_000, 20_000, size=neighborhoods)
    baseline = rng.uniform(0.35, 0.75, size=neighborhoods)
    t = np.arange(periods)
    trend = -0.01 * t + 0.02 * np.sin(2 * np.pi * t / 12)
    shock = np.zeros((neighborhoods, periods))
    shock[:, 0] = rng.normal(0, 0.02, size=neighborhoods)
    for p in range(1, periods):
        shock[:, p] = 0.5 * shock[:, p - 1] + rng.normal(0, 0.02, size=neighborhoods)
    after = t >= start
    p_true = (
        baseline[:, None]
        + trend[None, :]
        + shock
        + effect * (is_covered[:, None] & after[None, :])
        + pre_trend * is_covered[:, None] * (t[None, :] - start)
    )
    p_true = np.clip(p_true, 0.02, 0.98)
    size = respondents * np.where(is_covered[:, None] & after[None, :], 1.8, 1.0)
    size = size * rng.uniform(0.5, 1.5, size=neighborhoods)[:, None]
    n = np.maximum(rng.poisson(size), 2)
    yes = rng.binomial(n, p_true)
    hood_index, period_index = np.meshgrid(hoods, t, indexing="ij")
    weight = population[:, None] / n  # each respondent's post-stratification weight
    cells = Cells(
        hood_index.ravel(),
        period_index.ravel(),
        (yes / n).ravel(),
        (weight * n).ravel(),
        n.ravel().astype(float),
    )
    if not respondent_rows:
        return cells, covered
    rows_h, rows_t, rows_y, rows_w = [], [], [], []
    for h in hoods:
        for p in t:
            count, successes = n[h, p], yes[h, p]
            rows_h += [h] * count
            rows_t += [p] * count
            rows_y += [1.0] * successes + [0.0] * (count - successes)
            rows_w += [weight[h, p]] * count
    rows = tuple(np.array(a) for a in (rows_h, rows_t, rows_y, rows_w))
    return cells, covered, rows


@contextlib.contextmanager
def one_blas_thread():
    """Thousands of tiny least-squares fits: BLAS threads only contend for a shared
    machine's cores (twenty times slower under load). Sets numpy's OpenBLAS to one thread
    while the simulation runs, where numpy bundles OpenBLAS; otherwise changes nothing."""
    library = _openblas()
    if library is None:
        yield
        return
    before = library.scipy_openblas_get_num_threads64_()
    library.scipy_openblas_set_num_threads64_(1)
    try:
        yield
    finally:
        library.scipy_openblas_set_num_threads64_(before)


def _openblas():
    folder = Path(np.__file__).parent.parent / "numpy.libs"
    for path in sorted(folder.glob("libscipy_openblas64_*.so")):
        try:
            library = ctypes.CDLL(str(path))
            library.scipy_openblas_get_num_threads64_  # noqa: B018 (present?)
            library.scipy_openblas_set_num_threads64_.argtypes = [ctypes.c_int]
            return library
        except (OSError, AttributeError):
            continue
    return None
