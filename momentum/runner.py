r"""Running an optimizer: :func:`run`.

Batches. ``HeavyBall(lr=etas[:, None], momentum=gammas[None, :])`` runs the whole
``len(etas) × len(gammas)`` grid in one vectorised loop (see :mod:`momentum.trajectory`
for how shapes line up), and gives the numbers of running each setting alone up to
rounding: every operation is elementwise along the batch axes except the problem's
gradient, whose BLAS call (gemm for a stack, gemv for one point) OpenBLAS's FMA kernels
round differently, so iterates may differ by a few ε of their scale (at most 10 ε
measured under six OpenBLAS kernels; ``tests/test_batching.py`` asserts ≤ 32 ε).

Schedules. ``schedule`` maps the step number to hyperparameters for that step, for
example ``lambda k: {"momentum": k / (k + 3)}`` (Nesterov's momentum for convex
problems) or a learning-rate drop; every scheduled value is validated like a
constructor argument. ``restart`` resets the velocity (and the step number the schedule
sees) when the run starts to go uphill (O'Donoghue and Candès, "Adaptive restart for
accelerated gradient schemes", Found. Comput. Math. 15, 2015).

Divergence. After every step the run checks that the gradient was finite and that no
parameter exceeded ``divergence_threshold`` in absolute value. With
``on_divergence="raise"`` (the default) the first failure raises
:class:`DivergenceError` naming the step; with ``"mark"`` the failing settings are set to
NaN from that step on and their step is recorded in ``Trajectory.diverged_at``, which a
stability map over a grid needs. Either way NumPy never prints overflow warnings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np

from momentum import _checks
from momentum.optimizers import Optimizer
from momentum.problems import Problem
from momentum.progress import progress as show_progress
from momentum.trajectory import DIVERGENCE_THRESHOLD, Trajectory, align, recorded_steps

Schedule = Callable[[int | np.ndarray], Mapping[str, object]]


class DivergenceError(ArithmeticError):
    """A run produced a non-finite gradient or parameters beyond the divergence threshold."""

    def __init__(self, message: str, step: int) -> None:
        super().__init__(message)
        self.step = step


def run(optimizer: Optimizer, problem: Problem | Callable[[np.ndarray], np.ndarray], x0: object,
        steps: int, *, on_divergence: Literal["raise", "mark"] = "raise",
        divergence_threshold: float = DIVERGENCE_THRESHOLD, record_every: int = 1, progress: bool = False,
        schedule: Schedule | None = None, restart: Literal["function", "gradient"] | None = None) -> Trajectory:
    """Run ``optimizer`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: any optimizer from :mod:`momentum.optimizers` (an instance); array
            hyperparameters run as a batch (see the module docstring).
        problem: a problem from :mod:`momentum.problems` (gives losses and the
            minimiser), or just a gradient function ``x -> ∇J(x)``.
        x0: starting point, of the problem's shape, or with leading batch axes that
            broadcast against the optimizer's hyperparameters.
        steps: number of steps T ≥ 0.
        on_divergence: ``"raise"`` or ``"mark"`` (see the module docstring).
        divergence_threshold: a parameter whose absolute value exceeds this (a number
            > 0; ``inf`` leaves only non-finite values) counts as diverged, checked
            before it can overflow the next gradient.
        record_every: keep only :math:`\\theta_0, \\theta_k, \\theta_{2k}, \\dots` and
            :math:`\\theta_T` (and their velocities and losses): a sweep over a large grid
            that needs only where each run ends then takes memory for a few iterates,
            not for ``T + 1``. Every step is still taken and checked for divergence.
        progress: draw a progress bar on standard error (for long runs).
        schedule: ``k -> {name: value}``, hyperparameters that replace the optimizer's
            for step ``k = 0, 1, …`` (the steps since the last restart, an integer array
            of the batch shape, when ``restart`` is set). Values may be arrays of the
            batch shape.
        restart: ``"function"`` resets the velocity wherever the loss went up in a
            step (needs a problem with a loss), ``"gradient"`` wherever the step moved
            uphill along the gradient it used, :math:`g_t^\\top(\\theta_{t+1} - \\theta_t) > 0`.

    Returns:
        A :class:`~momentum.trajectory.Trajectory` with ``T + 1`` iterates, or the
        recorded ones.
    """
    if on_divergence not in ("raise", "mark"):
        raise ValueError(f"on_divergence must be 'raise' or 'mark'; got {on_divergence!r}")
    if restart not in (None, "function", "gradient"):
        raise ValueError(f"restart must be None, 'function' or 'gradient'; got {restart!r}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function of the step number; got {schedule!r}")
    _checks.instance("problem", problem, "Parabola()")
    if hasattr(problem, "grad"):
        grad_fn, loss_fn, minimizer = problem.grad, getattr(problem, "loss", None), getattr(problem, "minimizer", None)
    elif callable(problem):
        grad_fn, loss_fn, minimizer = problem, None, None
    else:
        raise TypeError(f"problem must be a problem (with .grad and .loss) or a gradient function; got {problem!r}")
    if restart == "function" and loss_fn is None:
        raise ValueError("restart='function' needs a problem with a loss, not just a gradient function")
    threshold = _checks.positive_scalar("divergence_threshold", divergence_threshold, allow_inf=True)
    base = optimizer
    optimizer, x0, event_shape, steps = align(optimizer, problem, x0, steps)
    aligned = optimizer
    record_every = _checks.step_count(record_every, "record_every", minimum=1)
    shape, event_ndim = x0.shape, len(event_shape)
    batch_shape = shape[:len(shape) - event_ndim]
    event_axes = tuple(range(len(batch_shape), len(shape)))
    recorded = recorded_steps(steps, record_every, shape)

    params = np.empty((recorded.size, *shape))
    velocity = np.empty_like(params)
    diverged_at = np.full(batch_shape, -1)
    state = optimizer.init(x0)
    params[0], velocity[0] = state.params, state.velocity
    since_restart = np.zeros(batch_shape, dtype=int)
    used = {}

    def tracked_grad(x: np.ndarray) -> np.ndarray:  # keeps the gradient a restart test needs
        used["grad"] = grad_fn(x)
        return used["grad"]

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in show_progress(range(steps), "run", steps) if progress else range(steps):
            before = state
            if schedule is not None:
                optimizer = _scheduled(base, schedule, since_restart if restart else t, batch_shape, event_ndim, t)
            state = optimizer._step(state, tracked_grad if restart == "gradient" else grad_fn)
            # A setting fails when its new iterate or velocity is non-finite (a NaN/inf
            # gradient leads there) or its iterate is beyond the threshold.
            bad = (~np.isfinite(state.params) | ~np.isfinite(state.velocity)
                   | (np.abs(state.params) > threshold))
            bad = bad.any(axis=event_axes) & (diverged_at < 0)
            if bad.any():
                if on_divergence == "raise":
                    raise DivergenceError(_divergence_message(before.params, state.params, bad, t), step=t + 1)
                diverged_at[bad] = t + 1
                state = state._replace(params=np.where(_expand(bad, event_ndim), np.nan, state.params),
                                       velocity=np.where(_expand(bad, event_ndim), np.nan, state.velocity))
            if restart:
                uphill = (loss_fn(state.params) > loss_fn(before.params) if restart == "function" else
                          np.sum(used["grad"] * (state.params - before.params), axis=event_axes) > 0)
                state = state._replace(velocity=np.where(_expand(uphill, event_ndim), 0.0, state.velocity))
                since_restart = np.where(uphill, 0, since_restart + 1)
            if (t + 1) % record_every == 0 or t + 1 == steps:
                index = (t + 1) // record_every + ((t + 1) % record_every > 0)
                params[index], velocity[index] = state.params, state.velocity
        loss = None if loss_fn is None else np.asarray(loss_fn(params), dtype=np.float64)

    return Trajectory(params, velocity, loss, diverged_at, aligned,
                      None if minimizer is None else np.asarray(minimizer), recorded)


def _scheduled(base: Optimizer, schedule: Schedule, k: int | np.ndarray, batch_shape: tuple[int, ...],
               event_ndim: int, t: int) -> Optimizer:
    """The optimizer for step ``t``: ``base`` with the scheduled hyperparameters."""
    values = schedule(k)
    if not isinstance(values, Mapping):
        raise TypeError(f"schedule must return a mapping of hyperparameter names to values; got {values!r}")
    names = [field.name for field in dataclasses.fields(base)]
    if unknown := set(values) - set(names):
        raise TypeError(f"schedule returned {sorted(unknown)}, which {type(base).__name__} does not have "
                        f"(its hyperparameters: {', '.join(names)})")
    try:
        optimizer = dataclasses.replace(base, **values)
    except (TypeError, ValueError) as error:
        raise type(error)(f"schedule at step {t}: {error}") from None
    try:
        fits = _checks.broadcast_shapes({"run batch": batch_shape, "scheduled": optimizer.batch_shape}) == batch_shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"schedule at step {t}: hyperparameters of batch shape {optimizer.batch_shape} do not fit "
                         f"the run's batch shape {batch_shape}")
    return optimizer.with_trailing_axes(event_ndim)


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
