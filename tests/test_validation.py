"""Bad input, across the whole public API: a TypeError (wrong kind of value) or a ValueError
(out of range) whose message names the parameter, and never a NumPy warning; divergence and
non-finite gradients stop a run with the step.

The table below has one row per (function, bad argument). Every row runs with warnings
turned into errors, so a NumPy warning that reaches the user fails it.
"""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import momentum as m
from momentum import theory

P = m.problems.Parabola()
Q2 = m.problems.Quadratic(np.diag([1.0, 2.0]))
HB = m.HeavyBall(0.1, 0.9)
X = np.ones((3, 2))
Y = np.array([0.0, 1.0, 1.0])

BAD_INPUT = [
    # optimizers
    (lambda: m.GradientDescent(lr=0.0), ValueError, r"lr must lie in \(0, inf\); got 0.0"),
    (lambda: m.HeavyBall(lr=-0.1, momentum=0.9), ValueError, r"lr must lie in \(0, inf\); got -0.1"),
    (lambda: m.HeavyBall(lr=np.nan, momentum=0.9), ValueError, r"lr must lie in \(0, inf\); got nan"),
    (lambda: m.HeavyBall(lr=None, momentum=0.9), TypeError, r"lr must be a real number .*; got None"),
    (lambda: m.HeavyBall(lr="0.1", momentum=0.9), TypeError, r"lr must be a real number .*; got '0.1'"),
    (lambda: m.HeavyBall(lr=True, momentum=0.9), TypeError, r"lr must be a real number .*; got True"),
    (lambda: m.HeavyBall(lr=0.1 + 0j, momentum=0.9), TypeError, r"lr must be a real number .*complex"),
    (lambda: m.HeavyBall(lr=np.array([0.1 + 1j]), momentum=0.9), TypeError, r"lr must be a real number .*complex"),
    (lambda: m.HeavyBall(lr=np.array([True]), momentum=0.9), TypeError, r"lr must be a real number .*booleans"),
    (lambda: m.HeavyBall(lr=0.1, momentum=1.0), ValueError, r"momentum must lie in \[0, 1\); got 1.0"),
    (lambda: m.HeavyBall(lr=0.1, momentum=-0.5), ValueError, r"momentum must lie in \[0, 1\); got -0.5"),
    (lambda: m.Nesterov(lr=0.1, momentum=np.array([0.5, 1.2])), ValueError,
     r"momentum must lie in \[0, 1\) everywhere; got 1.2 at index \(1,\)"),
    (lambda: m.EMAMomentum(lr=1.0, beta=1.0), ValueError, r"beta must lie in \[0, 1\); got 1.0"),
    (lambda: m.EMANesterov(lr=1.0, beta=-0.1), ValueError, r"beta must lie in \[0, 1\); got -0.1"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.9, dampening=1.5), ValueError, r"dampening must lie in \[0, 1\]"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.0, nesterov=True), ValueError, r"nesterov=True requires momentum > 0"),
    (lambda: m.TorchSGD(lr=0.1, momentum=0.9, nesterov="yes"), ValueError, r"nesterov must be True or False"),
    (lambda: m.HeavyBall(lr=np.ones(3), momentum=np.full(4, 0.5)), ValueError,
     r"shapes do not broadcast together: lr \(3,\), momentum \(4,\)"),
    (lambda: HB.step(HB.init(5.0), lambda x: 2j * x), TypeError, r"gradient function's result .*complex"),
    (lambda: HB.step(HB.init(5.0), lambda x: "2"), TypeError, r"gradient function's result .*; got '2'"),
    (lambda: HB.step_inplace(HB.init(np.ones(3)), lambda x: 2 * x, block_size=0), ValueError,
     r"block_size must be an integer >= 1"),
    (lambda: HB.init("5"), TypeError, r"x0 must be a real number .*; got '5'"),
    (lambda: HB.init(None), TypeError, r"x0 must be a real number .*; got None"),
    (lambda: HB.step(m.State(np.array([1, 2]), np.zeros(3), 0), lambda x: x), ValueError,
     r"shapes do not broadcast together: params \(2,\), velocity \(3,\)"),
    (lambda: HB.step((5.0, 0.0, 0), lambda x: x), TypeError, r"state must be a State"),
    (lambda: HB.step(HB.init(5.0), 2.0), TypeError, r"grad_fn must be a function"),
    (lambda: HB.step_inplace(m.State(np.ones(2), np.zeros(2)[::1].copy().view(), 0)._replace(
        velocity=np.frombuffer(np.zeros(2).tobytes())), lambda x: 2 * x), ValueError,
     r"needs velocity as a writeable float64 NumPy array; got a read-only array"),
    (lambda: m.HeavyBall(np.array([]), 0.5), ValueError, r"lr must not be an empty array"),
    # run
    (lambda: m.run(m.HeavyBall, P, 5.0, 3), TypeError, r"optimizer must be an optimizer instance"),
    (lambda: m.run(HB, m.problems.Parabola, 5.0, 3), TypeError, r"problem must be an instance such as Parabola\(\)"),
    (lambda: m.run(HB, Q2, [1.0, 1.0], 10**10), ValueError, r"steps=10000000000 would need .* GiB"),
    (lambda: m.run(HB, "parabola", 5.0, 3), TypeError, r"problem must be a problem"),
    (lambda: m.run(HB, P, np.nan, 3), ValueError, r"x0 must be finite; got nan"),
    (lambda: m.run(HB, Q2, [1.0, np.inf], 3), ValueError, r"x0 must be finite; got inf at index \(1,\)"),
    (lambda: m.run(HB, P, "5", 3), TypeError, r"x0 must be a real number .*; got '5'"),
    (lambda: m.run(HB, P, 1j, 3), TypeError, r"x0 must be a real number .*complex"),
    (lambda: m.run(HB, P, 10**400, 3), ValueError, r"x0 must be finite; .*too large for float64"),
    (lambda: m.run(HB, P, 5.0, -1), ValueError, r"steps must be an integer >= 0; got -1"),
    (lambda: m.run(HB, P, 5.0, 2.5), TypeError, r"steps must be an integer; got 2.5"),
    (lambda: m.run(HB, P, 5.0, 10**30), ValueError, r"steps=10+ would need .* GiB to record"),
    (lambda: m.run(HB, m.problems.Rosenbrock(), [1.0, 2.0, 3.0], 3), ValueError, r"x0 must have shape \(2,\)"),
    (lambda: m.run(m.HeavyBall(np.full(3, 0.1), 0.9), Q2, np.ones((4, 2)), 3), ValueError,
     r"shapes do not broadcast together: x0 batch axes \(4,\), hyperparameters \(3,\)"),
    (lambda: m.run(HB, P, 5.0, 3, on_divergence="ignore"), ValueError, r"on_divergence must be 'raise' or 'mark'"),
    (lambda: m.run(HB, P, 5.0, 3, record_every=0), ValueError, r"record_every must be an integer >= 1; got 0"),
    (lambda: m.run(HB, P, 5.0, 3, divergence_threshold=np.nan), ValueError, r"divergence_threshold must be"),
    (lambda: m.run(HB, P, 5.0, 3, divergence_threshold=-1), ValueError, r"divergence_threshold must be .* > 0"),
    (lambda: m.run(HB, P, 5.0, 3, divergence_threshold="1e50"), TypeError, r"divergence_threshold must be a real"),
    (lambda: m.run(HB, P, 5.0, 3, restart="sometimes"), ValueError, r"restart must be None, 'function'"),
    (lambda: m.run(HB, lambda x: 2 * x, 5.0, 3, restart="function"), ValueError, r"restart='function' needs"),
    (lambda: m.run(HB, P, 5.0, 3, schedule=0.5), TypeError, r"schedule must be a function"),
    (lambda: m.run(HB, P, 5.0, 3, schedule=lambda k: {"beta": 0.5}), TypeError,
     r"schedule returned \['beta'\], which HeavyBall does not have"),
    (lambda: m.run(HB, P, 5.0, 3, schedule=lambda k: {"momentum": 1.0 if k == 2 else 0.5}), ValueError,
     r"schedule at step 2: momentum must lie in \[0, 1\)"),
    (lambda: m.run(HB, P, 5.0, 3).steps_to(np.nan), ValueError, r"tol must be a finite number > 0"),
    (lambda: m.run(HB, lambda x: np.ones(3), np.zeros(2), 2), ValueError,
     r"returned shape \(3,\) for parameters of shape \(2,\)"),
    # conversions
    (lambda: m.convert(HB, str), TypeError, r"cannot convert to"),
    (lambda: m.convert("HeavyBall", m.EMAMomentum), TypeError, r"unknown optimizer"),
    (lambda: m.lookahead_points(np.ones(2), np.ones(2), HB), TypeError, r"needs a Nesterov or EMANesterov"),
    # problems
    (lambda: m.problems.Parabola(curvature=-1.0), ValueError, r"curvature must be a finite number > 0"),
    (lambda: m.problems.Parabola(curvature="2"), TypeError, r"curvature must be a real number"),
    (lambda: m.problems.Quadratic([[1.0, 2.0], [0.0, 1.0]]), ValueError, r"A must be symmetric"),
    (lambda: m.problems.Quadratic([[1.0, 0.0], [0.0, -1.0]]), ValueError, r"A must be positive definite"),
    (lambda: m.problems.Quadratic(np.eye(2) * (1 + 1j)), TypeError, r"A must be a real number .*complex"),
    (lambda: m.problems.Quadratic(np.eye(2), [1.0]), ValueError, r"b must have shape \(2,\)"),
    (lambda: m.problems.Quadratic.from_eigenvalues([1.0, 0.0]), ValueError, r"A must be positive definite"),
    (lambda: m.problems.Rosenbrock(a=np.nan), ValueError, r"a must be finite; got nan"),
    (lambda: m.problems.Rosenbrock(b=-1.0), ValueError, r"b must be a finite number > 0; got -1.0"),
    (lambda: m.problems.DoubleWell(2.0), ValueError, r"tilt must be a number in"),
    (lambda: m.problems.NoisyGradient(P, -1.0, seed=0), ValueError, r"noise_std must be a finite number >= 0"),
    (lambda: m.problems.NoisyGradient(P, 1.0, seed=-1), ValueError, r"seed must be an integer >= 0; got -1"),
    (lambda: m.problems.NoisyGradient(P, 1.0, seed=0.5), TypeError, r"seed must be an integer; got 0.5"),
    (lambda: m.problems.NoisyGradient(m.problems.Parabola, 1.0, seed=0), TypeError, r"problem must be an instance"),
    (lambda: m.problems.Quadratic.from_eigenvalues([1.0, 2.0], None, [1.0, 2.0, 3.0]), ValueError,
     r"minimizer must have shape \(2,\)"),
    (lambda: m.problems.LogisticRegression(np.zeros((0, 2)), np.zeros(0)), ValueError,
     r"features must have at least one sample"),
    (lambda: m.problems.LogisticRegression(X, Y, l2=0.0), ValueError, r"l2 must be a finite number > 0"),
    (lambda: m.problems.rotation_2d("30 degrees"), TypeError, r"angle must be a real number"),
    (lambda: m.problems.random_rotation(0, seed=0), ValueError, r"dim must be an integer >= 1; got 0"),
    # data and learning
    (lambda: m.data.breast_cancer_split(1.0), ValueError, r"test_fraction must lie in \[0, 1\)"),
    (lambda: m.data.breast_cancer_split(0.999), ValueError, r"test_fraction=0.999 leaves 1 training samples"),
    (lambda: m.data.breast_cancer_split(0.3, seed=-2), ValueError, r"seed must be an integer >= 0"),
    (lambda: m.data.breast_cancer_split([0.3]), TypeError, r"test_fraction must be a single number"),
    (lambda: m.learning.TwoLayerNetwork(X, Y, hidden=0), ValueError, r"hidden must be an integer >= 1"),
    (lambda: m.learning.TwoLayerNetwork(X, Y, l2=-1.0), ValueError, r"l2 must be a finite number >= 0"),
    (lambda: m.learning.TwoLayerNetwork(X, Y * 2), ValueError, r"labels must be 0 or 1"),
    (lambda: m.learning.MiniBatch(m.learning.TwoLayerNetwork(X, Y), 4, seed=0), ValueError,
     r"batch_size must be an integer in \[1, 3\]; got 4"),
    (lambda: m.learning.MiniBatch(P, 4, seed=0), TypeError, r"problem must be a finite-sum problem"),
    # theory
    (lambda: theory.spectral_radius(0.1, 1.0, 1.0), ValueError, r"momentum must lie in \[0, 1\)"),
    (lambda: theory.spectral_radius(-0.1, 0.5, 1.0), ValueError, r"lr must be a finite number > 0"),
    (lambda: theory.spectral_radius(0.1, 0.5, np.nan), ValueError, r"eigenvalue must be finite; got nan"),
    (lambda: theory.spectral_radius(0.1, 0.5, np.inf), ValueError, r"eigenvalue must be finite; got inf"),
    (lambda: theory.characteristic_roots(0.1, 0.5, 1.0, nesterov="no"), TypeError, r"nesterov must be True"),
    (lambda: theory.iteration_matrix(0.1, "0.5", 1.0), TypeError, r"momentum must be a real number"),
    (lambda: theory.max_stable_lr(0.9, -1.0), ValueError, r"eigenvalue must be a finite number >= 0"),
    (lambda: theory.max_stable_lr(0.9, 0.0), ValueError, r"eigenvalue must be > 0"),
    (lambda: theory.critical_momentum(0.1, np.inf), ValueError, r"eigenvalue must be a finite number >= 0"),
    (lambda: theory.critical_momentum(6.25, 1.0), ValueError, r"critical damping needs 0 < lr \* eigenvalue < 4"),
    (lambda: theory.critical_momentum(0.1, 0.0), ValueError, r"critical damping needs 0 < lr \* eigenvalue < 4"),
    (lambda: theory.spectral_radius([0.1, 0.2, 0.3], [0.5, 0.6], 1.0), ValueError,
     r"shapes do not broadcast together: lr \(3,\), momentum \(2,\)"),
    (lambda: theory.tune_heavy_ball(1e-300, 1e300), ValueError, r"finite condition number"),
    (lambda: theory.tune_gradient_descent(np.array([1.0]), 2.0), TypeError, r"mu must be a single number"),
    (lambda: theory.closed_form(HB, P, 5.0, 10**30), ValueError, r"steps=10+ would need"),
    (lambda: theory.regime(0.1, 1.5, 1.0), ValueError, r"momentum must lie in \[0, 1\)"),
    (lambda: theory.convergence_rate(HB, [[1.0, 2.0]]), ValueError, r"eigenvalues must be a non-empty 1-D"),
    (lambda: theory.convergence_rate(m.HeavyBall, [1.0]), TypeError, r"optimizer must be an optimizer instance"),
    (lambda: theory.tune_heavy_ball(0.0, 1.0), ValueError, r"need 0 < mu <= L"),
    (lambda: theory.tune_nesterov(2.0, 1.0), ValueError, r"need 0 < mu <= L"),
    (lambda: theory.tune_gradient_descent("1", 10.0), TypeError, r"mu must be a real number"),
    (lambda: theory.closed_form(HB, m.problems.Rosenbrock(), [0.0, 0.0], 3), TypeError,
     r"problem must be a Quadratic or a Parabola"),
    (lambda: theory.heavy_ball_ode(-1.0, 1.0, 1.0, [1.0]), ValueError, r"damping must be a finite number >= 0"),
    (lambda: theory.heavy_ball_ode(1.0, 0.0, 1.0, [1.0]), ValueError, r"eigenvalue must be a finite number > 0"),
    (lambda: theory.heavy_ball_ode(1.0, 1.0, 1.0, [-1.0]), ValueError, r"times must be a finite number >= 0"),
    (lambda: theory.stationary_variance(5.0, 0.5, 1.0, 1.0), ValueError,
     r"no stationary variance outside the stable region .*got lr=5, momentum=0.5, eigenvalue=1"),
    (lambda: theory.stationary_variance(0.1, 0.5, 0.0, 1.0), ValueError, r"eigenvalue must be > 0"),
    (lambda: theory.stationary_variance(0.1, 0.5, 1.0, -1.0), ValueError, r"noise_std must be a finite number >= 0"),
    # grid search and progress
    (lambda: m.grid_search.grid_search(m.HeavyBall, P, 5.0, 10, 1e-6), ValueError, r"needs at least one"),
    (lambda: m.grid_search.grid_search(m.HeavyBall, P, 5.0, 10, 0.0, lr=[0.1], momentum=[0.5]), ValueError,
     r"tol must be a finite number > 0"),
    (lambda: m.grid_search.grid_search(m.HeavyBall, P, 5.0, 10, 1e-6, lr=[[0.1]], momentum=[0.5]), ValueError,
     r"lr must be a non-empty 1-D array"),
    (lambda: m.grid_search.grid_search(m.HeavyBall, lambda x: 2 * x, 5.0, 10, 1e-6, lr=[0.1], momentum=[0.5]),
     ValueError, r"needs a problem with a known minimizer"),
    (lambda: m.grid_search.grid_search(m.GradientDescent, P, [5.0, 1e-3, 1.0], 100, 1e-6, lr=[0.1, 0.2, 0.3]),
     ValueError, r"x0 must have the problem's shape \(\), without batch axes"),
    (lambda: m.grid_search.grid_search(HB, P, 5.0, 10, 1e-6, lr=[0.1]), TypeError,
     r"make must be an optimizer class or a function"),
    (lambda: list(m.progress.progress([1], "x", total=-1)), ValueError, r"total must be an integer >= 0"),
    # exercises
    (lambda: m.exercises.check("4.1", [1.853]), ValueError, r"answer for exercise 4.1 must be 2 numbers \(v4, the"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT, ids=[row[2][:50] for row in BAD_INPUT])
def test_bad_input_is_refused_by_name_without_warnings(call, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=message):
            call()


def test_the_table_covers_every_public_callable():
    """Every public class and function of the package has at least one bad-input row."""
    import inspect

    source = inspect.getsource(sys.modules[__name__]).split("BAD_INPUT = [", 1)[1].split("\n]\n", 1)[0]
    public = {name for name in m.__all__ if callable(getattr(m, name)) and not name.endswith("Error")}
    public -= {"Optimizer", "State", "Trajectory"}  # abstract base, plain record, run's result (rows via run)
    for module in (m.problems, m.theory, m.learning, m.data):
        public |= {name for name, value in vars(module).items() if inspect.isfunction(value) or inspect.isclass(value)
                   if getattr(value, "__module__", "") == module.__name__ and not name.startswith("_")}
    public -= {"Problem", "Dataset", "FiniteSum", "Tuning", "sigmoid", "logistic_loss"}  # protocols, records, ufuncs
    public -= {"LessardCounterexample", "Saddle"}  # no arguments
    missing = sorted(name for name in public if name not in source)
    assert not missing, f"no bad-input row for {missing}"


def test_divergence_raises_with_the_step_and_no_warning():
    # θ² with η = 1.1: θ ← (1 − 2.2)θ = −1.2θ; 5·1.2^t > 1e50  ⇔  t > ln(2e49)/ln(1.2) = 622.6.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(m.DivergenceError, match="diverged at step 623") as caught:
            m.run(m.GradientDescent(1.1), P, 5.0, 10_000)
    assert caught.value.step == 623


def test_an_infinite_threshold_still_stops_at_overflow():
    """A threshold of inf leaves only non-finite values. |θ_t| = 5·1.2^t, and the step computes
    η·g = 1.1·2θ = 11·1.2^t first, which passes 1.8e308 once t > ln(1.8e308/11)/ln 1.2 = 3879.9:
    step 3881 (from θ_3880) overflows."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(m.DivergenceError, match="NaN or infinity at step 3881"):
            m.run(m.GradientDescent(1.1), P, 5.0, 10_000, divergence_threshold=np.inf)


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


def test_a_gradient_function_never_sees_its_argument_overwritten():
    """θ = 5, 4, 2.3 (hand-computed) are the points the gradient is asked about."""
    seen = []

    def keeping(x):
        seen.append(x)
        return 2 * x

    m.run(HB, keeping, 5.0, 3)
    assert [float(x) for x in seen] == [5.0, 4.0, 2.3]


def test_in_place_steps_refuse_overlapping_arrays():
    optimizer, x = m.HeavyBall(0.1, 0.5), np.ones(10)
    with pytest.raises(ValueError, match="params and velocity share memory"):
        optimizer.step_inplace(m.State(x, x, 0), lambda p: 2 * p)
    buffer = np.zeros(11)
    with pytest.raises(ValueError, match="params and velocity share memory"):
        optimizer.step_inplace(m.State(buffer[1:], buffer[:-1], 0), lambda p: 2 * p)
    state = optimizer.init(np.ones(10))
    with pytest.raises(ValueError, match="overlaps the velocity"):
        optimizer.step_inplace(state, lambda p: state.velocity)


def test_in_place_gradient_may_be_the_parameters_themselves():
    """J = ½‖θ‖² has ∇J = θ: returning the (read-only) argument gives the textbook step θ₁ = θ₀ − η θ₀."""
    state = m.HeavyBall(0.1, 0.5).step_inplace(m.HeavyBall(0.1, 0.5).init(np.full(5, 2.0)), lambda p: p)
    np.testing.assert_array_equal(state.params, np.full(5, 1.8))


def test_large_in_place_steps_work_at_interpreter_exit():
    """At exit the thread pool refuses new work; the step falls back to this thread."""
    code = textwrap.dedent("""
        import atexit
        import numpy as np
        import momentum as m
        from momentum._blocks import BLOCK, THREADS

        def step_at_exit():
            optimizer = m.HeavyBall(0.1, 0.5)
            state = optimizer.step_inplace(optimizer.init(np.ones(8 * THREADS * BLOCK)), lambda x: 2 * x)
            print("sum", state.params.sum())

        step_at_exit()  # start the pool while the interpreter runs
        atexit.register(step_at_exit)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    sums = [float(line.split()[1]) for line in result.stdout.split("\n") if line.startswith("sum")]
    from momentum._blocks import BLOCK, THREADS

    assert sums == [pytest.approx(0.8 * 8 * THREADS * BLOCK)] * 2  # θ₁ = 1 − 0.1 · 2 everywhere
