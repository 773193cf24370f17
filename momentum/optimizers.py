r"""The update rules: gradient descent, the four textbook momentum forms and PyTorch's SGD.

Each optimizer is a small immutable object holding its hyperparameters. ``init(x0)``
returns the starting :class:`State` (velocity zero, step 0) and ``step(state, grad_fn)``
returns the next one; ``grad_fn`` maps parameters to the gradient :math:`\nabla J`. The
gradient is passed as a function, not a value, because Nesterov's method evaluates it at
a look-ahead point rather than at the current parameters.

``step_inplace(state, grad_fn)`` takes the same step, to the last bit, but overwrites
``state.params`` and ``state.velocity`` and allocates no array-sized temporaries (except
the look-ahead point of Nesterov's methods, which the gradient function needs): for
large parameter vectors. Each class writes its update once, in place (``_update``);
``step`` runs it on new arrays and never writes an array the gradient function was
given.

Hyperparameters may be NumPy arrays. :func:`momentum.run` lines them up against a
leading batch axis of the parameters, so one optimizer object can describe a whole grid
of settings that run side by side.

Notation (the book's glossary): :math:`\theta` parameters, :math:`g_t = \nabla
J(\theta_t)` the gradient, :math:`v` velocity, :math:`\eta` learning rate,
:math:`\gamma` momentum, :math:`\beta` averaging factor, :math:`\alpha` step size of the
averaged forms.

References: B. T. Polyak, "Some methods of speeding up the convergence of iteration
methods", USSR Comp. Math. and Math. Phys. 4(5), 1964; Y. Nesterov, "A method of solving
a convex programming problem with convergence rate O(1/k²)", Soviet Math. Dokl. 27, 1983;
I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
momentum in deep learning", ICML 2013; PyTorch, ``torch/optim/sgd.py``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import ClassVar, NamedTuple, Self

import numpy as np

from momentum import _blocks, _checks
from momentum._checks import Hyperparameter

GradientFunction = Callable[[np.ndarray], np.ndarray]


class State(NamedTuple):
    """Where an optimizer is: parameters, velocity (in the optimizer's own convention)
    and the number of steps taken so far."""

    params: np.ndarray
    velocity: np.ndarray
    step: int


@dataclasses.dataclass(frozen=True, eq=False)
class Optimizer:
    """Common machinery: validation of hyperparameters, ``init``, batch broadcasting and
    the two ways of stepping, :meth:`step` (new arrays) and :meth:`step_inplace`.

    Subclasses list their hyperparameters in ``_checks`` (name → validator) and
    implement ``_update`` (and ``_gradient_point`` if the gradient is not taken at the
    parameters).
    """

    _checks: ClassVar[dict[str, Callable[[str, object], Hyperparameter]]] = {}

    def __post_init__(self) -> None:
        for name, check in self._checks.items():
            object.__setattr__(self, name, check(name, getattr(self, name)))
        _ = self.batch_shape  # refuse hyperparameter arrays that cannot broadcast

    @functools.cached_property
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the hyperparameters: ``()`` for a single setting."""
        return _checks.broadcast_shapes({name: np.shape(getattr(self, name)) for name in self._checks})

    def init(self, x0: np.ndarray) -> State:
        """Start at ``x0`` (copied, as float64) with zero velocity."""
        params = _checks.finite_array("x0", x0)
        return State(params, np.zeros_like(params), 0)

    def step(self, state: State, grad_fn: GradientFunction) -> State:
        """Take one step and return the new state in new arrays; ``state`` is left
        unchanged, and so is every array handed to ``grad_fn``. See the class docstring
        for the equations."""
        if not isinstance(state, State):
            raise TypeError(f"state must be a State (from optimizer.init(x0)); got {type(state).__name__}")
        params, velocity = _checks.real_array("params", state.params), _checks.real_array("velocity", state.velocity)
        _checks.broadcast_shapes({"params": params.shape, "velocity": velocity.shape,
                                  "hyperparameters": self.batch_shape})
        step = _checks.integer("state.step", state.step, 0)
        if not callable(grad_fn):
            raise TypeError(f"grad_fn must be a function of the parameters; got {grad_fn!r}")
        return self._step(State(params, velocity, step), grad_fn)

    def _step(self, state: State, grad_fn: GradientFunction) -> State:
        """:meth:`step` on a state already known to be float64 arrays that broadcast (``run``'s loop)."""
        shape = np.shape(state.params)
        if np.shape(state.velocity) != shape or self.batch_shape:
            shape = np.broadcast_shapes(shape, np.shape(state.velocity), self.batch_shape)
        old_params, old_velocity = np.broadcast_to(state.params, shape), np.broadcast_to(state.velocity, shape)
        grad = _checks.gradient(grad_fn(self._gradient_point(old_params, old_velocity)), shape)
        params, velocity = old_params.copy(), old_velocity.copy()
        self._update(params, velocity, grad, state.step)
        return State(params, velocity, state.step + 1)

    def step_inplace(self, state: State, grad_fn: GradientFunction, *, block_size: int = _blocks.BLOCK) -> State:
        """Take one step, overwriting ``state.params`` and ``state.velocity``; returns the
        state with the step count advanced (the same arrays).

        The numbers are exactly those of :meth:`step`. ``grad_fn`` receives a read-only
        view of the parameters (or Nesterov's look-ahead point) and must return a new
        array: the step then overwrites the parameters it was shown. With scalar
        hyperparameters the update runs over blocks of ``block_size`` elements shared
        by a few threads, so that on large vectors it runs at memory speed (see
        :mod:`momentum._blocks`).
        """
        _checks.inplace_arrays(state.params, state.velocity, self.batch_shape)
        block_size = _checks.integer("block_size", block_size, 1)
        params, velocity = state.params, state.velocity
        point = self._gradient_point(params, velocity, block_size)
        if point is params:
            point = params.view()
            point.flags.writeable = False
        grad = _checks.gradient(grad_fn(point), params.shape)
        # The update reads each block of the gradient before it writes that block of the
        # parameters, so the parameters themselves may come back as the gradient (J = ½‖θ‖²);
        # any other overlap would read values this step has already overwritten.
        same = grad.__array_interface__["data"][0] == params.__array_interface__["data"][0] \
            and grad.strides == params.strides
        if np.shares_memory(grad, velocity) or (np.shares_memory(grad, params) and not same):
            raise ValueError("the gradient function returned an array that overlaps the velocity or part of the "
                             "parameters, which this in-place step overwrites; return a new array")
        _blocks.blockwise(functools.partial(self._update, step=state.step), params, velocity, grad,
                          whole=bool(self.batch_shape), block=block_size)
        return State(params, velocity, state.step + 1)

    def _gradient_point(self, params: np.ndarray, velocity: np.ndarray, block_size: int = _blocks.BLOCK) -> np.ndarray:
        """Where the gradient of this step is taken: the parameters themselves (Nesterov's
        methods override this with their look-ahead point, a new array)."""
        return params

    def _update(self, params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, step: int) -> None:
        """The update of the class docstring, in place on (blocks of) the arrays."""
        raise NotImplementedError

    def with_trailing_axes(self, ndim: int) -> Self:
        """This optimizer with every array hyperparameter given ``ndim`` trailing axes of
        length one, so that it broadcasts against parameters of shape
        ``batch_shape + event_shape`` where ``len(event_shape) == ndim``."""
        changes = {
            name: np.reshape(value, np.shape(value) + (1,) * ndim)
            for name in self._checks
            if np.ndim(value := getattr(self, name)) > 0
        }
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True, eq=False)
class GradientDescent(Optimizer):
    r"""Plain gradient descent.

    .. math:: \theta_{t+1} = \theta_t - \eta\, \nabla J(\theta_t)

    The velocity records the step just taken, :math:`v_{t+1} = \eta\, g_t =
    \theta_t - \theta_{t+1}`, so that gradient descent is exactly
    ``HeavyBall(lr, momentum=0)``, velocity included.

    Args:
        lr: learning rate :math:`\eta > 0`.
    """

    lr: Hyperparameter
    _checks: ClassVar = {"lr": _checks.learning_rate}

    def _update(self, params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, step: int) -> None:
        np.multiply(self.lr, grad, out=velocity)  # v = η g
        params -= velocity                        # θ ← θ − v


@dataclasses.dataclass(frozen=True, eq=False)
class HeavyBall(Optimizer):
    r"""Classical (Polyak, 1964) "heavy ball" momentum in velocity form.

    .. math::
        v_{t+1} = \gamma\, v_t + \eta\, \nabla J(\theta_t), \qquad
        \theta_{t+1} = \theta_t - v_{t+1}, \qquad v_0 = 0.

    Eliminating :math:`v` gives the second-order recurrence
    :math:`\theta_{t+1} = \theta_t - \eta\, g_t + \gamma(\theta_t - \theta_{t-1})`.

    Args:
        lr: learning rate :math:`\eta > 0`.
        momentum: momentum :math:`\gamma \in [0, 1)`.
    """

    lr: Hyperparameter
    momentum: Hyperparameter
    _checks: ClassVar = {"lr": _checks.learning_rate, "momentum": _checks.momentum_factor}

    def _update(self, params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, step: int) -> None:
        velocity *= self.momentum      # v ← γ v
        velocity += self.lr * grad     #       + η g
        params -= velocity             # θ ← θ − v


@dataclasses.dataclass(frozen=True, eq=False)
class EMAMomentum(Optimizer):
    r"""Momentum as an exponential moving average of gradients (Andrew Ng's course,
    Dive into Deep Learning §12.6 in its "leaky average" form).

    .. math::
        v_{t+1} = \beta\, v_t + (1 - \beta)\, \nabla J(\theta_t), \qquad
        \theta_{t+1} = \theta_t - \alpha\, v_{t+1}, \qquad v_0 = 0.

    With :math:`\eta = \alpha(1-\beta)` and :math:`\gamma = \beta` this is exactly
    :class:`HeavyBall` (its velocity is :math:`\alpha` times this one); see
    :func:`momentum.convert`.

    Args:
        lr: step size :math:`\alpha > 0`.
        beta: averaging factor :math:`\beta \in [0, 1)`.
    """

    lr: Hyperparameter
    beta: Hyperparameter
    _checks: ClassVar = {"lr": _checks.learning_rate, "beta": _checks.momentum_factor}

    def _update(self, params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, step: int) -> None:
        velocity *= self.beta                  # v ← β v
        velocity += (1 - self.beta) * grad     #       + (1 − β) g
        params -= self.lr * velocity           # θ ← θ − α v


@dataclasses.dataclass(frozen=True, eq=False)
class Nesterov(Optimizer):
    r"""Nesterov's accelerated gradient in look-ahead form (Sutskever et al., 2013, eq. 3–4,
    with the sign of :math:`v` flipped to match :class:`HeavyBall`).

    .. math::
        v_{t+1} = \gamma\, v_t + \eta\, \nabla J(\theta_t - \gamma\, v_t), \qquad
        \theta_{t+1} = \theta_t - v_{t+1}, \qquad v_0 = 0.

    The only change from :class:`HeavyBall` is where the gradient is taken: at the point
    the momentum is about to carry us to. PyTorch's ``nesterov=True`` runs the same
    method on the look-ahead points :math:`\theta_t - \gamma v_t`; see
    :func:`momentum.lookahead_points`.

    Args:
        lr: learning rate :math:`\eta > 0`.
        momentum: momentum :math:`\gamma \in [0, 1)`.
    """

    lr: Hyperparameter
    momentum: Hyperparameter
    _checks: ClassVar = {"lr": _checks.learning_rate, "momentum": _checks.momentum_factor}

    def _gradient_point(self, params: np.ndarray, velocity: np.ndarray, block_size: int = _blocks.BLOCK) -> np.ndarray:
        return _lookahead(params, velocity, self.momentum, block_size)  # θ − γ v

    _update = HeavyBall._update


@dataclasses.dataclass(frozen=True, eq=False)
class EMANesterov(Optimizer):
    r"""Nesterov's method written with an exponential moving average.

    .. math::
        v_{t+1} = \beta\, v_t + (1 - \beta)\, \nabla J(\theta_t - \alpha\beta\, v_t), \qquad
        \theta_{t+1} = \theta_t - \alpha\, v_{t+1}, \qquad v_0 = 0.

    With :math:`\eta = \alpha(1-\beta)` and :math:`\gamma = \beta` this is exactly
    :class:`Nesterov` (whose velocity is :math:`\alpha` times this one).

    Args:
        lr: step size :math:`\alpha > 0`.
        beta: averaging factor :math:`\beta \in [0, 1)`.
    """

    lr: Hyperparameter
    beta: Hyperparameter
    _checks: ClassVar = {"lr": _checks.learning_rate, "beta": _checks.momentum_factor}

    def _gradient_point(self, params: np.ndarray, velocity: np.ndarray, block_size: int = _blocks.BLOCK) -> np.ndarray:
        return _lookahead(params, velocity, self.lr * self.beta, block_size)  # θ − αβ v

    _update = EMAMomentum._update


@dataclasses.dataclass(frozen=True, eq=False)
class TorchSGD(Optimizer):
    r"""``torch.optim.SGD(params, lr, momentum, dampening, nesterov)``, step for step.

    With momentum buffer :math:`b` (PyTorch's ``momentum_buffer``, stored as the
    velocity) and :math:`\mu` = ``momentum``, :math:`d` = ``dampening``:

    .. math::
        b_1 = g_0 \ \text{(first step: no dampening)}, \qquad
        b_{t+1} = \mu\, b_t + (1 - d)\, g_t \quad (t \ge 1),

    .. math::
        \theta_{t+1} = \theta_t - \text{lr}\cdot
        \begin{cases} g_t + \mu\, b_{t+1} & \text{nesterov} \\ b_{t+1} & \text{otherwise,}
        \end{cases}

    and with :math:`\mu = 0` PyTorch keeps no buffer: :math:`\theta_{t+1} = \theta_t -
    \text{lr}\, g_t`. With :math:`d = 0` this equals :class:`HeavyBall` with
    :math:`\eta` = lr (velocity :math:`v = \text{lr}\cdot b`); with :math:`d > 0` the
    first step is :math:`1/(1-d)` times larger than the EMA form's, so no textbook form
    matches it exactly. Weight decay and ``maximize`` are not modelled.

    Args:
        lr: learning rate, > 0.
        momentum: :math:`\mu \in [0, 1)`.
        dampening: :math:`d \in [0, 1]`.
        nesterov: use PyTorch's Nesterov variant (needs :math:`\mu > 0` and :math:`d = 0`,
            as in PyTorch).
    """

    lr: Hyperparameter
    momentum: Hyperparameter
    dampening: Hyperparameter = 0.0
    nesterov: bool = False
    _checks: ClassVar = {
        "lr": _checks.learning_rate,
        "momentum": _checks.momentum_factor,
        "dampening": lambda name, value: _checks.hyperparameter(
            name, value, 0.0, 1.0, low_open=False, high_open=False),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.nesterov, bool | np.bool_):
            raise ValueError(f"nesterov must be True or False; got {self.nesterov!r}")
        if self.nesterov and (np.any(np.equal(self.momentum, 0)) or np.any(np.not_equal(self.dampening, 0))):
            raise ValueError("nesterov=True requires momentum > 0 and dampening = 0 (as in PyTorch); "
                             f"got momentum={self.momentum!r}, dampening={self.dampening!r}")

    def _update(self, params: np.ndarray, velocity: np.ndarray, grad: np.ndarray, step: int) -> None:
        if step == 0:
            velocity[...] = grad                                           # b₁ = g₀
        else:
            velocity *= self.momentum                                      # b ← μ b
            velocity += (1 - self.dampening * (self.momentum != 0)) * grad   #     + (1 − d) g  (μ = 0: no buffer)
        if self.nesterov:
            params -= self.lr * (grad + self.momentum * velocity)          # θ ← θ − lr (g + μ b)
        else:
            params -= self.lr * velocity                                   # θ ← θ − lr b


def _lookahead(params: np.ndarray, velocity: np.ndarray, shift: Hyperparameter, block_size: int) -> np.ndarray:
    """The look-ahead point :math:`\\theta - s\\,v` of Nesterov's methods, as a new array
    (the gradient function needs the whole point), computed block by block."""
    point = np.empty(params.shape)

    def fill(p: np.ndarray, v: np.ndarray, out: np.ndarray) -> None:
        np.multiply(shift, v, out=out)
        np.subtract(p, out, out=out)

    _blocks.blockwise(fill, params, velocity, point, whole=np.ndim(shift) > 0, block=block_size)
    return point
