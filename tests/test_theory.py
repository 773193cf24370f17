"""Quadratic theory: closed forms against simulation, spectral radii against a peer
eigenvalue solver, the convergence region, critical damping and optimal tuning."""

import numpy as np
import pytest
from helpers import assert_same_path, learning_rates, momenta, quadratics, starting_point
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import momentum as m
from momentum import theory

METHODS = [m.HeavyBall, m.Nesterov]


@pytest.mark.parametrize("method", METHODS)
@given(problem=quadratics(), eta=learning_rates, gamma=momenta)
def test_closed_form_equals_simulation(method, problem, eta, gamma):
    x0 = starting_point(problem)
    simulated = m.run(method(eta, gamma), problem, x0, 60, on_divergence="mark")
    assume((simulated.diverged_at < 0).all())
    exact = theory.closed_form(method(eta, gamma), problem, x0, 60)
    assert_same_path(exact.params, simulated.params, rtol=1e-12)
    assert_same_path(exact.velocity, simulated.velocity, rtol=1e-11)
    np.testing.assert_allclose(exact.loss, simulated.loss, rtol=1e-9, atol=1e-12)


@given(problem=quadratics(max_dim=1), eta=st.floats(0.01, 0.45))
def test_closed_form_is_exact_at_critical_damping(problem, eta):
    """The double root r = 1 − √(ηλ), where (r₁ⁿ − r₂ⁿ)/(r₁ − r₂) is 0/0."""
    gamma = theory.critical_momentum(eta, problem.L)
    x0 = starting_point(problem)
    simulated = m.run(m.HeavyBall(eta, gamma), problem, x0, 200)
    exact = theory.closed_form(m.HeavyBall(eta, gamma), problem, x0, 200)
    assert_same_path(exact.params, simulated.params, rtol=1e-12)


def test_closed_form_of_the_worked_example():
    exact = theory.closed_form(m.HeavyBall(0.1, 0.9), m.problems.Parabola(), 5.0, 3)
    np.testing.assert_allclose(exact.params, [5, 4, 2.3, 0.31], atol=1e-13)
    # EMA and PyTorch conventions reduce to the same heavy ball.
    for optimizer in (m.EMAMomentum(1.0, 0.9), m.TorchSGD(0.1, 0.9)):
        np.testing.assert_allclose(theory.closed_form(optimizer, m.problems.Parabola(), 5.0, 3).params,
                                   exact.params, atol=1e-13)


def test_closed_form_on_a_grid_equals_batched_simulation():
    problem = m.problems.Quadratic.from_eigenvalues([0.5, 4.0], m.problems.rotation_2d(0.4), [1.0, -2.0])
    optimizer = m.HeavyBall(np.linspace(0.05, 0.5, 7)[:, None], np.linspace(0, 0.95, 5))
    exact = theory.closed_form(optimizer, problem, [3.0, 3.0], 80)
    simulated = m.run(optimizer, problem, [3.0, 3.0], 80)
    assert exact.params.shape == simulated.params.shape == (81, 7, 5, 2)
    assert_same_path(exact.params, simulated.params, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
@given(eta=st.floats(1e-3, 3.0), gamma=momenta, lam=st.floats(0.01, 10.0))
def test_spectral_radius_equals_peer_eigenvalues(nesterov, eta, gamma, lam):
    peer = peer_worst_radius(eta, gamma, [lam], nesterov)
    # At a double root the roots are only determined to ~√ε; elsewhere to rounding.
    assert theory.spectral_radius(eta, gamma, lam, nesterov) == pytest.approx(peer, rel=1e-7, abs=1e-12)
    np.testing.assert_allclose(theory.iteration_matrix(eta, gamma, lam, nesterov),
                               peer_iteration_matrices(eta, gamma, lam, nesterov), rtol=1e-15, atol=0)


def peer_iteration_matrices(lr, momentum, eigenvalue, nesterov=False):
    """M acting on (z_t, z_{t-1}) for arrays of settings, written out from the recurrences
    in the module docstring of momentum.theory, independently of theory.iteration_matrix:
    heavy ball z' = (1+γ−h) z − γ z₋, Nesterov z' = (1+γ)(1−h) z − γ(1−h) z₋, h = ηλ."""
    h = np.multiply(lr, eigenvalue)
    if nesterov:
        a, c = (1 + np.asarray(momentum)) * (1 - h), momentum * (1 - h)
    else:
        a, c = 1 + np.asarray(momentum) - h, np.asarray(momentum) + 0 * h
    a, c = np.broadcast_arrays(a, c)
    M = np.zeros((*a.shape, 2, 2))
    M[..., 0, 0], M[..., 0, 1], M[..., 1, 0] = a, -c, 1.0
    return M


def peer_worst_radius(lr, momentum, eigenvalues, nesterov=False):
    """The largest modulus of numpy's eigenvalues of M over ``eigenvalues`` (last axis)."""
    lr, momentum = np.asarray(lr, dtype=float)[..., None], np.asarray(momentum, dtype=float)[..., None]
    M = peer_iteration_matrices(lr, momentum, np.asarray(eigenvalues, dtype=float), nesterov)
    return np.abs(np.linalg.eigvals(M)).max(axis=(-2, -1))


@pytest.mark.parametrize("nesterov", [False, True])
@given(eta=st.floats(1e-3, 5.0), gamma=momenta, lam=st.floats(0.01, 10.0))
def test_max_stable_lr_is_where_the_peer_eigenvalues_leave_the_unit_disc(nesterov, eta, gamma, lam):
    limit = float(theory.max_stable_lr(gamma, lam, nesterov))
    assume(abs(eta / limit - 1) > 1e-6)
    assert (peer_worst_radius(eta, gamma, [lam], nesterov) < 1) == (eta < limit)
    assert (theory.spectral_radius(eta, gamma, lam, nesterov) < 1) == (eta < limit)
    if not nesterov:  # the Jury condition 1 + a + c > 0 by hand: ηλ < 2(1 + γ)
        assert (eta * lam < 2 * (1 + gamma)) == (eta < limit)


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=25)
@given(gamma=st.floats(0.0, 0.95), lam=st.floats(0.1, 10.0))
def test_runs_converge_just_below_max_stable_lr_and_diverge_just_above(method, gamma, lam):
    """Simulation with the package's run on J(θ) = λθ²/2, 3% on either side of the limit:
    1500 steps shrink the error below 1e-6 or blow it up beyond 1e6 (for γ ≤ 0.95 the
    spectral radius is at most max(√γ, 0.94) ≤ 0.975 below and at least 1.06 above)."""
    limit = float(theory.max_stable_lr(gamma, lam, nesterov=method is m.Nesterov))
    below = m.run(method(0.97 * limit, gamma), m.problems.Parabola(lam), 1.0, 1500, on_divergence="mark")
    above = m.run(method(1.03 * limit, gamma), m.problems.Parabola(lam), 1.0, 1500, on_divergence="mark")
    assert below.diverged_at == -1 and abs(below.final) < 1e-6
    assert above.diverged_at > 0 or abs(above.final) > 1e6


@given(eta=st.floats(1e-3, 1.0), gamma=st.floats(0.01, 0.99), lam=st.floats(0.01, 10.0))
def test_complex_roots_have_modulus_sqrt_gamma(eta, gamma, lam):
    h = eta * lam
    assume((1 - np.sqrt(gamma)) ** 2 + 1e-6 < h < (1 + np.sqrt(gamma)) ** 2 - 1e-6)
    r1, r2 = theory.characteristic_roots(eta, gamma, lam)
    assert abs(r1.imag) > 0
    assert abs(r1) == pytest.approx(np.sqrt(gamma), rel=1e-12)
    assert abs(r2) == pytest.approx(np.sqrt(gamma), rel=1e-12)


@given(h=st.floats(1e-4, 1.0))
def test_critical_damping_gives_a_double_root(h):
    gamma = theory.critical_momentum(h, 1.0)
    r1, r2 = theory.characteristic_roots(h, gamma, 1.0)
    # A double root is determined only to ~√ε·|a| (a = 1 + γ − h ≤ 2) in absolute terms:
    # the rounding ε·a² in the discriminant a² − 4γ becomes √ε·a after the square root.
    assert abs(r1) == pytest.approx(1 - np.sqrt(h), rel=1e-7, abs=3e-8)
    assert r1 == pytest.approx(r2, rel=1e-6, abs=1e-8)
    # Less momentum: two distinct real roots (overdamped); more: complex (underdamped).
    # (At h → 1 the critical γ → 0 and the discriminant drowns in rounding: skip that end.)
    assert np.isreal(theory.characteristic_roots(h, gamma * 0.9, 1.0)[0]) or gamma < 1e-12
    assert abs(theory.characteristic_roots(h, min(gamma * 1.1 + 1e-3, 0.999), 1.0)[0].imag) > 0


KAPPAS = [10.0, 100.0, 1e3, 1e4]


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize(("tune", "nesterov"), [
    (theory.tune_gradient_descent, False), (theory.tune_heavy_ball, False), (theory.tune_nesterov, True)])
def test_tuned_rates_are_the_worst_spectral_radius_and_locally_optimal(kappa, tune, nesterov):
    lam = np.geomspace(1.0, kappa, 2001)
    tuning = tune(1.0, kappa)

    def worst(eta, gamma):
        return theory.spectral_radius(eta, gamma, lam, nesterov).max()

    # √ε-level error from the double roots at the ends of the spectrum.
    assert worst(tuning.lr, tuning.momentum) == pytest.approx(tuning.rate, rel=1e-6)
    assert peer_worst_radius(tuning.lr, tuning.momentum, lam, nesterov) == pytest.approx(tuning.rate, rel=1e-6)
    if tune is theory.tune_gradient_descent:
        return
    for d_eta in (0.99, 1.01):
        for d_gamma in (0.99, 1.0, 1.01):
            assert worst(tuning.lr * d_eta, tuning.momentum * d_gamma) > tuning.rate


@pytest.mark.parametrize("kappa", [10.0, 1e3])
@pytest.mark.parametrize(("tune", "nesterov"), [
    (theory.tune_gradient_descent, False), (theory.tune_heavy_ball, False), (theory.tune_nesterov, True)])
def test_no_setting_found_by_a_brute_force_search_beats_the_tuned_rate(kappa, tune, nesterov):
    """Search (η, γ) on refined grids, scoring each setting by the peer eigenvalues' worst
    modulus over 9 eigenvalues in [1, κ]. That score is at most the worst over the whole
    interval, so no setting may score below the tuned rate (up to the √ε accuracy of
    double roots); the search also comes close to it (the heavy ball's optimum is a sharp
    corner, so a grid search stops a little above it)."""
    tuning = tune(1.0, kappa)
    lam = np.geomspace(1.0, kappa, 9)
    gradient_descent = tune is theory.tune_gradient_descent
    lr_range, momentum_range, n = (0.0, 4.0 / kappa), (0.0, 1.0), 30
    best = np.inf
    for _ in range(8):
        lrs = np.linspace(*lr_range, n + 1)[1:]
        moms = np.zeros(1) if gradient_descent else np.linspace(*momentum_range, n, endpoint=False)
        scores = peer_worst_radius(lrs[:, None], moms[None, :], lam, nesterov)
        assert scores.min() >= tuning.rate * (1 - 1e-7)
        i, j = np.unravel_index(np.argmin(scores), scores.shape)
        best = min(best, scores[i, j])
        d_lr, d_mom = (lr_range[1] - lr_range[0]) / n, (momentum_range[1] - momentum_range[0]) / n
        lr_range = (max(lrs[i] - 2 * d_lr, 0.0), lrs[i] + 2 * d_lr)
        momentum_range = (max(moms[j] - 2 * d_mom, 0.0), min(moms[j] + 2 * d_mom, 1.0))
    assert best <= tuning.rate * 1.02


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1e3])
def test_measured_rate_of_tuned_heavy_ball(kappa):
    """Run the tuned heavy ball on a random quadratic with spectrum [1, κ] and measure the
    per-step contraction over the second half of the run."""
    eigenvalues = np.concatenate([[1.0, kappa], np.geomspace(1.0, kappa, 8)[1:-1]])
    problem = m.problems.Quadratic.from_eigenvalues(eigenvalues, m.problems.random_rotation(8, 3))
    tuning = theory.tune_heavy_ball(problem.mu, problem.L)
    steps = int(np.ceil(np.log(1e-100) / np.log(tuning.rate)))  # squares stay above underflow
    error = m.run(m.HeavyBall(tuning.lr, tuning.momentum), problem, np.ones(8), steps).error()
    measured = (error[-1] / error[steps // 2]) ** (1 / (steps - steps // 2))
    # The double root at μ adds a factor t to r^t, which costs (2)^(2/steps) here.
    assert measured == pytest.approx(tuning.rate, rel=0.02)
    assert measured >= tuning.rate * (1 - 1e-9)


def test_convergence_rate_of_an_optimizer_on_a_spectrum():
    tuning = theory.tune_heavy_ball(1.0, 100.0)
    for optimizer in (m.HeavyBall(tuning.lr, tuning.momentum),
                      m.convert(m.HeavyBall(tuning.lr, tuning.momentum), m.EMAMomentum)):
        assert theory.convergence_rate(optimizer, np.linspace(1, 100, 50)) == pytest.approx(tuning.rate, rel=1e-6)
    grid = m.HeavyBall(np.array([[0.01], [0.02]]), np.array([0.0, 0.5, 0.9]))
    assert theory.convergence_rate(grid, [1.0, 10.0]).shape == (2, 3)


def test_tuning_needs_a_valid_spectrum():
    with pytest.raises(ValueError, match="need 0 < mu <= L"):
        theory.tune_heavy_ball(0.0, 1.0)


@pytest.mark.parametrize(("damping", "lam"), [(0.5, 4.0), (4.0, 4.0), (6.0, 4.0), (0.0, 1.0)])
def test_heavy_ball_ode_solution_against_a_numerical_integrator(damping, lam):
    """Peer: scipy's adaptive Runge–Kutta on θ'' = −aθ' − λθ (under-, critically, over- and undamped)."""
    from scipy.integrate import solve_ivp

    times = np.linspace(0, 5, 51)
    peer = solve_ivp(lambda t, y: [y[1], -damping * y[1] - lam * y[0]], (0, 5), [2.0, 0.0],
                     t_eval=times, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(theory.heavy_ball_ode(damping, lam, 2.0, times), peer.y[0], atol=1e-8)


def test_heavy_ball_converges_to_the_ode_as_the_step_shrinks():
    """η = h², γ = 1 − ah: the error at time 3 falls in proportion to h (first order)."""
    damping, lam, horizon = 1.0, 4.0, 3.0
    errors = []
    for h in (0.01, 0.005, 0.0025):
        steps = round(horizon / h)
        path = m.run(m.HeavyBall(h**2, 1 - damping * h), m.problems.Parabola(lam), 2.0, steps).params
        errors.append(abs(path[-1] - theory.heavy_ball_ode(damping, lam, 2.0, horizon)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.1)
    assert errors[1] / errors[2] == pytest.approx(2, rel=0.1)


def test_closed_form_of_an_unstable_setting_grows_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = theory.closed_form(m.HeavyBall(2.0, 0.9), m.problems.Parabola(), 5.0, 3000)
    # Roots −1.5 and −0.6 (exercise in the package tour): |θ| grows like 1.5^t until it overflows.
    assert abs(exact.params[100]) > 1e16 and not np.isfinite(exact.params[-1])


@given(lr_fraction=st.floats(0.01, 0.99), gamma=st.floats(0.0, 0.98), eigenvalue=st.floats(0.1, 10.0))
def test_stationary_variance_solves_the_lyapunov_equation(lr_fraction, gamma, eigenvalue):
    # Peer: the covariance X of (y_t, y_{t-1}) solves X = T X T^T + B B^T, solved here by
    # vectorisation (I - T⊗T) vec X = vec(B B^T), independently of the closed form.
    lr = lr_fraction * float(m.theory.max_stable_lr(gamma, eigenvalue))
    T = peer_iteration_matrices(lr, gamma, eigenvalue)
    B = np.array([[-lr], [0.0]])
    X = np.linalg.solve(np.eye(4) - np.kron(T, T), (B @ B.T).ravel()).reshape(2, 2)
    np.testing.assert_allclose(m.theory.stationary_variance(lr, gamma, eigenvalue, 1.0), X[0, 0], rtol=1e-8)


def test_stationary_variance_of_gradient_descent_by_hand():
    # gamma = 0: y' = (1 - eta*lam) y - eta*xi, so Var = eta^2 / (1 - (1 - eta*lam)^2).
    assert m.theory.stationary_variance(0.1, 0.0, 1.0, 2.0) == pytest.approx(4 * 0.01 / (1 - 0.81))
