"""The saddle problem: its stationary points and curvatures, by hand and by finite differences."""

import numpy as np
import pytest

import momentum as m

S = m.problems.Saddle()


def test_stationary_points_and_curvatures_by_hand():
    np.testing.assert_array_equal(S.grad(S.saddle_point), [0.0, 0.0])
    np.testing.assert_allclose(S.grad(S.minimizer), [0.0, 0.0], atol=1e-15)
    assert float(S.loss(S.minimizer)) == pytest.approx(-1.0)  # 0 − 2 + 4/4
    h = 1e-4  # central differences of the gradient: Hessian diag(2, −2) at the saddle, diag(2, 4) at a minimum
    for point, expected in [(S.saddle_point, [2.0, -2.0]), (S.minimizer, [2.0, 4.0])]:
        hessian = [(S.grad(point + h * e) - S.grad(point - h * e))[i] / (2 * h) for i, e in enumerate(np.eye(2))]
        np.testing.assert_allclose(hessian, expected, rtol=1e-7)


def test_gradient_is_the_derivative_of_the_loss():
    x = np.random.default_rng(0).uniform(-2, 2, (5, 2))
    h = 1e-6
    numeric = np.stack([(S.loss(x + h * e) - S.loss(x - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(S.grad(x), numeric, rtol=1e-6, atol=1e-8)


def test_a_start_on_the_ridge_line_converges_to_the_saddle_and_any_other_start_leaves_it():
    on_line = m.run(m.HeavyBall(0.1, 0.5), S, [1.0, 0.0], 200)
    assert np.abs(on_line.final).max() < 1e-8
    off_line = m.run(m.HeavyBall(0.1, 0.5), S, [1.0, 1e-6], 400)
    assert np.abs(off_line.final - S.minimizer).max() < 1e-6
