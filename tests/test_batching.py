"""A grid of settings in one vectorised run gives the numbers of running each alone, up to
rounding: the quadratic's gradient ``x @ A`` is one BLAS call for the whole grid (gemm)
and another for one setting (gemv), and OpenBLAS's Haswell kernels (also picked for Zen)
round the two differently in the last bit. Elementwise problems (the double well) agree
bit for bit."""

import numpy as np
from helpers import path_deviation

import momentum as m

OPTIMIZERS = {
    "heavy ball": lambda lr, mom: m.HeavyBall(lr, mom),
    "ema": lambda lr, mom: m.EMAMomentum(lr * 5, mom),
    "nesterov": lambda lr, mom: m.Nesterov(lr, mom),
    "ema nesterov": lambda lr, mom: m.EMANesterov(lr * 5, mom),
    "torch": lambda lr, mom: m.TorchSGD(lr, mom, dampening=0.3),
}


# Largest deviation of a grid run from the same setting run alone, in units of ε times the
# values' scale max(1, max|x_t|) at each step (tests/helpers.path_deviation), measured over
# all five optimizers below under OPENBLAS_CORETYPE = Haswell, Zen, SkylakeX, Sandybridge,
# Nehalem, Prescott with OPENBLAS_NUM_THREADS = 1 and 2: iterates 5.2 ε, losses 44 ε
# (TorchSGD, Haswell and Zen; 0 on the other four kernels). The bounds leave a margin of 6x.
GRID_PARAMS_BOUND = 32  # ε
GRID_LOSS_BOUND = 256  # ε


def test_grid_equals_per_setting_runs_up_to_rounding():
    """Same iterates and losses to within a few ε of their scale, and the same divergence
    steps, whichever kernel OpenBLAS picks (never bit for bit: see the module docstring)."""
    problem = m.problems.Quadratic.from_eigenvalues([0.3, 3.0, 9.0], m.problems.random_rotation(3, 7), [1, 2, 3])
    lrs, moms = np.array([0.01, 0.05, 0.2, 0.5]), np.array([0.0, 0.5, 0.9])
    x0 = np.array([4.0, -1.0, 2.0])
    for name, make in OPTIMIZERS.items():
        grid = m.run(make(lrs[:, None], moms[None, :]), problem, x0, 50, on_divergence="mark")
        assert grid.params.shape == (51, 4, 3, 3), name
        for i, lr in enumerate(lrs):
            for j, mom in enumerate(moms):
                alone = m.run(make(lr, mom), problem, x0, 50, on_divergence="mark")
                assert path_deviation(grid.params[:, i, j], alone.params) <= GRID_PARAMS_BOUND, (name, lr, mom)
                assert path_deviation(grid.loss[:, i, j], alone.loss) <= GRID_LOSS_BOUND, (name, lr, mom)
                assert grid.diverged_at[i, j] == alone.diverged_at, (name, lr, mom)


def test_batch_of_starting_points_on_the_double_well():
    well = m.problems.DoubleWell()
    starts = np.linspace(-2, 2, 9)
    gammas = np.array([0.0, 0.9])
    grid = m.run(m.HeavyBall(0.02, gammas[:, None]), well, starts[None, :], 300)
    assert grid.params.shape == (301, 2, 9)
    for i, gamma in enumerate(gammas):
        for j, start in enumerate(starts):
            alone = m.run(m.HeavyBall(0.02, gamma), well, start, 300)
            # Exact: the double well's gradient and the update are elementwise IEEE
            # arithmetic (no BLAS, no reduction), rounded the same for any batch shape.
            np.testing.assert_array_equal(grid.params[:, i, j], alone.params)


def test_grid_of_rosenbrock_runs_marks_only_diverging_settings():
    lrs = np.array([1e-4, 1e-3, 1e-2])
    grid = m.run(m.HeavyBall(lrs, 0.9), m.problems.Rosenbrock(), [-1.0, 1.0], 200, on_divergence="mark")
    diverged = grid.diverged_at >= 0
    np.testing.assert_array_equal(diverged, [False, False, True])
    # Rosenbrock's curvature near (-1, 1) is about 1200: η = 0.01 is far outside 2(1+γ)/L.


def test_recording_every_kth_iterate_keeps_exactly_those_of_the_full_run():
    lrs = np.array([1e-3, 1e-2, 0.6])  # the last diverges (curvature about 8 near the minima)
    full = m.run(m.HeavyBall(lrs, 0.9), m.problems.DoubleWell(0.5), 2.0, 1000, on_divergence="mark")
    for every in [1, 7, 250, 1000, 5000]:
        sparse = m.run(m.HeavyBall(lrs, 0.9), m.problems.DoubleWell(0.5), 2.0, 1000, on_divergence="mark",
                       record_every=every)
        expected = sorted({*range(0, 1001, every), 1000})
        np.testing.assert_array_equal(sparse.steps, expected)
        np.testing.assert_array_equal(sparse.params, full.params[expected])
        np.testing.assert_array_equal(sparse.velocity, full.velocity[expected])
        np.testing.assert_array_equal(sparse.loss, full.loss[expected])
        np.testing.assert_array_equal(sparse.diverged_at, full.diverged_at)  # steps, not indices
    assert full.diverged_at[2] > 0 and (full.diverged_at[:2] == -1).all()


def test_steps_to_counts_steps_when_only_some_iterates_are_recorded():
    problem = m.problems.Quadratic(np.diag([1.0, 10.0]))
    exact = m.run(m.HeavyBall(0.05, 0.5), problem, [1.0, 1.0], 400).steps_to(1e-6)
    sparse = m.run(m.HeavyBall(0.05, 0.5), problem, [1.0, 1.0], 400, record_every=10).steps_to(1e-6)
    assert 0 < exact <= sparse < exact + 10 and sparse % 10 == 0
