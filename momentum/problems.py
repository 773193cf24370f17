r"""Objective functions for the book's experiments.

Every problem has

* ``shape``: the shape of one parameter vector (``()`` for a scalar problem);
* ``loss(x)`` and ``grad(x)``: vectorised over any leading (batch or time) axes of ``x``,
  so that ``x`` of shape ``(..., *shape)`` gives a loss of shape ``(...)`` and a gradient
  of shape ``x.shape``;
* ``minimizer``: the global minimiser where it is known, else ``None``.

Quadratic problems also expose ``eigenvalues`` and ``eigenvectors`` (of the Hessian),
which :mod:`momentum.theory` uses for closed forms.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Protocol

import numpy as np

from momentum import _checks
from momentum._checks import finite_array
from momentum.data import breast_cancer_split, logistic_loss, sigmoid


class Problem(Protocol):
    """What :func:`momentum.run` needs from an objective."""

    shape: tuple[int, ...]

    def loss(self, x: np.ndarray) -> np.ndarray: ...

    def grad(self, x: np.ndarray) -> np.ndarray: ...

    @property
    def minimizer(self) -> np.ndarray | None: ...


@dataclasses.dataclass(frozen=True, eq=False)
class Parabola:
    r"""The scalar quadratic :math:`J(\theta) = \tfrac{a}{2}\,\theta^2`, :math:`\nabla J = a\theta`.

    The default curvature :math:`a = 2` is the book's worked example :math:`J(\theta) =
    \theta^2`, whose gradient is :math:`2\theta`.
    """

    curvature: float = 2.0
    shape: tuple[int, ...] = dataclasses.field(default=(), init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "curvature", _checks.positive_scalar("curvature", self.curvature))

    def loss(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * self.curvature * np.square(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.curvature * np.asarray(x)

    @property
    def minimizer(self) -> np.ndarray:
        return np.array(0.0)

    @property
    def eigenvalues(self) -> np.ndarray:
        return np.array([self.curvature])

    @property
    def eigenvectors(self) -> np.ndarray:
        return np.eye(1)


class Quadratic:
    r"""The quadratic :math:`J(x) = \tfrac12 x^\top A x - b^\top x`, :math:`\nabla J = Ax - b`.

    ``A`` must be symmetric positive definite; the minimiser is :math:`x^* = A^{-1}b` and
    the eigenvalues of ``A`` lie in :math:`[\mu, L]` with condition number
    :math:`\kappa = L/\mu`.
    """

    def __init__(self, A: np.ndarray, b: np.ndarray | None = None) -> None:
        A = finite_array("A", A)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
            raise ValueError(f"A must be a non-empty square matrix; got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=0):
            raise ValueError("A must be symmetric")
        b = np.zeros(A.shape[0]) if b is None else finite_array("b", b)
        if b.shape != A.shape[:1]:
            raise ValueError(f"b must have shape {A.shape[:1]} to match A; got {b.shape}")
        eigenvalues, eigenvectors = np.linalg.eigh(A)
        if eigenvalues[0] <= 0:
            raise ValueError(f"A must be positive definite; its smallest eigenvalue is {eigenvalues[0]:g}")
        for array in (A, b, eigenvalues, eigenvectors):
            array.setflags(write=False)
        self.A, self.b = A, b
        self.eigenvalues, self.eigenvectors = eigenvalues, eigenvectors
        self.shape = b.shape

    @classmethod
    def from_eigenvalues(cls, eigenvalues: np.ndarray, rotation: np.ndarray | None = None,
                         minimizer: np.ndarray | None = None) -> Quadratic:
        """:math:`A = Q\\,\\mathrm{diag}(\\lambda)\\,Q^\\top` with ``Q = rotation`` (identity
        by default) and :math:`b = A x^*` so that the minimiser is ``minimizer`` (zero by
        default)."""
        eigenvalues = finite_array("eigenvalues", eigenvalues)
        if eigenvalues.ndim != 1:
            raise ValueError(f"eigenvalues must be a 1-D array; got shape {eigenvalues.shape}")
        Q = np.eye(eigenvalues.size) if rotation is None else finite_array("rotation", rotation)
        if Q.shape != (eigenvalues.size,) * 2 or not np.allclose(Q.T @ Q, np.eye(eigenvalues.size)):
            raise ValueError(f"rotation must be an orthogonal {eigenvalues.size}x{eigenvalues.size} matrix")
        A = (Q * eigenvalues) @ Q.T
        A = 0.5 * (A + A.T)
        x_star = np.zeros(eigenvalues.size) if minimizer is None else finite_array("minimizer", minimizer)
        if x_star.shape != eigenvalues.shape:
            raise ValueError(f"minimizer must have shape {eigenvalues.shape} to match the eigenvalues; "
                             f"got {x_star.shape}")
        return cls(A, A @ x_star)

    @property
    def mu(self) -> float:
        """Smallest eigenvalue μ (strong convexity)."""
        return float(self.eigenvalues[0])

    @property
    def L(self) -> float:
        """Largest eigenvalue L (smoothness)."""
        return float(self.eigenvalues[-1])

    @property
    def condition_number(self) -> float:
        """κ = L/μ."""
        return self.L / self.mu

    @cached_property
    def minimizer(self) -> np.ndarray:
        x_star = np.linalg.solve(self.A, self.b)
        x_star.setflags(write=False)
        return x_star

    def loss(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.A, x) - x @ self.b

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x) @ self.A - self.b  # A is symmetric


def rotation_2d(angle: float) -> np.ndarray:
    """The 2×2 rotation by ``angle`` radians (for tilted 2-D valleys)."""
    angle = _checks.finite_scalar("angle", angle)
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def random_rotation(dim: int, seed: int) -> np.ndarray:
    """A random orthogonal ``dim``×``dim`` matrix (QR of a seeded Gaussian matrix)."""
    dim, seed = _checks.integer("dim", dim, 1), _checks.seed(seed)
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


@dataclasses.dataclass(frozen=True, eq=False)
class Rosenbrock:
    r"""Rosenbrock's banana valley :math:`J(x, y) = (a - x)^2 + b\,(y - x^2)^2`, minimum at
    :math:`(a, a^2)`.
    """

    a: float = 1.0
    b: float = 100.0
    shape: tuple[int, ...] = dataclasses.field(default=(2,), init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", _checks.finite_scalar("a", self.a))
        object.__setattr__(self, "b", _checks.positive_scalar("b", self.b))

    def loss(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        u, w = x[..., 0], x[..., 1]
        return (self.a - u) ** 2 + self.b * (w - u**2) ** 2

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        u, w = x[..., 0], x[..., 1]
        ridge = w - u**2
        return np.stack([-2 * (self.a - u) - 4 * self.b * u * ridge, 2 * self.b * ridge], axis=-1)

    @property
    def minimizer(self) -> np.ndarray:
        return np.array([self.a, self.a**2])


@dataclasses.dataclass(frozen=True, eq=False)
class DoubleWell:
    r"""A tilted double well :math:`J(\theta) = (\theta^2 - 1)^2 + s\,\theta`.

    For :math:`0 < s < 8/(3\sqrt3) \approx 1.54` it has a global minimum near
    :math:`\theta = -1`, a local (higher) minimum near :math:`+1` and a barrier between
    them: the test bed for "momentum escapes local minima".
    """

    tilt: float = 0.5
    shape: tuple[int, ...] = dataclasses.field(default=(), init=False)

    def __post_init__(self) -> None:
        tilt = _checks.real_array("tilt", self.tilt)
        if tilt.ndim or not 0 < tilt < 8 / (3 * np.sqrt(3)):
            raise ValueError(f"tilt must be a number in (0, 8/(3*sqrt(3))) = (0, 1.5396) for two minima; "
                             f"got {self.tilt!r}")
        object.__setattr__(self, "tilt", float(tilt))

    def loss(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return (x**2 - 1) ** 2 + self.tilt * x

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return 4 * x * (x**2 - 1) + self.tilt

    @cached_property
    def stationary_points(self) -> np.ndarray:
        """The three roots of :math:`4\\theta^3 - 4\\theta + s = 0`, ascending."""
        return np.sort(np.roots([4.0, 0.0, -4.0, self.tilt]).real)

    @property
    def minimizer(self) -> np.ndarray:
        """The global minimiser (the left well)."""
        return np.array(self.stationary_points[0])

    @property
    def local_minimizer(self) -> np.ndarray:
        """The other, higher minimum (the right well)."""
        return np.array(self.stationary_points[2])

    @property
    def barrier(self) -> np.ndarray:
        """The local maximum that separates the wells."""
        return np.array(self.stationary_points[1])


@dataclasses.dataclass(frozen=True, eq=False)
class Saddle:
    r"""A saddle between two minima: :math:`J(x, y) = x^2 - y^2 + y^4/4`.

    :math:`\nabla J = (2x,\; -2y + y^3)`. The origin is a saddle point (curvature 2 along
    :math:`x`, −2 along :math:`y`); the minima are :math:`(0, \pm\sqrt2)` with
    :math:`J = -1`. A run that starts on the line :math:`y = 0` stays on it and converges
    to the saddle; from :math:`y_0 \ne 0` it leaves the saddle at a speed set by the
    negative curvature: the test bed for "momentum escapes saddle points".
    """

    shape: tuple[int, ...] = dataclasses.field(default=(2,), init=False)

    def loss(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        u, w = x[..., 0], x[..., 1]
        return u**2 - w**2 + 0.25 * w**4

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        u, w = x[..., 0], x[..., 1]
        return np.stack([2 * u, -2 * w + w**3], axis=-1)

    @property
    def minimizer(self) -> np.ndarray:
        r"""The minimum with :math:`y > 0`, :math:`(0, \sqrt2)` (the other is its mirror image)."""
        return np.array([0.0, np.sqrt(2.0)])

    @property
    def saddle_point(self) -> np.ndarray:
        return np.zeros(2)


@dataclasses.dataclass(frozen=True, eq=False)
class LessardCounterexample:
    r"""A smooth, strongly convex function on which the optimally tuned heavy ball does not
    converge (Lessard, Recht and Packard 2016, §4.6): :math:`\mu = 1`, :math:`L = 25`,

    .. math::
        \nabla J(\theta) = \begin{cases} 25\theta & \theta < 1 \\ \theta + 24 & 1 \le \theta < 2 \\
        25\theta - 24 & \theta \ge 2, \end{cases}

    so :math:`J` is piecewise quadratic with a Lipschitz gradient and its minimum at 0.
    From :math:`\theta_0 = 3.3` the heavy ball with Polyak's tuning for :math:`[\mu, L]`
    settles into a cycle of period 3; Nesterov's method converges.
    """

    shape: tuple[int, ...] = dataclasses.field(default=(), init=False)
    mu: float = dataclasses.field(default=1.0, init=False)
    L: float = dataclasses.field(default=25.0, init=False)

    def loss(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))

    @property
    def minimizer(self) -> np.ndarray:
        return np.array(0.0)


class NoisyGradient:
    r"""A problem whose gradient carries seeded Gaussian noise:
    :math:`\tilde g(x) = \nabla J(x) + \sigma\,\xi`, :math:`\xi \sim \mathcal N(0, I)`.

    ``loss`` and ``minimizer`` are the noiseless problem's. The noise comes from a
    generator seeded at construction and advanced by every ``grad`` call, so a fresh
    ``NoisyGradient(problem, sigma, seed)`` replays exactly the same run.
    """

    def __init__(self, problem: Problem, noise_std: float, seed: int) -> None:
        _checks.instance("problem", problem, "Parabola()")
        if not (hasattr(problem, "grad") and hasattr(problem, "shape")):
            raise TypeError(f"problem must be a problem with .grad and .shape; got {problem!r}")
        self.problem, self.seed = problem, _checks.seed(seed)
        self.noise_std = _checks.positive_scalar("noise_std", noise_std, allow_zero=True)
        self.shape = problem.shape
        self._rng = np.random.default_rng(seed)

    def loss(self, x: np.ndarray) -> np.ndarray:
        return self.problem.loss(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        g = self.problem.grad(x)
        return g + self.noise_std * self._rng.standard_normal(np.shape(g))

    @property
    def minimizer(self) -> np.ndarray | None:
        return self.problem.minimizer


class LogisticRegression:
    r"""L2-regularised logistic regression on a fixed data set.

    With features :math:`X \in \mathbb R^{n\times p}` (a bias column included), labels
    :math:`y \in \{0,1\}^n` and :math:`z = Xw`:

    .. math::
        J(w) = \frac1n \sum_i \big(\log(1 + e^{z_i}) - y_i z_i\big) + \frac{\lambda}{2}\lVert w\rVert^2,
        \qquad \nabla J(w) = \frac1n X^\top(\sigma(z) - y) + \lambda w.

    The minimiser has no closed form; :attr:`minimizer` finds it by Newton's method to
    machine precision (the loss is strictly convex for λ > 0).
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray, l2: float = 1e-2) -> None:
        self.features, self.labels = _checks.labelled_data(features, labels)
        self.l2 = _checks.positive_scalar("l2", l2)
        self.shape = self.features.shape[1:]

    @classmethod
    def breast_cancer(cls, l2: float = 1e-2) -> LogisticRegression:
        """The Wisconsin breast-cancer data (569 samples, 30 features) shipped with
        scikit-learn, standardised, with a bias column (so 31 parameters)."""
        return cls(*breast_cancer_split(test_fraction=0.0)[0], l2)

    def loss(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The loss, averaged over all samples or over ``rows`` only (a mini-batch)."""
        X, y = (self.features, self.labels) if rows is None else (self.features[rows], self.labels[rows])
        z = np.asarray(w) @ X.T
        return logistic_loss(z, y) + 0.5 * self.l2 * np.sum(np.square(w), axis=-1)

    def grad(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The gradient, averaged over all samples or over ``rows`` only (a mini-batch)."""
        w = np.asarray(w)
        X, y = (self.features, self.labels) if rows is None else (self.features[rows], self.labels[rows])
        p = sigmoid(w @ X.T)
        return (p - y) @ X / y.size + self.l2 * w

    def accuracy(self, w: np.ndarray) -> np.ndarray:
        r"""Fraction of samples classified correctly (class 1 where :math:`w^\top x > 0`)."""
        return np.mean((np.asarray(w) @ self.features.T > 0) == (self.labels == 1), axis=-1)

    def hessian(self, w: np.ndarray) -> np.ndarray:
        r""":math:`\frac1n X^\top \mathrm{diag}(\sigma(z)(1-\sigma(z))) X + \lambda I` at one ``w``."""
        p = sigmoid(self.features @ w)
        return (self.features.T * (p * (1 - p))) @ self.features / self.labels.size + self.l2 * np.eye(self.shape[0])

    @cached_property
    def minimizer(self) -> np.ndarray:
        w = np.zeros(self.shape)
        for _ in range(50):
            step = np.linalg.solve(self.hessian(w), self.grad(w))
            w = w - step
            if np.linalg.norm(step) <= 1e-14 * max(1.0, np.linalg.norm(w)):
                break
        w.setflags(write=False)
        return w
