"""The conventions agree exactly where the book says they do, and only there.

Each equivalence is checked as a property over random quadratics and settings, and the
heavy ball is also checked against an independent implementation of its second-order
recurrence θ_{t+1} = θ_t − η∇J(θ_t) + γ(θ_t − θ_{t−1}).
"""

import numpy as np
import pytest
from helpers import assert_same_path, learning_rates, momenta, quadratics, starting_point
from hypothesis import given
from hypothesis import strategies as st

import momentum as m

STEPS = 40


def trajectory(optimizer, problem, steps=STEPS):
    return m.run(optimizer, problem, starting_point(problem), steps, on_divergence="mark")


@given(quadratics(), learning_rates, momenta)
def test_heavy_ball_is_the_second_order_recurrence(problem, eta, gamma):
    x0 = starting_point(problem)
    previous, current, expected = x0, x0, [x0]
    for _ in range(STEPS):
        previous, current = current, current - eta * problem.grad(current) + gamma * (current - previous)
        expected.append(current)
    assert_same_path(trajectory(m.HeavyBall(eta, gamma), problem).params, np.array(expected))


@given(quadratics(), learning_rates, momenta)
def test_heavy_ball_equals_ema_form(problem, eta, gamma):
    alpha = eta / (1 - gamma)
    hb = trajectory(m.HeavyBall(eta, gamma), problem)
    ema = trajectory(m.EMAMomentum(alpha, gamma), problem)
    assert_same_path(ema.params, hb.params)
    assert_same_path(alpha * ema.velocity, hb.velocity)


@given(quadratics(), learning_rates, momenta)
def test_torch_sgd_without_dampening_equals_heavy_ball(problem, eta, gamma):
    hb = trajectory(m.HeavyBall(eta, gamma), problem)
    torch_like = trajectory(m.TorchSGD(eta, gamma), problem)
    assert_same_path(torch_like.params, hb.params)
    assert_same_path(eta * torch_like.velocity, hb.velocity)


@given(quadratics(), learning_rates, st.floats(0.01, 0.99))
def test_torch_nesterov_runs_on_the_lookahead_points(problem, eta, gamma):
    nag = trajectory(m.Nesterov(eta, gamma), problem)
    torch_like = trajectory(m.TorchSGD(eta, gamma, nesterov=True), problem)
    assert_same_path(torch_like.params, m.lookahead_points(nag.params, nag.velocity, nag.optimizer))
    assert_same_path(eta * torch_like.velocity, nag.velocity)


@given(quadratics(), learning_rates, momenta)
def test_ema_nesterov_equals_nesterov(problem, eta, gamma):
    alpha = eta / (1 - gamma)
    nag = trajectory(m.Nesterov(eta, gamma), problem)
    ema = trajectory(m.EMANesterov(alpha, gamma), problem)
    assert_same_path(ema.params, nag.params)
    assert_same_path(m.lookahead_points(ema.params, ema.velocity, ema.optimizer),
                     m.lookahead_points(nag.params, nag.velocity, nag.optimizer))


@given(quadratics(), learning_rates, st.floats(0.0, 1.0))
def test_zero_momentum_is_gradient_descent(problem, eta, dampening):
    gd = trajectory(m.GradientDescent(eta), problem)
    for optimizer in (m.HeavyBall(eta, 0.0), m.Nesterov(eta, 0.0), m.EMAMomentum(eta, 0.0),
                      m.EMANesterov(eta, 0.0), m.TorchSGD(eta, 0.0, dampening=dampening)):
        same = trajectory(optimizer, problem)
        np.testing.assert_array_equal(same.params, gd.params)


@given(quadratics(), learning_rates, st.floats(0.05, 0.95))
def test_torch_dampening_is_an_ema_whose_average_starts_at_the_first_gradient(problem, lr, mu):
    """TorchSGD(lr, μ, dampening=μ): b₁ = g₀ instead of (1 − μ)g₀, so it is the EMA form
    started from v₀ = g₀ (μg₀ + (1−μ)g₀ = g₀), not from v₀ = 0; its first step is
    1/(1 − μ) times the EMA form's."""
    x0 = starting_point(problem)
    torch_like = trajectory(m.TorchSGD(lr, mu, dampening=mu), problem)
    ema = m.EMAMomentum(lr, mu)
    state = m.State(x0, problem.grad(x0), 0)
    expected = [x0]
    for _ in range(STEPS):
        state = ema.step(state, problem.grad)
        expected.append(state.params)
    assert_same_path(torch_like.params, np.array(expected))
    zero_start = trajectory(ema, problem, steps=1)
    # First step: lr·b₁ = lr·g₀ against α·v₁ = lr·(1 − μ)g₀.
    np.testing.assert_allclose(torch_like.velocity[1], zero_start.velocity[1] / (1 - mu), rtol=1e-12)


@given(quadratics(), learning_rates, momenta)
def test_converted_optimizers_run_the_same_trajectory(problem, eta, gamma):
    """Simulation, not the conversion formula: each converted optimizer takes the steps of
    the original (Nesterov's torch form runs on the look-ahead points)."""
    hb, nag = trajectory(m.HeavyBall(eta, gamma), problem), trajectory(m.Nesterov(eta, gamma), problem)
    for target in (m.EMAMomentum, m.TorchSGD):
        assert_same_path(trajectory(m.convert(hb.optimizer, target), problem).params, hb.params)
    assert_same_path(trajectory(m.convert(nag.optimizer, m.EMANesterov), problem).params, nag.params)


@given(learning_rates, momenta)
def test_convert_round_trips(eta, gamma):
    ema = m.convert(m.HeavyBall(eta, gamma), m.EMAMomentum)
    assert ema.beta == gamma
    back = m.convert(ema, m.HeavyBall)
    assert back.lr == pytest.approx(eta, rel=1e-14) and back.momentum == gamma
    nag = m.convert(m.convert(m.Nesterov(eta, gamma), m.EMANesterov), m.Nesterov)
    assert nag.lr == pytest.approx(eta, rel=1e-14)
    torch_like = m.convert(m.HeavyBall(eta, gamma), m.TorchSGD)
    assert (torch_like.lr, torch_like.momentum, torch_like.dampening) == (eta, gamma, 0.0)


def test_convert_works_on_arrays():
    converted = m.convert(m.EMAMomentum(np.array([1.0, 2.0]), np.array([0.9, 0.5])), m.HeavyBall)
    np.testing.assert_allclose(converted.lr, [0.1, 1.0])
    np.testing.assert_array_equal(converted.momentum, [0.9, 0.5])


@pytest.mark.parametrize(("optimizer", "target", "message"), [
    (m.HeavyBall(0.1, 0.9), m.Nesterov, "heavy-ball method"),
    (m.HeavyBall(0.1, 0.9), m.GradientDescent, "heavy-ball method"),
    (m.Nesterov(0.1, 0.9), m.EMAMomentum, "nesterov method"),
    (m.TorchSGD(0.1, 0.9, dampening=0.9), m.HeavyBall, "dampening > 0 has no exact textbook equivalent"),
    (m.TorchSGD(0.1, 0.9, nesterov=True), m.Nesterov, "look-ahead points"),
])
def test_convert_refuses_what_is_not_equivalent(optimizer, target, message):
    with pytest.raises(m.NotEquivalentError, match=message):
        m.convert(optimizer, target)


def test_zero_momentum_converts_across_families():
    assert isinstance(m.convert(m.Nesterov(0.1, 0.0), m.GradientDescent), m.GradientDescent)
    assert m.convert(m.TorchSGD(0.1, 0.0, dampening=0.5), m.HeavyBall).momentum == 0.0
