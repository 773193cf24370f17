"""Strategies and assertions shared by the tests."""

import numpy as np
from hypothesis import strategies as st

import momentum as m

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


def assert_same_path(a: np.ndarray, b: np.ndarray, rtol: float = 1e-11) -> None:
    """Equal iterates up to rounding, relative to the size of the iterate at each step
    (so that a diverging but equal pair of runs also passes)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    scale = np.maximum(1.0, np.abs(a).reshape(a.shape[0], -1).max(axis=1))
    error = np.abs(a - b).reshape(a.shape[0], -1).max(axis=1)
    assert (error <= rtol * scale).all(), f"max relative difference {np.max(error / scale):.3g}"
