"""Strategies and assertions shared by the tests."""

import numpy as np
from hypothesis import strategies as st

import momentum as m

EPS = np.finfo(float).eps
learning_rates = st.floats(1e-3, 1.0)
momenta = st.floats(0.0, 0.99)


@st.composite
def quadratics(draw, max_dim: int = 4) -> m.problems.Quadratic:
    """A random positive-definite quadratic with eigenvalues in [0.05, 5] and a random
    rotation and minimiser."""
    dim = draw(st.integers(1, max_dim))
    eigenvalues = draw(st.lists(st.floats(0.05, 5.0), min_size=dim, max_size=dim))
    seed = draw(st.integers(0, 2**16))
    minimizer = np.random.default_rng(seed + 1).standard_normal(dim)
    return m.problems.Quadratic.from_eigenvalues(eigenvalues, m.problems.random_rotation(dim, seed), minimizer)


def starting_point(problem, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3, 3, problem.shape)


def path_deviation(a: np.ndarray, b: np.ndarray) -> float:
    """The largest difference between two sequences of iterates (first axis: the step),
    relative to the scale max(1, max |a_t|) of each step, in units of the machine epsilon.

    Entries that are not finite (a run that overflowed) must be the same in both."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    finite = np.isfinite(a)
    assert np.array_equal(finite, np.isfinite(b)), "the runs overflow at different places"
    assert np.array_equal(a[~finite], b[~finite], equal_nan=True), "the runs overflow differently"
    a, b = np.where(finite, a, 0.0), np.where(finite, b, 0.0)
    if a.size == 0:
        return 0.0
    scale = np.maximum(1.0, np.abs(a).reshape(a.shape[0], -1).max(axis=1))
    error = np.abs(a - b).reshape(a.shape[0], -1).max(axis=1)
    return float(np.max(error / scale) / EPS)


def assert_same_path(a: np.ndarray, b: np.ndarray, rtol: float = 1e-11) -> None:
    """Equal iterates up to rounding, relative to the size of the iterate at each step
    (so that a diverging but equal pair of runs also passes)."""
    deviation = path_deviation(a, b)
    assert deviation * EPS <= rtol, f"max relative difference {deviation * EPS:.3g} ({deviation:.3g} ε) > {rtol:.3g}"
