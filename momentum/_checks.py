"""Input validation shared by the package.

Every check names the parameter, states what is valid and shows the offending value, so
a reader who mistypes a setting in a notebook learns at once what to change. A value of
the wrong kind (a string, ``None``, a boolean, a complex number, an optimizer class
instead of an instance) raises :class:`TypeError`; a number outside its range raises
:class:`ValueError`.
"""

from __future__ import annotations

import numbers
import os

import numpy as np

Hyperparameter = float | np.ndarray


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real_array(name: str, value: object) -> np.ndarray:
    """``value`` as a new float64 array, refusing anything that is not made of real
    numbers (strings, ``None``, booleans, complex numbers, objects) and numbers too
    large for float64."""
    if isinstance(value, str | bytes | bool | np.bool_) or value is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers; got {_describe(value)}")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be a real number or an array of real numbers; got {_describe(value)}") from None
    if raw.dtype.kind == "O" and all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in raw.flat):
        try:
            return np.array(raw, dtype=np.float64)  # e.g. Python ints beyond int64
        except OverflowError:
            raise ValueError(f"{name} must be finite; got {_describe(value)}, too large for float64") from None
    if raw.dtype.kind not in "iuf":
        kind = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes"}.get(raw.dtype.kind, raw.dtype)
        raise TypeError(f"{name} must be a real number or an array of real numbers; got {kind}: {_describe(value)}")
    return np.array(raw, dtype=np.float64)


def _first_bad(values: np.ndarray, bad: np.ndarray) -> str:
    """Describe the first offending entry of ``values`` (with its index for arrays)."""
    if values.ndim == 0:
        return f"got {values.item()!r}"
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"got {values[index].item()!r} at index {index}"


def in_range(name: str, value: object, low: float, high: float, *, low_open: bool, high_open: bool) -> np.ndarray:
    """``value`` as a float64 array checked to lie in a range (NaN never passes)."""
    values = real_array(name, value)
    with np.errstate(invalid="ignore"):
        above = values > low if low_open else values >= low
        below = values < high if high_open else values <= high
    bad = ~(above & below)
    if bad.any():
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        where = " everywhere" if values.ndim else ""
        raise ValueError(f"{name} must lie in {interval}{where}; {_first_bad(values, bad)}")
    return values


def hyperparameter(name: str, value: object, low: float, high: float, *,
                   low_open: bool, high_open: bool) -> Hyperparameter:
    """Return ``value`` as a float (or read-only float array) checked to lie in a range.

    Arrays are allowed so that one optimizer can describe a grid of settings.
    """
    values = in_range(name, value, low, high, low_open=low_open, high_open=high_open)
    if values.ndim == 0:
        return float(values)
    if values.size == 0:
        raise ValueError(f"{name} must not be an empty array")
    values.setflags(write=False)
    return values


def learning_rate(name: str, value: object) -> Hyperparameter:
    """A step size: finite and strictly positive."""
    return hyperparameter(name, value, 0.0, np.inf, low_open=True, high_open=True)


def momentum_factor(name: str, value: object) -> Hyperparameter:
    """A momentum or averaging factor: in [0, 1)."""
    return hyperparameter(name, value, 0.0, 1.0, low_open=False, high_open=True)


def positive(name: str, value: object, *, allow_zero: bool = False, allow_inf: bool = False) -> np.ndarray:
    """A number (or array) > 0 (or >= 0), finite unless ``allow_inf``."""
    values = real_array(name, value)
    with np.errstate(invalid="ignore"):
        bad = ~((values >= 0 if allow_zero else values > 0) & (values <= np.inf if allow_inf else values < np.inf))
    if bad.any():
        kind = "a number" if allow_inf else "a finite number"
        raise ValueError(f"{name} must be {kind} {'>=' if allow_zero else '>'} 0"
                         f"{' everywhere' if values.ndim else ''}; {_first_bad(values, bad)}")
    return values


def positive_scalar(name: str, value: object, *, allow_zero: bool = False, allow_inf: bool = False) -> float:
    """A single number > 0 (or >= 0), finite unless ``allow_inf``."""
    return scalar(name, positive(name, value, allow_zero=allow_zero, allow_inf=allow_inf))


def scalar(name: str, values: np.ndarray) -> float:
    """The one number of a checked 0-d array (a TypeError for arrays)."""
    if values.ndim:
        raise TypeError(f"{name} must be a single number; got an array of shape {values.shape}")
    return float(values)


def finite_scalar(name: str, value: object) -> float:
    """A single finite real number."""
    return scalar(name, finite_array(name, value))


def finite_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a new float64 array, refusing NaN and infinities."""
    array = real_array(name, value)
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name} must be finite; {_first_bad(array, bad)}")
    return array


def labelled_data(features: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(n, p)`` and labels ``(n,)``, finite, labels 0 or 1, at least one sample."""
    X, y = finite_array("features", features), finite_array("labels", labels)
    if X.ndim != 2 or y.shape != X.shape[:1]:
        raise ValueError(f"features must be (n, p) and labels (n,); got {X.shape} and {y.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"features must have at least one sample and one feature; got shape {X.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("labels must be 0 or 1")
    return X, y


def integer(name: str, value: object, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer (not a boolean) in ``[minimum, maximum]``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        valid = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {valid}; got {value!r}")
    return int(value)


def step_count(value: object, name: str = "steps", minimum: int = 0) -> int:
    """A number of iterations: an integer, at least ``minimum``."""
    return integer(name, value, minimum)


def seed(value: object, name: str = "seed") -> int:
    """A seed for :func:`numpy.random.default_rng`: an integer >= 0."""
    return integer(name, value, 0)


def broadcast_shapes(shapes: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """Broadcast named shapes, raising an error that names them when they do not fit."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        described = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"shapes do not broadcast together: {described}") from None


def inplace_arrays(params: object, velocity: object, batch_shape: tuple[int, ...]) -> None:
    """Parameters and velocity that an in-place step may overwrite: writeable float64
    arrays of one shape that share no memory, which the hyperparameters' batch shape
    broadcasts into."""
    for name, array in (("params", params), ("velocity", velocity)):
        if not isinstance(array, np.ndarray) or array.dtype != np.float64 or not array.flags.writeable:
            got = (type(array).__name__ if not isinstance(array, np.ndarray) else f"an array of {array.dtype}"
                   if array.dtype != np.float64 else "a read-only array")
            raise ValueError(f"an in-place step needs {name} as a writeable float64 NumPy array; got {got}")
    if velocity.shape != params.shape:
        raise ValueError(f"params and velocity must have one shape; got {params.shape} and {velocity.shape}")
    if np.shares_memory(params, velocity):
        raise ValueError("params and velocity share memory: an in-place step would overwrite one with the "
                         "other; give each its own array (e.g. optimizer.init(x0))")
    if batch_shape and broadcast_shapes({"params": params.shape, "hyperparameters": batch_shape}) != params.shape:
        raise ValueError(f"hyperparameters of batch shape {batch_shape} do not fit in place into params of shape "
                         f"{params.shape}; use step(), which broadcasts, or start from x0 of the full shape")


def gradient(value: object, shape: tuple[int, ...]) -> np.ndarray:
    """What a gradient function returned: real numbers of the parameters' shape."""
    grad = value if isinstance(value, np.ndarray) and value.dtype == np.float64 else None
    if grad is None:
        try:
            grad = real_array("the gradient function's result", value)
        except TypeError as error:
            raise TypeError(str(error)) from None
    if grad.shape != shape:
        raise ValueError(f"the gradient function returned shape {grad.shape} for parameters of shape {shape}")
    return grad


def instance(name: str, value: object, example: str) -> None:
    """Refuse a class where an instance is needed (``Parabola`` instead of ``Parabola()``)."""
    if isinstance(value, type):
        raise TypeError(f"{name} must be an instance such as {example}; got the class {value.__name__}")


def memory_for(name: str, value: int, count: int, elements: int, bytes_per: int) -> None:
    """Refuse a run whose record of ``count`` iterates of ``elements`` numbers cannot fit in memory."""
    size = count * elements * bytes_per
    try:
        available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        available = 2**40
    if size > available // 2:
        raise ValueError(f"{name}={value} would need {size / 2**30:.3g} GiB to record {count} iterates of "
                         f"{elements} numbers (this machine has {available / 2**30:.3g} GiB); take fewer steps "
                         "or, in run(), a larger record_every")
