"""Theory at its edges: batched closed forms, strong damping, flat directions, list inputs."""

import warnings

import numpy as np
import pytest
from helpers import assert_same_path
from hypothesis import given
from hypothesis import strategies as st

import momentum as m
from momentum import theory

P = m.problems.Parabola()


@pytest.mark.parametrize(("problem", "optimizer", "x0", "shape"), [
    (P, m.HeavyBall(0.1, 0.5), np.ones((3, 1)), (6, 3, 1)),
    (P, m.Nesterov(np.array([0.05, 0.1]), 0.5), np.linspace(-2, 2, 6).reshape(3, 1, 2), (6, 3, 1, 2)),
    (m.problems.Quadratic(np.diag([1.0, 2.0])), m.HeavyBall(0.1, 0.5), np.arange(8.0).reshape(4, 2), (6, 4, 2)),
    (m.problems.Quadratic.from_eigenvalues([0.5, 3.0], m.problems.rotation_2d(0.3), [1.0, -1.0]),
     m.EMAMomentum(np.array([0.5, 1.0, 2.0])[:, None], np.array([0.2, 0.6])), np.ones((3, 1, 2)), (6, 3, 2, 2)),
])
def test_closed_form_of_batched_starts_equals_the_batched_run(problem, optimizer, x0, shape):
    exact = theory.closed_form(optimizer, problem, x0, 5)
    simulated = m.run(optimizer, problem, x0, 5)
    assert exact.params.shape == simulated.params.shape == shape
    assert_same_path(exact.params, simulated.params, rtol=1e-13)


def _direct_ode(a, lam, x0, t):
    """θ(t) = x₀(s₁e^{s₂t} − s₂e^{s₁t})/(s₁ − s₂) for real roots, with s₁ = −λ/(a/2 + d) computed without
    cancellation: every term is then a product of well-conditioned factors."""
    d = np.sqrt(a * a / 4 - lam)
    s1, s2 = -lam / (a / 2 + d), -(a / 2 + d)
    return x0 * (s1 * np.exp(s2 * t) - s2 * np.exp(s1 * t)) / (s1 - s2)


def test_strongly_overdamped_ode_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = theory.heavy_ball_ode(100.0, 1.0, 1.0, [15.0])
    assert value[0] == pytest.approx(0.8608, abs=5e-5)
    assert value[0] == pytest.approx(_direct_ode(100.0, 1.0, 1.0, 15.0), rel=1e-12)


@given(a=st.floats(2.5, 1e4), lam=st.floats(0.01, 1.0), t=st.floats(0.0, 1e4))
def test_overdamped_ode_against_the_direct_formula(a, lam, t):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = theory.heavy_ball_ode(a, lam, 1.0, t)
    assert value == pytest.approx(_direct_ode(a, lam, 1.0, t), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("optimizer", [m.HeavyBall(0.1, 0.9), m.Nesterov(0.1, 0.9), m.GradientDescent(0.3)])
def test_a_flat_direction_has_rate_exactly_one(optimizer):
    """λ = 0: r² − (1+γ)r + γ = (r − 1)(r − γ), so one root is exactly 1: no convergence."""
    assert theory.convergence_rate(optimizer, [0.0]) == 1.0
    assert theory.convergence_rate(optimizer, [0.0, 1.0]) == 1.0
    r1, r2 = theory.characteristic_roots(0.1, 0.9, 0.0)
    assert (r1, r2) == (1.0, 0.9)


def test_lists_work_for_every_argument():
    as_list = theory.spectral_radius(0.1, [0.5, 0.9], 1)
    np.testing.assert_array_equal(as_list, theory.spectral_radius(0.1, np.array([0.5, 0.9]), 1.0))
    np.testing.assert_array_equal(theory.spectral_radius([0.1, 0.2], 0.5, [1.0, 1.0]),
                                  [theory.spectral_radius(0.1, 0.5, 1.0), theory.spectral_radius(0.2, 0.5, 1.0)])


def test_negative_curvature_gives_the_escape_rate_of_a_saddle():
    """Along curvature −λ the heavy ball's error grows like the larger root of r² − (1 + γ + ηλ)r + γ = 0;
    for γ = 0 that is gradient descent's 1 + ηλ, and momentum makes it larger."""
    assert theory.spectral_radius(0.1, 0.0, -2.0) == pytest.approx(1.2, rel=1e-15)
    rho = theory.spectral_radius(0.1, 0.5, -2.0)
    assert rho == pytest.approx((1.7 + np.sqrt(1.7**2 - 2.0)) / 2, rel=1e-14) and rho > 1.2
    path = m.run(m.HeavyBall(0.1, 0.5), m.problems.Parabola(1.0), 1e-12, 200, on_divergence="mark")
    assert path.params[200] / path.params[199] < 1  # sanity: positive curvature contracts
    saddle = m.run(m.HeavyBall(0.1, 0.5), lambda y: -2.0 * y, 1e-12, 60)
    assert saddle.params[60] / saddle.params[59] == pytest.approx(rho, rel=1e-6)


@pytest.mark.parametrize(("lr", "gamma", "expected"), [
    (0.1, 0.9, "under-damped"),        # worked example: discriminant 1.7² − 3.6 = −0.71
    (0.1, 0.1, "over-damped"),         # 1.0² − 0.4 > 0
    (0.25, None, "critically damped"),  # γ = (1 − √(ηλ))² with ηλ = 0.5: a double root 1 − √0.5
    (1.1, 0.0, "divergent"),           # gradient descent with ηλ = 2.2 > 2
    (0.8, 0.05, "over-damped"),        # ηλ = 1.6 > 1: a = −0.55, real negative roots
])
def test_regime_by_hand(lr, gamma, expected):
    if expected == "critically damped":
        gamma = float(theory.critical_momentum(lr, 2.0))  # (1 − √0.5)² = 0.0858
    assert theory.regime(lr, gamma, 2.0) == expected
    if expected == "over-damped" and lr * 2 > 1:
        assert all(np.real(r) < 0 for r in theory.characteristic_roots(lr, gamma, 2.0))


def test_regime_over_a_grid_agrees_with_the_roots():
    lrs, gammas = np.linspace(0.01, 2.5, 60)[:, None], np.linspace(0, 0.99, 50)[None, :]
    names = theory.regime(lrs, gammas, 1.0)
    r1, _ = theory.characteristic_roots(lrs, gammas, 1.0)
    np.testing.assert_array_equal(names == "divergent", np.abs(r1) >= 1)
    np.testing.assert_array_equal(names == "under-damped", (np.abs(r1) < 1) & (np.abs(np.imag(r1)) > 0))


def test_closed_form_marks_unstable_settings_as_run_does():
    """η L = 9 > 2(1 + γ) = 3: both the simulation and the closed form give up at the same step, quietly."""
    problem = m.problems.Quadratic.from_eigenvalues([1.0, 4.0, 9.0], m.problems.random_rotation(3, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = theory.closed_form(m.HeavyBall(1.0, 0.5), problem, [1.0, 1.0, 1.0], 2000)
        simulated = m.run(m.HeavyBall(1.0, 0.5), problem, [1.0, 1.0, 1.0], 2000, on_divergence="mark")
        assert exact.steps_to(1e-3) == -1
    assert exact.diverged_at == simulated.diverged_at > 0
    assert np.isnan(exact.params[exact.diverged_at:]).all() and np.isfinite(exact.params[:exact.diverged_at]).all()


@pytest.mark.parametrize(("damping", "lam", "t", "expected"), [
    (1e155, 1.0, 1.0, 1.0),              # e^{-λt/a}: the ball barely moves
    (1e-12, 1e-300, 1e-300, 1.0),       # nothing has happened yet
    (0.0, 1.0, np.pi, -1.0),            # undamped: cos(√λ t)
    (2.0, 1.0, 1.0, 2 * np.exp(-1.0)),  # critical: (1 + t) e^{-t}
])
def test_ode_at_extreme_and_textbook_arguments(damping, lam, t, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert theory.heavy_ball_ode(damping, lam, 1.0, t) == pytest.approx(expected, rel=1e-12)


def test_huge_steps_give_an_unbounded_rate_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert theory.spectral_radius(1e200, 0.5, 1.0) == pytest.approx(1e200)
        assert theory.regime(1e200, 0.5, 1.0) == "divergent"
        assert theory.convergence_rate(m.HeavyBall(1e300, 0.5), [1.0, 2.0]) == pytest.approx(2e300)
