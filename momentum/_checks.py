"""Input validation shared by the package.

Every check raises a :class:`ValueError` whose message names the parameter, states the
valid range and shows the offending value, so a reader who mistypes a setting in a
notebook learns at once what to change.
"""

from __future__ import annotations

import numpy as np

Hyperparameter = float | np.ndarray


def _first_bad(values: np.ndarray, bad: np.ndarray) -> str:
    """Describe the first offending entry of ``values`` (with its index for arrays)."""
    if values.ndim == 0:
        return f"got {values.item()!r}"
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"got {values[index].item()!r} at index {index}"


def hyperparameter(name: str, value: object, low: float, high: float, *,
                   low_open: bool, high_open: bool) -> Hyperparameter:
    """Return ``value`` as a float (or read-only float array) checked to lie in a range.

    The range is ``(low, high)`` with each end open or closed as requested; NaN never
    passes. Arrays are allowed so that one optimizer can describe a grid of settings.
    """
    try:
        values = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    above = values > low if low_open else values >= low
    below = values < high if high_open else values <= high
    bad = ~(above & below)  # NaN fails both comparisons
    if bad.any():
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        where = " everywhere" if values.ndim else ""
        raise ValueError(f"{name} must lie in {interval}{where}; {_first_bad(values, bad)}")
    if values.ndim == 0:
        return float(values)
    values.setflags(write=False)
    return values


def learning_rate(name: str, value: object) -> Hyperparameter:
    """A step size: finite and strictly positive."""
    return hyperparameter(name, value, 0.0, np.inf, low_open=True, high_open=True)


def momentum_factor(name: str, value: object) -> Hyperparameter:
    """A momentum or averaging factor: in [0, 1)."""
    return hyperparameter(name, value, 0.0, 1.0, low_open=False, high_open=True)


def finite_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a new float64 array, refusing NaN and infinities."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name} must be finite; {_first_bad(array, bad)}")
    return array


def labelled_data(features: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(n, p)`` and labels ``(n,)``, finite, labels 0 or 1."""
    X, y = finite_array("features", features), finite_array("labels", labels)
    if X.ndim != 2 or y.shape != X.shape[:1]:
        raise ValueError(f"features must be (n, p) and labels (n,); got {X.shape} and {y.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("labels must be 0 or 1")
    return X, y


def step_count(value: object, name: str = "steps", minimum: int = 0) -> int:
    """A number of iterations: an integer, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def broadcast_shapes(shapes: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """Broadcast named shapes, raising an error that names them when they do not fit."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        described = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"shapes do not broadcast together: {described}") from None


def inplace_arrays(params: object, velocity: object, batch_shape: tuple[int, ...]) -> None:
    """Parameters and velocity that an in-place step may overwrite: writeable float64
    arrays of one shape, which the hyperparameters' batch shape broadcasts into."""
    for name, array in (("params", params), ("velocity", velocity)):
        if not isinstance(array, np.ndarray) or array.dtype != np.float64 or not array.flags.writeable:
            got = f"array of {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
            raise ValueError(f"an in-place step needs {name} as a writeable float64 NumPy array; got {got}")
    if velocity.shape != params.shape:
        raise ValueError(f"params and velocity must have one shape; got {params.shape} and {velocity.shape}")
    if batch_shape and broadcast_shapes({"params": params.shape, "hyperparameters": batch_shape}) != params.shape:
        raise ValueError(f"hyperparameters of batch shape {batch_shape} do not fit in place into params of shape "
                         f"{params.shape}; use step(), which broadcasts, or start from x0 of the full shape")
