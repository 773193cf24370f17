r"""Exact theory of momentum on quadratics.

On :math:`J(x) = \tfrac12 (x - x^*)^\top A (x - x^*)` write :math:`x - x^* = Q z` with
:math:`A = Q\,\mathrm{diag}(\lambda)\,Q^\top`. Every coordinate :math:`z` of the heavy ball
then follows its own second-order recurrence (eliminate :math:`v_t = \theta_{t-1} -
\theta_t`):

.. math::
    z_{t+1} = (1 + \gamma - \eta\lambda)\, z_t - \gamma\, z_{t-1}
    \quad\Longleftrightarrow\quad
    \begin{pmatrix} z_{t+1} \\ z_t \end{pmatrix} =
    \underbrace{\begin{pmatrix} 1 + \gamma - \eta\lambda & -\gamma \\ 1 & 0 \end{pmatrix}}_{M}
    \begin{pmatrix} z_t \\ z_{t-1} \end{pmatrix},

and Nesterov's look-ahead form gives :math:`z_{t+1} = (1+\gamma)(1-\eta\lambda) z_t -
\gamma(1-\eta\lambda) z_{t-1}`. Both start with :math:`z_{-1} = z_0` (zero velocity).
The roots of :math:`r^2 - a r + c = 0` (:math:`a` the trace and :math:`c` the
determinant of :math:`M`) decide everything: the iterates contract per step by the
spectral radius :math:`\max |r|`.

References: Polyak (1964); Goh, "Why Momentum Really Works", Distill 2017; Lessard,
Recht and Packard, "Analysis and design of optimization algorithms via integral
quadratic constraints", SIAM J. Optim. 26(1), 2016.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from momentum import _checks
from momentum.conversions import canonical
from momentum.optimizers import HeavyBall, Nesterov, Optimizer
from momentum.problems import Parabola, Quadratic
from momentum.trajectory import DIVERGENCE_THRESHOLD, Trajectory, align, recorded_steps

ArrayLike = float | np.ndarray


def _quiet(function):
    """Evaluate without NumPy floating-point warnings: extreme but valid inputs give inf (an
    unbounded rate, a divergent regime) instead of a warning; invalid inputs are refused by
    the checks first."""
    @functools.wraps(function)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return function(*args, **kwargs)

    return quiet


def _settings(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool = False, *,
              curvature: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``(η, γ, λ)`` as float arrays: η > 0, γ ∈ [0, 1), all finite; λ ≥ 0 when it must be
    a curvature of a convex quadratic (``curvature``), any finite number otherwise (a negative
    eigenvalue is a direction of negative curvature, as at a saddle point)."""
    if not isinstance(nesterov, bool | np.bool_):
        raise TypeError(f"nesterov must be True or False; got {nesterov!r}")
    lam = (_checks.positive("eigenvalue", eigenvalue, allow_zero=True) if curvature
           else _checks.finite_array("eigenvalue", eigenvalue))
    lr = _checks.positive("lr", lr)
    momentum = _checks.in_range("momentum", momentum, 0.0, 1.0, low_open=False, high_open=True)
    _checks.broadcast_shapes({"lr": lr.shape, "momentum": momentum.shape, "eigenvalue": lam.shape})
    return lr, momentum, lam


def _trace_det(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool):
    h = np.multiply(lr, eigenvalue)
    if nesterov:
        return (1 + momentum) * (1 - h), momentum * (1 - h)
    return 1 + momentum - h, momentum * np.ones_like(h)


@_quiet
def iteration_matrix(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool = False) -> np.ndarray:
    r"""The 2×2 matrix :math:`M` acting on :math:`(z_t, z_{t-1})` (see the module docstring),
    shape ``(..., 2, 2)`` over the broadcast inputs."""
    lr, momentum, eigenvalue = _settings(lr, momentum, eigenvalue, nesterov)
    a, c = _trace_det(lr, momentum, eigenvalue, nesterov)
    a, c = np.broadcast_arrays(a, c)
    return np.stack([np.stack([a, -c], -1), np.stack([np.ones_like(a), np.zeros_like(a)], -1)], -2)


@_quiet
def characteristic_roots(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike,
                         nesterov: bool = False) -> tuple[np.ndarray, np.ndarray]:
    r"""Roots :math:`r_1, r_2` of :math:`r^2 - a r + c = 0` with :math:`|r_1| \ge |r_2|`.

    For the heavy ball :math:`a = 1 + \gamma - \eta\lambda`, :math:`c = \gamma`. The roots
    are complex (an oscillating, "underdamped" iterate) exactly when
    :math:`(1-\sqrt\gamma)^2 < \eta\lambda < (1+\sqrt\gamma)^2`, and then :math:`|r_1| =
    |r_2| = \sqrt\gamma` whatever η is. The small root is computed as :math:`c/r_1` to
    avoid cancellation. Where :math:`\\lambda = 0` the roots are exactly 1 and γ (that
    direction does not converge), whatever rounding the formula would give.
    """
    lr, momentum, eigenvalue = _settings(lr, momentum, eigenvalue, nesterov)
    a, c = _trace_det(lr, momentum, eigenvalue, nesterov)
    s = np.sqrt(np.asarray(a * a - 4 * c, dtype=complex))
    r1 = 0.5 * (a + np.where(np.real(a) >= 0, 1, -1) * s)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(r1 != 0, c / np.where(r1 != 0, r1, 1), 0)
    flat = np.multiply(lr, eigenvalue) == 0
    huge = ~np.isfinite(a * a)  # a² overflows: the roots are a and c/a to working precision
    r1 = np.where(flat, 1.0, np.where(huge, a, r1))
    r2 = np.where(flat, c, np.where(huge, c / np.where(huge, a, 1.0), r2))
    return np.asarray(r1)[()], np.asarray(r2)[()]  # scalars for scalar input


@_quiet
def spectral_radius(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool = False) -> np.ndarray:
    r""":math:`\rho = \max(|r_1|, |r_2|)`: the factor by which the error in the eigen-direction
    of ``eigenvalue`` shrinks per step (asymptotically). The run converges iff ρ < 1."""
    return np.abs(characteristic_roots(lr, momentum, eigenvalue, nesterov)[0])


@_quiet
def convergence_rate(optimizer: Optimizer, eigenvalues: np.ndarray) -> np.ndarray:
    """The worst spectral radius over ``eigenvalues`` for ``optimizer`` (any convention
    with an exact heavy-ball or Nesterov equivalent); shape ``optimizer.batch_shape``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer instance; got {optimizer!r}")
    eigenvalues = _checks.finite_array("eigenvalues", eigenvalues)
    if eigenvalues.ndim != 1 or eigenvalues.size == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array; got shape {eigenvalues.shape}")
    family, lr, gamma = canonical(optimizer)
    lr, gamma = (np.expand_dims(h, -1) for h in (lr, gamma))
    return spectral_radius(lr, gamma, eigenvalues, family == "nesterov").max(axis=-1)


REGIMES = ("over-damped", "critically damped", "under-damped", "divergent")


@_quiet
def regime(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool = False) -> np.ndarray:
    r"""The character of the motion along one eigen-direction, as a string (array):

    * ``"divergent"`` where the spectral radius is at least 1 (no convergence);
    * ``"under-damped"`` where the roots are complex (the error oscillates in an envelope);
    * ``"critically damped"`` where they coincide: the discriminant :math:`a^2 - 4c` is zero to
      within rounding, :math:`|a^2 - 4c| \le 10^{-12} \max(a^2, 4|c|)`;
    * ``"over-damped"`` where they are real and distinct. (For :math:`\eta\lambda > 1` the
      real roots are negative and the error changes sign every step.)
    """
    lr, momentum, eigenvalue = _settings(lr, momentum, eigenvalue, nesterov)
    a, c = _trace_det(lr, momentum, eigenvalue, nesterov)
    discriminant = a * a - 4 * c
    critical = np.abs(discriminant) <= 1e-12 * np.maximum(a * a, 4 * np.abs(c))
    names = np.where(critical, REGIMES[1], np.where(discriminant < 0, REGIMES[2], REGIMES[0]))
    return np.where(spectral_radius(lr, momentum, eigenvalue, nesterov) >= 1, REGIMES[3], names)[()]


@_quiet
def max_stable_lr(momentum: ArrayLike, eigenvalue: ArrayLike, nesterov: bool = False) -> np.ndarray:
    r"""The largest stable learning rate (exclusive) for momentum γ ∈ [0, 1).

    Heavy ball: :math:`\eta\lambda < 2(1+\gamma)`. Nesterov: :math:`\eta\lambda <
    (2+2\gamma)/(1+2\gamma)`. Both follow from the Jury conditions for
    :math:`r^2 - ar + c`: :math:`|c| < 1`, :math:`1 - a + c > 0`, :math:`1 + a + c > 0`.
    """
    _, gamma, lam = _settings(1.0, momentum, eigenvalue, nesterov, curvature=True)
    if np.any(lam == 0):
        raise ValueError("eigenvalue must be > 0 (a flat direction allows any learning rate); got 0")
    bound = (2 + 2 * gamma) / (1 + 2 * gamma) if nesterov else 2 * (1 + gamma)
    return bound / lam


@_quiet
def critical_momentum(lr: ArrayLike, eigenvalue: ArrayLike) -> np.ndarray:
    r"""Heavy-ball momentum that critically damps the eigen-direction: :math:`\gamma =
    (1 - \sqrt{\eta\lambda})^2` (the double root :math:`r = 1 - \sqrt{\eta\lambda}` for
    :math:`\eta\lambda \le 1`). Smaller γ overdamps (two real roots), larger γ
    underdamps (complex roots of modulus √γ)."""
    lr, _, eigenvalue = _settings(lr, 0.0, eigenvalue, curvature=True)
    h = np.multiply(lr, eigenvalue)
    bad = ~((h > 0) & (h < 4))
    if bad.any():
        raise ValueError("critical damping needs 0 < lr * eigenvalue < 4 (otherwise (1 - sqrt(lr * eigenvalue))^2 "
                         f"is no momentum in [0, 1)); got lr * eigenvalue = {np.broadcast_to(h, bad.shape)[bad][0]:g}")
    return (1 - np.sqrt(h)) ** 2


class Tuning(NamedTuple):
    """Hyperparameters that minimise the worst-case rate over eigenvalues in [μ, L]."""

    lr: float
    momentum: float
    rate: float


def _kappa(mu: float, L: float) -> float:
    mu, L = _checks.scalar("mu", _checks.real_array("mu", mu)), _checks.scalar("L", _checks.real_array("L", L))
    if not (0 < mu <= L < np.inf) or not np.isfinite(L / mu):
        raise ValueError(f"need 0 < mu <= L < inf with a finite condition number L/mu; got mu={mu!r}, L={L!r}")
    return L / mu


@_quiet
def tune_gradient_descent(mu: float, L: float) -> Tuning:
    r""":math:`\eta = 2/(\mu + L)`, rate :math:`(\kappa-1)/(\kappa+1)`."""
    kappa = _kappa(mu, L)
    return Tuning(float(2 / (mu + L)), 0.0, float((kappa - 1) / (kappa + 1)))


@_quiet
def tune_heavy_ball(mu: float, L: float) -> Tuning:
    r"""Polyak's tuning :math:`\eta^* = 4/(\sqrt L + \sqrt\mu)^2`,
    :math:`\gamma^* = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2`, rate
    :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`. Both μ and L then sit on the edge of the
    complex region, where :math:`|r| = \sqrt{\gamma^*}`."""
    kappa = _kappa(mu, L)
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    return Tuning(float(4 / (np.sqrt(L) + np.sqrt(mu)) ** 2), float(rate**2), float(rate))


@_quiet
def tune_nesterov(mu: float, L: float) -> Tuning:
    r"""Optimal Nesterov tuning on quadratics (Lessard, Recht, Packard 2016):
    :math:`\eta = 4/(3L + \mu)`, :math:`\gamma = (\sqrt{3\kappa+1} - 2)/(\sqrt{3\kappa+1} + 2)`,
    rate :math:`1 - 2/\sqrt{3\kappa + 1}`."""
    kappa = _kappa(mu, L)
    root = np.sqrt(3 * kappa + 1)
    return Tuning(float(4 / (3 * L + mu)), float((root - 2) / (root + 2)), float(1 - 2 / root))


def _lucas_u(n: np.ndarray, r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
    r""":math:`U_n = \sum_{k=0}^{n} r_1^{n-k} r_2^k = r_1^n (1 - q^{n+1})/(1 - q)`,
    :math:`q = r_2/r_1`, for :math:`n \ge -1` (:math:`U_{-1} = 0`).

    Written with ``expm1`` so that it stays accurate when the roots (nearly) coincide,
    where the textbook :math:`(r_1^{n+1} - r_2^{n+1})/(r_1 - r_2)` loses all digits.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = np.where(r1 != 0, r2 / np.where(r1 != 0, r1, 1), 0)
        log_q = np.log(np.where(q != 0, q, 1))
        ratio = np.where(log_q == 0, n + 1, np.expm1((n + 1) * log_q) / np.where(log_q == 0, 1, np.expm1(log_q)))
        ratio = np.where(q == 0, 1, ratio)  # r2 = 0: U_n = r1^n
        u = np.where(n < 0, 0, np.power(r1, np.maximum(n, 0)) * ratio)
    return np.real(u)


@_quiet
def closed_form(optimizer: Optimizer, problem: Quadratic | Parabola, x0: object, steps: int) -> Trajectory:
    r"""The exact trajectory of a momentum method on a quadratic, from the characteristic roots.

    In each eigen-direction (see the module docstring), with :math:`z_{-1} = z_0`,

    .. math:: z_t = z_0 \,\big(U_t - c\, U_{t-1}\big), \qquad
              U_n = \sum_{k=0}^{n} r_1^{\,n-k} r_2^{\,k}
              = \frac{r_1^{n+1} - r_2^{n+1}}{r_1 - r_2},

    which satisfies the recurrence because :math:`U_n` does and matches :math:`z_0` and
    :math:`z_{-1}` (:math:`U_0 = 1`, :math:`U_{-1} = 0`, :math:`U_{-2} = -1/c`).

    ``optimizer`` is reduced to its exact heavy-ball or Nesterov equivalent
    (:func:`momentum.conversions.canonical`); the returned trajectory is that
    equivalent's, so its velocity is :math:`v_t = \theta_{t-1} - \theta_t`. No run is
    simulated: this is the check on :func:`momentum.run`.
    """
    if not isinstance(problem, Quadratic | Parabola):
        raise TypeError(f"problem must be a Quadratic or a Parabola (closed forms exist only for quadratics); "
                        f"got {problem!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer instance; got {optimizer!r}")
    family, lr, gamma = canonical(optimizer)
    equivalent = (Nesterov if family == "nesterov" else HeavyBall)(lr, gamma)
    equivalent, x0, event_shape, steps = align(equivalent, problem, x0, steps)
    lam, Q, x_star = problem.eigenvalues, problem.eigenvectors, np.asarray(problem.minimizer)
    vector = event_shape != ()  # a Parabola is a 1-D problem without the axis
    batch_ndim = x0.ndim - len(event_shape)
    lr_e, gamma_e = equivalent.lr, equivalent.momentum
    if not vector:
        lr_e, gamma_e = np.expand_dims(lr_e, -1), np.expand_dims(gamma_e, -1)
    _, c = _trace_det(lr_e, gamma_e, lam, family == "nesterov")
    r1, r2 = characteristic_roots(lr_e, gamma_e, lam, family == "nesterov")
    recorded_steps(steps, 1, x0.shape + lam.shape, bytes_per=96)  # complex temporaries per eigen-direction
    # Axes: time, the batch axes, the eigen-directions.
    t = np.arange(steps + 1).reshape((-1,) + (1,) * (batch_ndim + 1))
    z0 = (x0 - x_star) if vector else (x0 - x_star)[..., None]
    z = (z0 @ Q) * (_lucas_u(t, r1, r2) - c * _lucas_u(t - 1, r1, r2))
    params = z @ Q.T + x_star if vector else z[..., 0] + x_star
    # Unstable settings are marked as run(on_divergence="mark") marks them: NaN from the
    # first iterate that is not finite or beyond the divergence threshold.
    event_axes = tuple(range(1 + batch_ndim, params.ndim))
    bad = (~np.isfinite(params) | (np.abs(params) > DIVERGENCE_THRESHOLD)).any(axis=event_axes)
    diverged_at = np.where(bad.any(axis=0), np.argmax(bad, axis=0), -1)
    later = np.cumsum(bad, axis=0) > 0
    params = np.where(later.reshape(later.shape + (1,) * len(event_axes)), np.nan, params)
    velocity = np.concatenate([np.zeros_like(params[:1]), params[:-1] - params[1:]])
    return Trajectory(params, velocity, problem.loss(params), diverged_at, equivalent, x_star)


@_quiet
def heavy_ball_ode(damping: float, eigenvalue: float, x0: float, times: np.ndarray) -> np.ndarray:
    r"""Exact solution of the heavy-ball ODE :math:`\ddot\theta + a\dot\theta + \lambda\theta = 0`
    with :math:`\theta(0) = x_0`, :math:`\dot\theta(0) = 0`.

    With roots :math:`s_{1,2} = -a/2 \pm d`, :math:`d = \sqrt{a^2/4 - \lambda}` (complex
    when underdamped), :math:`\theta(t) = x_0\,(s_1 e^{s_2 t} - s_2 e^{s_1 t})/(s_1 - s_2)
    = x_0 e^{-at/2}\big(\cosh dt + \tfrac{a}{2}\,\sinh(dt)/d\big)`. The second form is
    evaluated, with :math:`\sinh(dt)/d = t\,\mathrm{sinc}(i\,dt/\pi)`, so it stays exact at
    and near critical damping (:math:`d \to 0` gives :math:`x_0 e^{-at/2}(1 + at/2)`).

    The heavy ball with :math:`\eta = h^2` and :math:`\gamma = 1 - ah` is the explicit
    discretisation :math:`(\theta_{t+1} - 2\theta_t + \theta_{t-1})/h^2 + a(\theta_t -
    \theta_{t-1})/h + \lambda\theta_t = 0` of this ODE with time step :math:`h`.
    """
    a = _checks.positive_scalar("damping", damping, allow_zero=True)
    lam = _checks.positive_scalar("eigenvalue", eigenvalue)
    x0 = _checks.finite_scalar("x0", x0)
    t = _checks.positive("times", times, allow_zero=True)
    # d and a/(2d) without overflow or 0/0, for any damping (a² may overflow, 4λ/a² underflow).
    if a > 0 and 4 * (lam / a) / a < 1:  # over-damped: d real, 0 < d < a/2
        root = np.sqrt(1 - 4 * (lam / a) / a)
        d, a_over_2d = complex(0.5 * a * root), 1 / root
    else:  # critically or under-damped: d = i sqrt(λ − a²/4)
        d = 1j * np.sqrt(lam) * np.sqrt(max(1 - (a / 2) * (a / 2) / lam, 0.0))
        a_over_2d = 0.5 * a / d if d != 0 else np.inf
    # e^{-at/2} cosh(dt) = (g + e)/2 and e^{-at/2} sinh(dt) = (g − e)/2 with g = e^{s₁t}, e = e^{s₂t},
    # s₁ = d − a/2 = −λ/(a/2 + d) (no cancellation when d ≈ a/2), s₂ = −(a/2 + d): neither overflows.
    g, e = np.exp(-lam / (0.5 * a + d) * t), np.exp(-(0.5 * a + d) * t)
    dt = d * t
    small = np.abs(dt) <= 1
    # Near d t = 0 use sinh(dt)/(dt) by its series or its value: (a/2) e^{-at/2} t sinh(dt)/(dt).
    sinhc = np.where(np.abs(dt) < 1e-4, 1 + dt * dt / 6, np.sinh(np.where(small, dt, 0)) / np.where(dt != 0, dt, 1))
    near = 0.5 * a * np.exp(-0.5 * a * t) * t * sinhc
    far = (a_over_2d if np.isfinite(a_over_2d) else 0) * 0.5 * (g - e)
    theta = x0 * (0.5 * (g + e) + np.where(small, near, far))
    return np.real(theta)[()]


@_quiet
def stationary_variance(lr: ArrayLike, momentum: ArrayLike, eigenvalue: ArrayLike, noise_std: ArrayLike) -> np.ndarray:
    r"""Long-run variance of the heavy ball's iterate along one eigen-direction when every
    gradient carries independent noise of standard deviation :math:`\sigma`.

    The error :math:`y` obeys :math:`y_{t+1} = a\,y_t - \gamma\,y_{t-1} - \eta\,\sigma\xi_t`
    with :math:`a = 1 + \gamma - \eta\lambda`. In the stationary state the lag-one
    covariance is :math:`c_1 = a\,c_0/(1+\gamma)` (Yule–Walker), and the variance
    :math:`c_0 = a^2c_0 + \gamma^2c_0 - 2a\gamma c_1 + \eta^2\sigma^2` simplifies to

    .. math::
        \mathrm{Var}(y) = \frac{\eta\sigma^2(1+\gamma)}{\lambda(1-\gamma)(2(1+\gamma) - \eta\lambda)} .

    At a fixed learning rate it grows like :math:`1/(1-\gamma)`; at a fixed effective
    step :math:`\eta/(1-\gamma)` it barely depends on :math:`\gamma`. Only meaningful
    inside the stability region (see :func:`max_stable_lr`); outside it there is no
    stationary state and a :class:`ValueError` says so.
    """
    eta, gamma, lam = _settings(lr, momentum, eigenvalue, curvature=True)
    noise_std = _checks.positive("noise_std", noise_std, allow_zero=True)
    _checks.broadcast_shapes({"lr": eta.shape, "momentum": gamma.shape, "eigenvalue": lam.shape,
                              "noise_std": noise_std.shape})
    if np.any(lam == 0):
        raise ValueError("eigenvalue must be > 0: along a flat direction the noise accumulates without bound")
    unstable = np.broadcast_to(eta * lam >= 2 * (1 + gamma), np.broadcast_shapes(eta.shape, gamma.shape, lam.shape))
    if unstable.any():
        raise ValueError("no stationary variance outside the stable region eta * eigenvalue < 2 (1 + momentum): "
                         f"{_first_unstable(eta, gamma, lam, unstable)}")
    return eta * np.square(noise_std) * (1 + gamma) / (lam * (1 - gamma) * (2 * (1 + gamma) - eta * lam))


def _first_unstable(eta: np.ndarray, gamma: np.ndarray, lam: np.ndarray, unstable: np.ndarray) -> str:
    index = tuple(np.argwhere(unstable)[0]) if unstable.ndim else ()
    e, g, h = (np.broadcast_to(x, unstable.shape)[index] for x in (eta, gamma, lam))
    return f"got lr={e:g}, momentum={g:g}, eigenvalue={h:g} (eta * eigenvalue = {e * h:g} >= {2 * (1 + g):g})"
