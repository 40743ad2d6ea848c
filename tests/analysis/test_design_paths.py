"""Design.variance's element-by-element path for post-stratification (a diagonal
projection) is the matrix computation, within rounding; raking keeps the matrix."""

import random

import pytest

from surveys.analysis.design import Design


@pytest.mark.parametrize("finite_population", [False, True])
def test_the_diagonal_path_is_the_matrix_computation(finite_population):
    rng = random.Random(11)
    for _ in range(50):
        hoods = rng.randrange(1, 30)
        cells = {(h,): rng.randrange(2, 60) for h in range(hoods)}
        weights = {(h,): rng.uniform(10, 500) for h in range(hoods)}
        populations = {h: n * 10 for (h,), n in cells.items()} if finite_population else None
        scores = [
            ((rng.randrange(hoods),), rng.gauss(0, 1), rng.randrange(1, 9))
            for _ in range(rng.randrange(1, 80))
        ]
        fast = Design(cells, weights=weights, populations=populations)
        matrix = Design(cells, weights=weights, populations=populations)
        matrix._diagonal = None
        assert fast._diagonal is not None
        assert fast.variance(scores) == pytest.approx(matrix.variance(scores), rel=1e-12)


def test_raking_designs_keep_the_matrix():
    design = Design(
        {(0, "a"): 5, (0, "b"): 3, (1, "a"): 4, (1, "b"): 6},
        weights={(0, "a"): 1.0, (0, "b"): 2.0, (1, "a"): 1.5, (1, "b"): 1.0},
        dimensions=2,
    )
    assert design._diagonal is None
