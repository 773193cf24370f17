"""Hand-computed values for the book's worked example J(θ) = θ², θ₀ = 5.

By hand, with g = 2θ, η = 0.1, γ = 0.9:
  t=0: g=10,  v1 = 0.9·0 + 0.1·10 = 1,          θ1 = 5 − 1 = 4
  t=1: g=8,   v2 = 0.9·1 + 0.1·8 = 1.7,         θ2 = 4 − 1.7 = 2.3
  t=2: g=4.6, v3 = 0.9·1.7 + 0.1·4.6 = 1.99,    θ3 = 2.3 − 1.99 = 0.31
  t=3: g=0.62, v4 = 0.9·1.99 + 0.062 = 1.853,   θ4 = 0.31 − 1.853 = −1.543
Gradient descent (θ ← θ − 0.2θ = 0.8θ): 5, 4, 3.2, 2.56, 2.048.
"""

import numpy as np
import pytest

import momentum as m

PARABOLA = m.problems.Parabola()  # J(θ) = θ²


def test_heavy_ball_matches_hand_computation():
    trajectory = m.run(m.HeavyBall(lr=0.1, momentum=0.9), PARABOLA, 5.0, 4)
    np.testing.assert_allclose(trajectory.params, [5, 4, 2.3, 0.31, -1.543], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trajectory.velocity, [0, 1, 1.7, 1.99, 1.853], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trajectory.loss, [25, 16, 5.29, 0.0961, 1.543**2], rtol=1e-12)


def test_gradient_descent_matches_hand_computation():
    trajectory = m.run(m.GradientDescent(lr=0.1), PARABOLA, 5.0, 4)
    np.testing.assert_allclose(trajectory.params, [5, 4, 3.2, 2.56, 2.048], rtol=0, atol=1e-12)


def test_ema_form_with_matching_settings_gives_the_same_numbers():
    # α = η/(1−β) = 0.1/0.1 = 1, β = 0.9: v_EMA = v_HB/α = v_HB.
    trajectory = m.run(m.EMAMomentum(lr=1.0, beta=0.9), PARABOLA, 5.0, 3)
    np.testing.assert_allclose(trajectory.params, [5, 4, 2.3, 0.31], rtol=0, atol=1e-12)


def test_parabola_is_theta_squared():
    assert PARABOLA.loss(5.0) == 25.0
    assert PARABOLA.grad(5.0) == 10.0


def test_momentum_is_slower_than_gradient_descent_here():
    """At η = 0.1, γ = 0.9 on θ², the roots are complex with |r| = √0.9 ≈ 0.949 per step,
    while gradient descent contracts by 1 − 2η = 0.8: momentum needs more steps."""
    steps = 400
    hb = m.run(m.HeavyBall(0.1, 0.9), PARABOLA, 5.0, steps).steps_to(1e-6)
    gd = m.run(m.GradientDescent(0.1), PARABOLA, 5.0, steps).steps_to(1e-6)
    # GD: 5·0.8^t ≤ 1e-6  ⇔  t ≥ ln(2e-7)/ln(0.8) = 69.12…, so t = 70.
    assert gd == 70
    assert hb > 2 * gd
    assert m.theory.spectral_radius(0.1, 0.9, 2.0) == pytest.approx(np.sqrt(0.9), rel=1e-12)
