"""Bad input raises a ValueError that names the parameter and the valid range; divergence
and non-finite gradients stop the run with the step, and no NumPy warning escapes."""

import warnings

import numpy as np
import pytest

import momentum as m

P = m.problems.Parabola()


@pytest.mark.parametrize(("make", "message"), [
    (lambda: m.GradientDescent(lr=0.0), r"lr must lie in \(0, inf\); got 0.0"),
    (lambda: m.HeavyBall(lr=-0.1, momentum=0.9), r"lr must lie in \(0, inf\); got -0.1"),
    (lambda: m.HeavyBall(lr=np.nan, momentum=0.9), r"lr must lie in \(0, inf\); got nan"),
    (lambda: m.HeavyBall(lr=0.1, momentum=1.0), r"momentum must lie in \[0, 1\); got 1.0"),
    (lambda: m.HeavyBall(lr=0.1, momentum=-0.5), r"momentum must lie in \[0, 1\); got -0.5"),
    (lambda: m.Nesterov(lr=0.1, momentum=np.array([0.5, 1.2])),
     r"momentum must lie in \[0, 1\) everywhere; got 1.2 at index \(1,\)"),
    (lambda: m.EMAMomentum(lr=1.0, beta=1.0), r"beta must lie in \[0, 1\); got 1.0"),
    (lambda: m.EMANesterov(lr=1.0, beta=-0.1), r"beta must lie in \[0, 1\); got -0.1"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.9, dampening=1.5), r"dampening must lie in \[0, 1\]; got 1.5"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.0, nesterov=True), r"nesterov=True requires momentum > 0"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), r"and dampening = 0"),
    (lambda: m.HeavyBall(lr="fast", momentum=0.9), r"lr must be a number"),
    (lambda: m.HeavyBall(lr=np.ones(3), momentum=np.full(4, 0.5)),
     r"shapes do not broadcast together: lr \(3,\), momentum \(4,\)"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"x0": np.nan}, r"x0 must be finite; got nan"),
    ({"x0": [1.0, np.inf]}, r"x0 must be finite; got inf at index \(1,\)"),
    ({"steps": -1}, r"steps must be an integer >= 0; got -1"),
    ({"steps": 2.5}, r"steps must be an integer >= 0; got 2.5"),
    ({"problem": m.problems.Rosenbrock(), "x0": [1.0, 2.0, 3.0]}, r"x0 must have shape \(2,\)"),
    ({"problem": m.problems.Rosenbrock(), "x0": 1.0}, r"x0 must have shape \(2,\)"),
    ({"optimizer": m.HeavyBall(np.full(3, 0.1), 0.9), "x0": np.ones(4)},
     r"shapes do not broadcast together: x0 batch axes \(4,\), hyperparameters \(3,\)"),
    ({"on_divergence": "ignore"}, r"on_divergence must be 'raise' or 'mark'"),
    ({"record_every": 0}, r"record_every must be an integer >= 1; got 0"),
])
def test_bad_run_arguments(kwargs, message):
    arguments = {"optimizer": m.HeavyBall(0.1, 0.9), "problem": P, "x0": 5.0, "steps": 3} | kwargs
    on_divergence = arguments.pop("on_divergence", "raise")
    with pytest.raises(ValueError, match=message):
        m.run(**arguments, on_divergence=on_divergence)


def test_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match=r"returned shape \(3,\) for parameters of shape \(2,\)"):
        m.run(m.GradientDescent(0.1), lambda x: np.ones(3), np.zeros(2), 2)


def test_problem_constructors_name_bad_arguments():
    with pytest.raises(ValueError, match="A must be symmetric"):
        m.problems.Quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="A must be positive definite"):
        m.problems.Quadratic([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        m.problems.Quadratic(np.eye(2), [1.0])
    with pytest.raises(ValueError, match="curvature must be a finite number > 0"):
        m.problems.Parabola(-1.0)
    with pytest.raises(ValueError, match="tilt must lie in"):
        m.problems.DoubleWell(2.0)
    with pytest.raises(ValueError, match="noise_std must be a finite number >= 0"):
        m.problems.NoisyGradient(P, -1.0, seed=0)


def test_divergence_raises_with_the_step_and_no_warning():
    # θ² with η = 1.1: θ ← (1 − 2.2)θ = −1.2θ; 5·1.2^t > 1e50  ⇔  t > ln(2e49)/ln(1.2) = 622.6.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(m.DivergenceError, match="diverged at step 623") as caught:
            m.run(m.GradientDescent(1.1), P, 5.0, 10_000)
    assert caught.value.step == 623


def test_non_finite_gradient_raises_with_the_step():
    def grad(x):
        return np.where(np.abs(x) < 3.0, np.nan, 2 * x)  # 5 → 4 → 3.2 → 2.56: NaN at step 3

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(m.DivergenceError, match=r"NaN or infinity at step 4: the gradient at step 3") as caught:
            m.run(m.GradientDescent(0.1), grad, 5.0, 10)
    assert caught.value.step == 4


def test_mark_mode_records_divergence_per_setting_without_warnings():
    lrs = np.array([0.1, 0.9, 1.1, 5.0])  # θ ← (1 − 2η)θ: factors 0.8, −0.8, −1.2, −9
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = m.run(m.GradientDescent(lrs), P, 5.0, 1000, on_divergence="mark")
    # 5·9^t > 1e50  ⇔  t > ln(2e49)/ln 9 = 51.7 → step 52;  5·1.2^t > 1e50  ⇔  t > 622.6 → step 623.
    np.testing.assert_array_equal(trajectory.diverged_at, [-1, -1, 623, 52])
    assert np.isnan(trajectory.params[623:, 2]).all() and np.isfinite(trajectory.params[:623, 2]).all()
    assert np.isfinite(trajectory.params[:, :2]).all()
    np.testing.assert_array_equal(trajectory.steps_to(1e-3)[2:], [-1, -1])
