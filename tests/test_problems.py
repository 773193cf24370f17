"""Problems: gradients against finite differences, minimisers against their definition
and, for logistic regression, against scikit-learn as a peer implementation."""

import numpy as np
import pytest
from helpers import path_deviation, quadratics
from hypothesis import given
from hypothesis import strategies as st

import momentum as m

# Built on first use (the logistic regression loads a data set and fits a minimiser):
# collecting the tests must not pay for it.
MAKE_PROBLEM = {
    "parabola": lambda: m.problems.Parabola(3.0),
    "quadratic": lambda: m.problems.Quadratic.from_eigenvalues([0.5, 2.0, 7.0], m.problems.random_rotation(3, 1),
                                                                [1, -1, 2]),
    "rosenbrock": m.problems.Rosenbrock,
    "double well": lambda: m.problems.DoubleWell(0.5),
    "logistic": m.problems.LogisticRegression.breast_cancer,
    "lessard": m.problems.LessardCounterexample,
}


@pytest.fixture(scope="module")
def problems():
    """name -> problem, each built once per module when a test first asks for it."""
    return LazyProblems()


class LazyProblems(dict):
    def __missing__(self, name):
        self[name] = MAKE_PROBLEM[name]()
        return self[name]


def central_difference(problem, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (problem.loss(x + step) - problem.loss(x - step)) / (2 * h)
    return grad


@pytest.mark.parametrize("name", MAKE_PROBLEM)
@given(seed=st.integers(0, 2**16))
def test_gradient_matches_finite_differences(problems, name, seed):
    problem = problems[name]
    x = np.random.default_rng(seed).uniform(-1.5, 1.5, problem.shape)
    np.testing.assert_allclose(problem.grad(x), central_difference(problem, x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", MAKE_PROBLEM)
def test_gradient_vanishes_at_the_minimizer(problems, name):
    problem = problems[name]
    assert np.abs(problem.grad(problem.minimizer)).max() < 1e-12


@pytest.mark.parametrize("name", MAKE_PROBLEM)
def test_loss_and_grad_are_vectorised_over_leading_axes(problems, name):
    problem = problems[name]
    xs = np.random.default_rng(0).uniform(-1, 1, (4, 3, *problem.shape))
    assert problem.loss(xs).shape == (4, 3)
    assert problem.grad(xs).shape == xs.shape
    # A stack and one point go through different BLAS calls (gemm and gemv for the quadratic
    # and the logistic regression), which FMA kernels round differently: equal to within a
    # few ε of the values' scale (measured at most 3.5 ε under six OpenBLAS kernels).
    assert path_deviation(problem.loss(xs)[2, 1][None], problem.loss(xs[2, 1])[None]) <= 32
    assert path_deviation(problem.grad(xs)[2, 1][None], problem.grad(xs[2, 1])[None]) <= 32


@given(quadratics())
def test_quadratic_from_eigenvalues(problem):
    A = problem.A
    peer = np.linalg.eigvalsh(A)
    np.testing.assert_allclose(peer, problem.eigenvalues, rtol=1e-12, atol=1e-12)
    assert (problem.mu, problem.L) == pytest.approx((peer[0], peer[-1]), rel=1e-12)
    # The 2-norm condition number of A (numpy's, from its singular values) is κ = L/μ.
    assert problem.condition_number == pytest.approx(np.linalg.cond(A), rel=1e-9)
    # μ and L bound the Rayleigh quotient xᵀAx/xᵀx: the strong convexity and smoothness constants.
    xs = np.random.default_rng(0).standard_normal((100, problem.shape[0]))
    rayleigh = np.einsum("ni,ij,nj->n", xs, A, xs) / np.einsum("ni,ni->n", xs, xs)
    assert (rayleigh >= problem.mu * (1 - 1e-12)).all() and (rayleigh <= problem.L * (1 + 1e-12)).all()
    np.testing.assert_allclose(problem.grad(problem.minimizer), 0, atol=1e-11)


def test_rosenbrock_minimum():
    problem = m.problems.Rosenbrock(a=2.0)
    np.testing.assert_array_equal(problem.minimizer, [2.0, 4.0])
    assert problem.loss(problem.minimizer) == 0.0


def test_double_well_shape():
    well = m.problems.DoubleWell(0.5)
    left, barrier, right = well.stationary_points
    assert left < -1 < barrier < 0.5 < right < 1  # the tilt pushes both minima left
    assert well.loss(left) < well.loss(right) < well.loss(barrier)
    assert well.minimizer == left and well.local_minimizer == right and well.barrier == barrier
    # 4θ³ − 4θ + s has its roots where the gradient vanishes.
    np.testing.assert_allclose(well.grad(well.stationary_points), 0, atol=1e-12)


def test_noisy_gradient_replays_with_the_same_seed_and_has_the_right_noise():
    base = m.problems.Parabola()
    first = m.run(m.HeavyBall(0.05, 0.5), m.problems.NoisyGradient(base, 0.3, seed=4), 1.0, 50)
    again = m.run(m.HeavyBall(0.05, 0.5), m.problems.NoisyGradient(base, 0.3, seed=4), 1.0, 50)
    other = m.run(m.HeavyBall(0.05, 0.5), m.problems.NoisyGradient(base, 0.3, seed=5), 1.0, 50)
    np.testing.assert_array_equal(first.params, again.params)
    assert not np.array_equal(first.params, other.params)
    noisy = m.problems.NoisyGradient(base, 0.3, seed=0)
    samples = noisy.grad(np.zeros(200_000))
    assert abs(samples.mean()) < 0.003 and samples.std() == pytest.approx(0.3, rel=0.01)
    np.testing.assert_array_equal(noisy.loss(np.arange(3.0)), base.loss(np.arange(3.0)))


def test_logistic_regression_minimizer_matches_scikit_learn(problems):
    """scikit-learn minimises ½‖w‖² + C Σᵢ ℓᵢ; ours is (1/n) Σᵢ ℓᵢ + (λ/2)‖w‖², the same
    problem divided by nλC when C = 1/(nλ). The bias is a feature column, so it is
    penalised alike (fit_intercept=False)."""
    from sklearn.linear_model import LogisticRegression as Peer

    problem = problems["logistic"]
    n = problem.labels.size
    peer = Peer(C=1 / (n * problem.l2), fit_intercept=False, tol=1e-12, max_iter=10_000)
    peer.fit(problem.features, problem.labels)
    np.testing.assert_allclose(problem.minimizer, peer.coef_[0], rtol=1e-5, atol=1e-6)
    assert problem.shape == (31,) and n == 569


def test_logistic_loss_does_not_overflow_for_huge_weights(problems):
    problem = problems["logistic"]
    w = np.full(problem.shape, 1e6)
    assert np.isfinite(problem.loss(w)) and np.isfinite(problem.grad(w)).all()


def test_lessard_counterexample_cycles_under_the_optimal_heavy_ball_and_not_under_nesterov():
    # Lessard, Recht, Packard (2016), section 4.6: a period-3 limit cycle from x0 = 3.3.
    problem = m.problems.LessardCounterexample()
    hb, nag = m.theory.tune_heavy_ball(problem.mu, problem.L), m.theory.tune_nesterov(problem.mu, problem.L)
    cycle = m.run(m.HeavyBall(hb.lr, hb.momentum), problem, 3.3, 600).params[-9:]
    np.testing.assert_allclose(cycle[3:], cycle[:-3], rtol=1e-9)
    assert np.abs(cycle).min() > 0.5
    assert abs(m.run(m.Nesterov(nag.lr, nag.momentum), problem, 3.3, 600).final) < 1e-30


def test_lessard_counterexample_is_smooth_and_strongly_convex():
    problem = m.problems.LessardCounterexample()
    x = np.linspace(-3, 5, 4001)
    slopes = np.diff(problem.grad(x)) / np.diff(x)
    assert slopes.min() >= 1 - 1e-9 and slopes.max() <= 25 + 1e-9
    midpoints = x[:-1] + np.diff(x) / 2
    np.testing.assert_allclose(np.diff(problem.loss(x)) / np.diff(x), problem.grad(midpoints), rtol=1e-6, atol=1e-6)
