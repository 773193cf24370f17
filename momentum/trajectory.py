r"""What a run produces: the :class:`Trajectory`, and how inputs line up in batches.

Parameters have shape ``batch_shape + event_shape``: ``event_shape`` is the problem's
own (``problem.shape``), and ``batch_shape`` broadcasts the optimizer's array
hyperparameters with any leading axes of ``x0`` (see :func:`align`). Both
:func:`momentum.run` (simulation) and :func:`momentum.theory.closed_form` (the exact
solution on quadratics) return a :class:`Trajectory`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from momentum import _checks
from momentum.optimizers import Optimizer
from momentum.problems import Problem

#: A parameter whose absolute value exceeds this counts as diverged (well before a gradient
#: of it could overflow).
DIVERGENCE_THRESHOLD = 1e50

@dataclasses.dataclass(frozen=True, eq=False)
class Trajectory:
    """The iterates of one run (or one batch of runs).

    Attributes:
        params: :math:`\\theta_0, \\dots, \\theta_T`, shape ``(T+1, *batch_shape, *event_shape)``
            (or the recorded iterates only, see ``steps``).
        velocity: the optimizer's velocity after each step (zero at index 0), same shape.
        loss: :math:`J(\\theta_t)`, shape ``(T+1, *batch_shape)``, or ``None`` when only a
            gradient function was given.
        diverged_at: per setting, the first step whose parameters are invalid (NaN from
            then on), or -1; shape ``batch_shape``.
        optimizer: the optimizer, with hyperparameters aligned to ``params[t]``.
        minimizer: the problem's minimiser, or ``None``.
        steps: the step number of each recorded iterate: ``0, 1, …, T`` unless the run
            kept only every k-th (``run(..., record_every=k)``).
    """

    params: np.ndarray
    velocity: np.ndarray
    loss: np.ndarray | None
    diverged_at: np.ndarray
    optimizer: Optimizer
    minimizer: np.ndarray | None
    steps: np.ndarray = None  # type: ignore[assignment]  # filled in by __post_init__

    def __post_init__(self) -> None:
        if self.steps is None:
            object.__setattr__(self, "steps", np.arange(self.params.shape[0]))

    @property
    def event_ndim(self) -> int:
        return self.params.ndim - 1 - self.diverged_at.ndim

    @property
    def final(self) -> np.ndarray:
        """The last iterate :math:`\\theta_T`."""
        return self.params[-1]

    def error(self) -> np.ndarray:
        """Distance to the minimiser, :math:`\\lVert\\theta_t - \\theta^*\\rVert_2`, shape
        ``(T+1, *batch_shape)``."""
        if self.minimizer is None:
            raise ValueError("the problem has no known minimizer, so the error is undefined")
        with np.errstate(over="ignore", invalid="ignore"):  # huge iterates give inf, not a warning
            diff = self.params - self.minimizer
            axes = tuple(range(diff.ndim - self.event_ndim, diff.ndim))
            return np.sqrt(np.sum(np.square(diff), axis=axes)) if axes else np.abs(diff)

    def steps_to(self, tol: float) -> np.ndarray:
        """Per setting, the first step t after which the error stays at or below ``tol``
        for the rest of the run; -1 where that never happens (or the run diverged).

        "Stays" matters for momentum: an oscillating iterate can cross the tolerance
        band and leave it again.

        With ``record_every=k`` only the recorded iterates count, so the answer is a
        multiple of k (or T) and may be up to k - 1 steps late.
        """
        tol = _checks.positive_scalar("tol", tol)
        above = ~(self.error() <= tol)  # NaN counts as above
        last_above = above.shape[0] - 1 - np.argmax(above[::-1], axis=0)
        reached = np.where(above.any(axis=0), last_above + 1, 0)
        return np.where(reached <= above.shape[0] - 1, self.steps[np.minimum(reached, above.shape[0] - 1)], -1)


def align(optimizer: Optimizer, problem: Problem | Callable[[np.ndarray], np.ndarray], x0: object,
          steps: int) -> tuple[Optimizer, np.ndarray, tuple[int, ...], int]:
    """Check the inputs of a run and line them up.

    Returns the optimizer with hyperparameters aligned to the parameters, ``x0``
    broadcast to ``batch_shape + event_shape``, the event shape and the step count.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer instance such as HeavyBall(lr=0.1, momentum=0.9); "
                        f"got {optimizer!r}")
    x0 = _checks.finite_array("x0", x0)
    steps = _checks.step_count(steps)
    event_shape = tuple(problem.shape) if hasattr(problem, "shape") else x0.shape
    event_ndim = len(event_shape)
    if x0.ndim < event_ndim or x0.shape[x0.ndim - event_ndim:] != event_shape:
        raise ValueError(f"x0 must have shape {event_shape} (optionally with leading batch axes); got {x0.shape}")
    batch_shape = _checks.broadcast_shapes(
        {"x0 batch axes": x0.shape[:x0.ndim - event_ndim], "hyperparameters": optimizer.batch_shape})
    return (optimizer.with_trailing_axes(event_ndim), np.broadcast_to(x0, batch_shape + event_shape),
            event_shape, steps)


def recorded_steps(steps: int, record_every: int, shape: tuple[int, ...], bytes_per: int = 16) -> np.ndarray:
    """The step numbers a run keeps (``0, k, 2k, …`` and ``steps``), refusing a record of
    iterates of ``shape`` (``bytes_per`` bytes per number kept) that cannot fit in memory."""
    record_every = min(record_every, max(steps, 1))
    count = steps // record_every + 1 + (steps % record_every > 0)
    _checks.memory_for("steps", steps, count, int(np.prod(shape, dtype=np.int64)), bytes_per)
    return np.unique(np.r_[0:steps + 1:record_every, steps])
