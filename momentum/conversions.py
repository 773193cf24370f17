r"""Exact equivalences between the momentum conventions, and where they stop.

Every optimizer in :mod:`momentum.optimizers` that has an exact textbook equivalent
belongs to one of two families, written with the heavy-ball symbols
:math:`(\eta, \gamma)`:

* heavy ball: ``GradientDescent(η)`` = ``HeavyBall(η, 0)``; ``HeavyBall(η, γ)`` =
  ``EMAMomentum(α = η/(1−γ), β = γ)`` = ``TorchSGD(lr = η, momentum = γ, dampening = 0)``.
* Nesterov: ``Nesterov(η, γ)`` = ``EMANesterov(α = η/(1−γ), β = γ)``.

"Equal" means the parameter sequences :math:`\theta_0, \theta_1, \dots` agree exactly
(up to floating-point rounding); velocities differ by the constant factor each
convention puts on them. With :math:`\gamma = 0` both families are gradient descent.

Two things are *not* exact equivalences and :func:`convert` refuses them:
``TorchSGD`` with dampening :math:`d > 0` (its first step is not damped, so it matches
no textbook form) and ``TorchSGD(nesterov=True)``, which runs Nesterov's method on the
shifted variable :math:`\phi_t = \theta_t - \gamma v_t` (see :func:`lookahead_points`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from momentum._checks import Hyperparameter
from momentum.optimizers import (
    EMAMomentum,
    EMANesterov,
    GradientDescent,
    HeavyBall,
    Nesterov,
    Optimizer,
    TorchSGD,
)


class NotEquivalentError(ValueError):
    """Raised when two conventions do not produce the same parameter sequence."""


class Canonical(NamedTuple):
    """An optimizer reduced to its family and heavy-ball symbols (η, γ)."""

    family: str  # "heavy_ball" or "nesterov"
    lr: Hyperparameter
    momentum: Hyperparameter


def canonical(optimizer: Optimizer) -> Canonical:
    """Reduce an optimizer to ``(family, η, γ)``; raise :class:`NotEquivalentError` where
    it has no exact textbook equivalent."""
    match optimizer:
        case GradientDescent(lr=lr):
            return Canonical("heavy_ball", lr, 0.0)
        case HeavyBall(lr=lr, momentum=gamma):
            return Canonical("heavy_ball", lr, gamma)
        case Nesterov(lr=lr, momentum=gamma):
            return Canonical("nesterov", lr, gamma)
        case EMAMomentum(lr=alpha, beta=beta):
            return Canonical("heavy_ball", alpha * (1 - beta), beta)
        case EMANesterov(lr=alpha, beta=beta):
            return Canonical("nesterov", alpha * (1 - beta), beta)
        case TorchSGD(nesterov=True):
            raise NotEquivalentError(
                "TorchSGD(nesterov=True) runs Nesterov's method on the look-ahead points "
                "phi = theta - momentum * v, not on theta: compare it with "
                "lookahead_points(run(Nesterov(lr, momentum), ...)) instead")
        case TorchSGD(lr=lr, momentum=mu, dampening=d):
            if np.any(np.not_equal(d, 0) & np.not_equal(mu, 0)):
                raise NotEquivalentError(
                    "TorchSGD with dampening > 0 has no exact textbook equivalent: its first "
                    "step uses the undamped gradient (b1 = g0), so it is 1/(1 - dampening) "
                    "times the EMA form's first step")
            return Canonical("heavy_ball", lr, mu)
    raise TypeError(f"unknown optimizer {optimizer!r}")


def convert(optimizer: Optimizer, to: type[Optimizer]) -> Optimizer:
    r"""Return the optimizer of type ``to`` whose parameter sequence equals ``optimizer``'s.

    For example ``convert(EMAMomentum(lr=1.0, beta=0.9), HeavyBall)`` is
    ``HeavyBall(lr=0.1, momentum=0.9)`` (:math:`\eta = \alpha(1-\beta)`, :math:`\gamma =
    \beta`), and ``convert(HeavyBall(0.1, 0.9), EMAMomentum)`` is ``EMAMomentum(lr=1.0,
    beta=0.9)`` (:math:`\alpha = \eta/(1-\gamma)`). Array hyperparameters convert
    elementwise.

    Raises:
        NotEquivalentError: when no setting of ``to`` reproduces the trajectory exactly
            (heavy ball ↔ Nesterov with γ ≠ 0, gradient descent from γ ≠ 0, dampened or
            Nesterov ``TorchSGD``).
    """
    family, eta, gamma = canonical(optimizer)
    moving = np.any(np.not_equal(gamma, 0))
    target_family = "nesterov" if to in (Nesterov, EMANesterov) else "heavy_ball"
    if moving and (to is GradientDescent or target_family != family):
        raise NotEquivalentError(
            f"{type(optimizer).__name__} with momentum ≠ 0 is a {family.replace('_', '-')} "
            f"method; {to.__name__} does not reproduce its trajectory")
    if to is GradientDescent:
        return GradientDescent(eta)
    if to in (HeavyBall, Nesterov):
        return to(eta, gamma)
    if to in (EMAMomentum, EMANesterov):
        return to(eta / (1 - gamma), gamma)
    if to is TorchSGD:
        return TorchSGD(eta, gamma)
    raise TypeError(f"cannot convert to {to!r}")


def lookahead_points(params: np.ndarray, velocity: np.ndarray, optimizer: Nesterov | EMANesterov) -> np.ndarray:
    r"""The points where Nesterov's method evaluates the gradient.

    For :class:`Nesterov`, :math:`\phi_t = \theta_t - \gamma v_t`; for
    :class:`EMANesterov`, :math:`\phi_t = \theta_t - \alpha\beta v_t`. These are exactly
    the parameters that ``TorchSGD(lr=η, momentum=γ, nesterov=True)`` (PyTorch's
    Sutskever-style reformulation) holds, and its momentum buffer is :math:`v_t/\eta`.

    Derivation: with :math:`\phi_t = \theta_t - \gamma v_t`, :math:`\phi_{t+1} = \phi_t -
    (1+\gamma) v_{t+1} + \gamma v_t = \phi_t - \eta g_t - \gamma^2 v_t - \gamma\eta g_t`,
    and with :math:`b = v/\eta` that is PyTorch's :math:`\phi_t - \eta(g_t + \gamma
    b_{t+1})`, :math:`b_{t+1} = \gamma b_t + g_t`.

    ``params`` and ``velocity`` may carry leading axes (time, batch); an optimizer with
    array hyperparameters must already be aligned with them (as
    ``Trajectory.optimizer`` is).
    """
    match optimizer:
        case Nesterov(momentum=gamma):
            return params - gamma * velocity
        case EMANesterov(lr=alpha, beta=beta):
            return params - alpha * beta * velocity
    raise TypeError(f"lookahead_points needs a Nesterov or EMANesterov optimizer; got {optimizer!r}")
