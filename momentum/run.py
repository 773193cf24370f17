r"""Running an optimizer: :func:`run` and the :class:`Trajectory` it returns.

Batches. Parameters have shape ``batch_shape + event_shape``: ``event_shape`` is the
problem's own (``problem.shape``), and ``batch_shape`` broadcasts the optimizer's array
hyperparameters with any leading axes of ``x0``. ``HeavyBall(lr=etas[:, None],
momentum=gammas[None, :])`` therefore runs the whole ``len(etas) × len(gammas)`` grid in
one vectorised loop, and gives the same numbers as running each setting alone (every
operation is elementwise along the batch axes).

Divergence. After every step the run checks that the gradient was finite and that no
parameter exceeded ``divergence_threshold`` in absolute value. With
``on_divergence="raise"`` (the default) the first failure raises
:class:`DivergenceError` naming the step; with ``"mark"`` the failing settings are set to
NaN from that step on and their step is recorded in ``Trajectory.diverged_at``, which a
stability map over a grid needs. Either way NumPy never prints overflow warnings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal

import numpy as np

from momentum import _checks
from momentum.optimizers import Optimizer
from momentum.problems import Problem
from momentum.progress import progress as show_progress


class DivergenceError(ArithmeticError):
    """A run produced a non-finite gradient or parameters beyond the divergence threshold."""

    def __init__(self, message: str, step: int) -> None:
        super().__init__(message)
        self.step = step


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


def run(optimizer: Optimizer, problem: Problem | Callable[[np.ndarray], np.ndarray], x0: object,
        steps: int, *, on_divergence: Literal["raise", "mark"] = "raise",
        divergence_threshold: float = 1e50, record_every: int = 1, progress: bool = False) -> Trajectory:
    """Run ``optimizer`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: any optimizer from :mod:`momentum.optimizers`; array hyperparameters
            run as a batch (see the module docstring).
        problem: a problem from :mod:`momentum.problems` (gives losses and the
            minimiser), or just a gradient function ``x -> ∇J(x)``.
        x0: starting point, of the problem's shape, or with leading batch axes that
            broadcast against the optimizer's hyperparameters.
        steps: number of steps T ≥ 0.
        on_divergence: ``"raise"`` or ``"mark"`` (see the module docstring).
        divergence_threshold: a parameter whose absolute value exceeds this counts as
            diverged (checked before it can overflow the next gradient).
        record_every: keep only :math:`\\theta_0, \\theta_k, \\theta_{2k}, \\dots` and
            :math:`\\theta_T` (and their velocities and losses): a sweep over a large grid
            that needs only where each run ends then takes memory for a few iterates,
            not for ``T + 1``. Every step is still taken and checked for divergence.
        progress: draw a progress bar on standard error (for long runs).

    Returns:
        A :class:`Trajectory` with ``T + 1`` iterates, or the recorded ones.
    """
    if on_divergence not in ("raise", "mark"):
        raise ValueError(f"on_divergence must be 'raise' or 'mark'; got {on_divergence!r}")
    if hasattr(problem, "grad"):
        grad_fn, loss_fn, minimizer = problem.grad, problem.loss, problem.minimizer
    elif callable(problem):
        grad_fn, loss_fn, minimizer = problem, None, None
    else:
        raise TypeError(f"expected a problem (with .grad and .loss) or a gradient function; got {problem!r}")
    optimizer, x0, event_shape, steps = align(optimizer, problem, x0, steps)
    record_every = _checks.step_count(record_every, "record_every", minimum=1)
    recorded = np.unique(np.r_[0:steps + 1:record_every, steps])
    shape, event_ndim = x0.shape, len(event_shape)
    batch_shape = shape[:len(shape) - event_ndim]
    event_axes = tuple(range(len(batch_shape), len(shape)))

    params = np.empty((recorded.size, *shape))
    velocity = np.empty_like(params)
    diverged_at = np.full(batch_shape, -1)
    state = optimizer.init(x0)
    params[0], velocity[0] = state.params, state.velocity

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in show_progress(range(steps), "run", steps) if progress else range(steps):
            before = state.params
            state = optimizer.step(state, grad_fn)  # checks the gradient's shape
            # A setting fails when its new iterate or velocity is non-finite (a NaN/inf
            # gradient leads there) or its iterate is beyond the threshold.
            bad = (~np.isfinite(state.params) | ~np.isfinite(state.velocity)
                   | (np.abs(state.params) > divergence_threshold))
            bad = bad.any(axis=event_axes) & (diverged_at < 0)
            if bad.any():
                if on_divergence == "raise":
                    raise DivergenceError(_divergence_message(before, state.params, bad, t), step=t + 1)
                diverged_at[bad] = t + 1
                state = state._replace(params=np.where(_expand(bad, event_ndim), np.nan, state.params),
                                       velocity=np.where(_expand(bad, event_ndim), np.nan, state.velocity))
            if (t + 1) % record_every == 0 or t + 1 == steps:
                index = (t + 1) // record_every + ((t + 1) % record_every > 0)
                params[index], velocity[index] = state.params, state.velocity
        loss = None if loss_fn is None else np.asarray(loss_fn(params), dtype=np.float64)

    return Trajectory(params, velocity, loss, diverged_at, optimizer,
                      None if minimizer is None else np.asarray(minimizer), recorded)


def _expand(mask: np.ndarray, ndim: int) -> np.ndarray:
    return mask.reshape(mask.shape + (1,) * ndim)


def _divergence_message(before: np.ndarray, after: np.ndarray, bad: np.ndarray, t: int) -> str:
    where = "" if bad.ndim == 0 else f" for the setting at batch index {tuple(int(i) for i in np.argwhere(bad)[0])}"
    if bad.ndim:
        index = tuple(np.argwhere(bad)[0])
        before, after = before[index], after[index]
    if np.all(np.isfinite(after)):
        return (f"the run diverged at step {t + 1}{where}: parameters grew beyond the divergence threshold "
                f"(max |theta| = {np.max(np.abs(after)):.3g}); lower the learning rate or the momentum")
    return (f"the run produced NaN or infinity at step {t + 1}{where}: the gradient at step {t} "
            f"(max |theta| = {np.max(np.abs(before)):.3g}) was not finite, or the update overflowed")
