"""Schedules, adaptive restart and grid search, against hand computations and theorems."""

import numpy as np
import pytest

import momentum as m

P = m.problems.Parabola()  # J = θ², ∇J = 2θ


def test_a_constant_schedule_changes_nothing():
    plain = m.run(m.Nesterov(1e-3, 0.9), m.problems.Rosenbrock(), [-1.5, 2.0], 200)
    scheduled = m.run(m.Nesterov(0.001, 0.1), m.problems.Rosenbrock(), [-1.5, 2.0], 200,
                      schedule=lambda k: {"lr": 1e-3, "momentum": 0.9})
    np.testing.assert_array_equal(scheduled.params, plain.params)


def test_learning_rate_drop_in_the_heavy_ball_and_in_pytorch_by_hand():
    """θ₀ = 5, γ = 0.9, η = 0.1 then 0.05. Heavy ball: v₁ = 0.1·10 = 1, θ₁ = 4; v₂ = 0.9·1 + 0.05·8 = 1.3,
    θ₂ = 2.7. PyTorch: b₁ = 10, θ₁ = 4; b₂ = 0.9·10 + 8 = 17, θ₂ = 4 − 0.05·17 = 3.15."""
    def drop(k):
        return {"lr": 0.1 if k == 0 else 0.05}

    heavy = m.run(m.HeavyBall(0.1, 0.9), P, 5.0, 2, schedule=drop)
    torch = m.run(m.TorchSGD(0.1, 0.9), P, 5.0, 2, schedule=drop)
    np.testing.assert_allclose(heavy.params, [5, 4, 2.7], rtol=1e-15)
    np.testing.assert_allclose(torch.params, [5, 4, 3.15], rtol=1e-15)


def test_a_schedule_over_a_batch_of_settings():
    lrs = np.array([0.1, 0.2])
    run = m.run(m.GradientDescent(lrs), P, 5.0, 3, schedule=lambda k: {"lr": lrs / (k + 1)})
    for i, lr in enumerate(lrs):  # θ_{k+1} = (1 − 2 lr/(k+1)) θ_k
        expected = 5.0 * np.cumprod([1.0] + [1 - 2 * lr / (k + 1) for k in range(3)])
        np.testing.assert_allclose(run.params[:, i], expected, rtol=1e-14)


def test_nesterov_momentum_schedule_meets_the_convex_rate_bound():
    """With η = 1/L and momentum (j−1)/(j+2), f(x_j) − f* ≤ 2L‖x₀ − x*‖²/(j+1)² (Nesterov 1983), on a
    convex quadratic whose curvatures reach down to 1e-9 (no useful strong convexity)."""
    eigenvalues = np.geomspace(1e-9, 1.0, 60)
    problem = m.problems.Quadratic.from_eigenvalues(eigenvalues, m.problems.random_rotation(60, 1))
    x0 = np.ones(60)
    run = m.run(m.Nesterov(1.0, 0.0), problem, x0, 400, schedule=lambda k: {"momentum": k / (k + 3)})
    gap = run.loss - problem.loss(problem.minimizer)
    j = np.arange(1, 401)
    assert np.all(gap[1:] <= 2 * 1.0 * np.sum((x0 - problem.minimizer) ** 2) / (j + 1) ** 2)
    plain = m.run(m.GradientDescent(1.0), problem, x0, 400)
    assert gap[-1] < 0.2 * (plain.loss[-1] - problem.loss(problem.minimizer))  # and it is faster than GD


def test_function_restart_by_hand():
    """Heavy ball η = 0.1, γ = 0.9 on θ²: θ = 5, 4, 2.3, 0.31, −1.543; J rises at step 4 (0.0961 → 2.381), so
    v₄ is reset to 0 and θ₅ = θ₄ − 0.1·g₄ = −1.543 + 0.3086 = −1.2344."""
    run = m.run(m.HeavyBall(0.1, 0.9), P, 5.0, 5, restart="function")
    np.testing.assert_allclose(run.params, [5, 4, 2.3, 0.31, -1.543, -1.2344], rtol=1e-13)
    assert run.velocity[4] == 0


def test_gradient_restart_by_hand():
    """Same run, gradient scheme: at step 4 the step −1.3591 runs along g₄ = −3.086 (product > 0, uphill), so
    v₅ is reset: θ₅ = −2.9021 as before and θ₆ = θ₅ − 0.1·g₅ = −2.9021 + 0.58042 = −2.32168."""
    plain = m.run(m.HeavyBall(0.1, 0.9), P, 5.0, 5)
    run = m.run(m.HeavyBall(0.1, 0.9), P, 5.0, 6, restart="gradient")
    np.testing.assert_array_equal(run.params[:6], plain.params)
    assert run.velocity[5] == 0
    assert run.params[6] == pytest.approx(plain.params[5] - 0.1 * 2 * plain.params[5], rel=1e-14)


def test_restart_resets_the_schedule_counter_per_setting():
    ks = []
    m.run(m.HeavyBall(np.array([0.1, 0.01]), 0.9), P, 5.0, 6, restart="function",
          schedule=lambda k: ks.append(np.array(k)) or {})
    # η = 0.1 restarts after step 4 (above); η = 0.01 only creeps down and never restarts.
    np.testing.assert_array_equal(np.array(ks), [[0, 0], [1, 1], [2, 2], [3, 3], [0, 4], [1, 5]])


GD = lambda lr: m.GradientDescent(lr)  # noqa: E731


def test_grid_search_finds_the_one_step_rate_by_hand():
    """θ_t = 5(1 − 2η)^t: η = 0.1 needs ln(2e-7)/ln 0.8 = 69.1 → 70 steps, η = 0.25 → 23, η = 0.5 → 1."""
    search = m.grid_search.grid_search(GD, P, 5.0, 100, 1e-6, lr=[0.1, 0.25, 0.5])
    np.testing.assert_array_equal(search.steps_needed, [70, 23, 1])
    assert search.best == m.grid_search.Setting(1, {"lr": 0.5})
    assert search.on_edge == ["lr"]


def test_grid_search_refuses_a_winner_when_nothing_reached_the_tolerance():
    search = m.grid_search.grid_search(GD, P, 5.0, 10, 1e-6, lr=[0.1, 0.25])
    with pytest.raises(m.grid_search.NoSettingReachedError, match="none of the 2 settings reached"):
        _ = search.best
    setting, distance = search.closest()
    assert setting.values == {"lr": 0.25} and distance == pytest.approx(5 * 0.5**10)
    assert search.share_reached == 0


def test_grid_search_over_two_hyperparameters_with_divergence():
    search = m.grid_search.grid_search(m.HeavyBall, P, 5.0, 300, 1e-6, lr=[0.1, 2.0], momentum=[0.0, 0.3, 0.9])
    assert search.steps_needed.shape == (2, 3)
    assert search.diverged[1].all() and not search.diverged[0].any()  # ηλ = 4 > 2(1 + γ) for every γ
    assert search.best.values == {"lr": 0.1, "momentum": 0.3}  # near critical damping 0.3056 (chapter 4)
    assert search.on_edge == ["lr"]
