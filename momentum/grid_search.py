r"""The best setting on a grid of hyperparameters, found by one vectorised run.

A comparison of optimizers is only as fair as their tuning, and a grid search has two
traps that this module reports instead of hiding:

* settings that never reach the tolerance: ``argmin`` over step counts where every
  count is "never" returns the grid's first point, which then passes for the best.
  :attr:`GridSearch.best` refuses to name a winner when no setting reached the
  tolerance (:class:`NoSettingReachedError`); :meth:`GridSearch.closest` gives the setting
  that ended nearest the minimiser instead.
* a best setting on the edge of the grid: the true optimum may lie outside it (a grid
  of momenta that starts at 0.5 cannot find that γ = 0 is best).
  :attr:`GridSearch.on_edge` lists the hyperparameters whose best value is an end of
  their grid.

Example::

    search = grid_search(HeavyBall, valley, x0, steps=3000, tol=1e-6,
                         lr=np.geomspace(1e-4, 0.05, 40), momentum=np.linspace(0, 0.99, 34))
    search.best            # Setting(steps=80, values={'lr': ..., 'momentum': ...})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from momentum import _checks
from momentum.optimizers import Optimizer
from momentum.problems import Problem
from momentum.runner import run
from momentum.trajectory import Trajectory


class NoSettingReachedError(ValueError):
    """No setting of a grid reached the tolerance within the step budget."""


class Setting(NamedTuple):
    """One point of the grid: its hyperparameters and the steps it needed (-1: never)."""

    steps: int
    values: dict[str, float]


class GridSearch(NamedTuple):
    """The outcome of :func:`grid_search`: ``grid`` (the hyperparameter values, one array per
    name, each of the grid's shape), ``steps_needed`` (per setting, the first step after
    which the error stays within the tolerance; -1 where that never happens or the run
    diverged), ``final_error`` (per setting, the distance to the minimiser after the last
    step; NaN where the run diverged), ``diverged`` (per setting) and ``tol``.
    """

    grid: dict[str, np.ndarray]
    steps_needed: np.ndarray
    final_error: np.ndarray
    diverged: np.ndarray
    tol: float

    @property
    def reached(self) -> np.ndarray:
        """Per setting, whether it reached the tolerance."""
        return self.steps_needed >= 0

    def _setting(self, index: tuple[int, ...]) -> Setting:
        values = {name: float(grid[index]) for name, grid in self.grid.items()}
        return Setting(int(self.steps_needed[index]), values)

    @property
    def best(self) -> Setting:
        """The setting with the fewest steps to the tolerance (the first such on ties).

        Raises:
            NoSettingReachedError: when no setting reached the tolerance.
        """
        if not self.reached.any():
            closest = self.closest()
            raise NoSettingReachedError(
                f"none of the {self.steps_needed.size} settings reached the tolerance {self.tol:g}; the closest "
                f"ended {closest[1]:.3g} from the minimiser at {closest[0].values}")
        needed = np.where(self.reached, self.steps_needed, np.iinfo(np.int64).max)
        return self._setting(np.unravel_index(np.argmin(needed), needed.shape))

    def closest(self) -> tuple[Setting, float]:
        """The setting that ended nearest the minimiser, and its final distance (for a
        budget in which nothing reached the tolerance)."""
        if np.all(np.isnan(self.final_error)):
            raise NoSettingReachedError("every setting of the grid diverged")
        index = np.unravel_index(np.nanargmin(self.final_error), self.final_error.shape)
        return self._setting(index), float(self.final_error[index])

    @property
    def on_edge(self) -> list[str]:
        """The hyperparameters (with more than one grid value) whose best value is the
        smallest or largest of their grid: the optimum may lie beyond the grid."""
        best = self.best.values
        return [name for name, values in self.grid.items()
                if np.unique(values).size > 1 and best[name] in (values.min(), values.max())]

    @property
    def share_reached(self) -> float:
        """The fraction of settings that reached the tolerance."""
        return float(self.reached.mean())


def grid_search(make: Callable[..., Optimizer], problem: Problem, x0: object, steps: int, tol: float,
                **grid: object) -> GridSearch:
    """Run ``make(**setting)`` for every combination of the named grids in one vectorised
    run and count the steps each needs to reach ``tol``.

    Args:
        make: an optimizer class or a function of the hyperparameters returning one,
            e.g. ``HeavyBall`` or ``lambda lr, momentum: EMAMomentum(lr, momentum)``.
        problem: a problem with a known minimiser.
        x0: the starting point (without batch axes).
        steps: the step budget of every setting.
        tol: the distance to the minimiser that counts as reached (> 0).

    The grid comes as keyword arguments, one 1-D array of values per hyperparameter
    name (``lr=..., momentum=...``); the grid is their outer product, axes in the order
    given.

    Diverging settings are marked, not raised (see :func:`momentum.run`).
    """
    tol = _checks.positive_scalar("tol", tol)
    if isinstance(make, Optimizer) or not callable(make):
        raise TypeError(f"make must be an optimizer class or a function of the hyperparameters that returns an "
                        f"optimizer, e.g. HeavyBall or lambda lr: GradientDescent(lr); got {make!r}")
    _checks.instance("problem", problem, "Parabola()")
    shape = tuple(getattr(problem, "shape", ()))
    if np.shape(x0) != shape:
        raise ValueError(f"x0 must have the problem's shape {shape}, without batch axes (the grid's axes are the "
                         f"batch axes); got shape {np.shape(x0)}")
    if not grid:
        raise ValueError("grid_search needs at least one hyperparameter grid, e.g. lr=np.geomspace(1e-3, 1, 20)")
    axes = {}
    for name, values in grid.items():
        axis = _checks.finite_array(name, values)
        if axis.ndim != 1 or axis.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array of values; got shape {axis.shape}")
        axes[name] = axis
    mesh = dict(zip(axes, np.meshgrid(*axes.values(), indexing="ij"), strict=True))
    if getattr(problem, "minimizer", None) is None:
        raise ValueError("grid_search needs a problem with a known minimizer to measure the distance to it")
    trajectory: Trajectory = run(make(**mesh), problem, x0, steps, on_divergence="mark")
    return GridSearch(mesh, trajectory.steps_to(tol), trajectory.error()[-1], trajectory.diverged_at >= 0, tol)
