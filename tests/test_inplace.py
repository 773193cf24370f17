"""In-place steps on large vectors: the textbook equations to the last bit, no array-sized
temporaries, and clear errors for arrays that cannot be updated in place.

The reference below writes each update as its equation on whole arrays (the way the
docstrings state it), independently of the package's blocked, in-place code. The
vectors are longer than one block and not a multiple of it, so block edges are covered.
"""

import multiprocessing
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import momentum as m
from momentum._blocks import BLOCK, THREADS

SIZE = 3 * BLOCK + 17
CURVATURE = np.random.default_rng(0).uniform(0.1, 2.0, SIZE)


def grad(x):
    """Gradient of the separable quadratic J(x) = ½ Σ c_i x_i²."""
    return CURVATURE * x


def reference_step(optimizer, x, v, t):
    """One step of each optimizer, straight from its equation (new arrays)."""
    match optimizer:
        case m.HeavyBall(lr=eta, momentum=gamma):
            v = gamma * v + eta * grad(x)
            return x - v, v
        case m.Nesterov(lr=eta, momentum=gamma):
            v = gamma * v + eta * grad(x - gamma * v)
            return x - v, v
        case m.EMAMomentum(lr=alpha, beta=beta):
            v = beta * v + (1 - beta) * grad(x)
            return x - alpha * v, v
        case m.EMANesterov(lr=alpha, beta=beta):
            v = beta * v + (1 - beta) * grad(x - alpha * beta * v)
            return x - alpha * v, v
        case m.GradientDescent(lr=eta):
            v = eta * grad(x)
            return x - v, v
        case m.TorchSGD(lr=lr, momentum=mu, dampening=d, nesterov=nesterov):
            g = grad(x)
            b = g if t == 0 or mu == 0 else mu * v + (1 - d) * g  # μ = 0: PyTorch keeps no buffer
            return x - lr * (g + mu * b if nesterov else b), b
    raise AssertionError(optimizer)


def optimizers(lr, mom):
    return [m.GradientDescent(lr), m.HeavyBall(lr, mom), m.Nesterov(lr, mom), m.EMAMomentum(lr, mom),
            m.EMANesterov(lr, mom), m.TorchSGD(lr, mom, dampening=0.25),
            m.TorchSGD(lr, max(mom, 0.1), nesterov=True)]


@settings(max_examples=10)
@given(st.floats(1e-3, 1.0), st.floats(0.0, 0.99))
def test_inplace_steps_are_the_equations_bit_for_bit(lr, mom):
    x0 = np.random.default_rng(1).standard_normal(SIZE)
    for optimizer in optimizers(lr, mom):
        state = optimizer.init(x0)
        params, velocity = state.params, state.velocity
        x, v = x0, np.zeros(SIZE)
        for t in range(3):
            state = optimizer.step_inplace(state, grad)
            x, v = reference_step(optimizer, x, v, t)
            assert state.params is params and state.velocity is velocity, optimizer  # updated in place
            np.testing.assert_array_equal(state.params, x, err_msg=repr(optimizer))
            np.testing.assert_array_equal(state.velocity, v, err_msg=repr(optimizer))
        assert state.step == 3


def test_step_leaves_its_input_alone_and_agrees_with_step_inplace():
    optimizer = m.Nesterov(0.1, 0.9)
    state = optimizer.step(optimizer.init(np.ones(SIZE)), grad)  # a nonzero velocity
    before = (state.params.copy(), state.velocity.copy())
    new = optimizer.step(state, grad)
    np.testing.assert_array_equal(state.params, before[0])
    np.testing.assert_array_equal(state.velocity, before[1])
    inplace = optimizer.step_inplace(state, grad)
    np.testing.assert_array_equal(inplace.params, new.params)
    np.testing.assert_array_equal(inplace.velocity, new.velocity)


@pytest.mark.parametrize("optimizer", optimizers(0.1, 0.9), ids=repr)
def test_inplace_step_allocates_no_array_sized_temporaries(optimizer):
    """Beyond the gradient itself (returned by the gradient function), a step allocates
    only block-sized scratch; Nesterov's look-ahead forms need one array, the point
    where the gradient is taken."""
    size = 16 * BLOCK
    g = np.ones(size)
    state = optimizer.step_inplace(optimizer.init(np.ones(size)), lambda x: g)  # TorchSGD's first step differs
    tracemalloc.start()
    optimizer.step_inplace(state, lambda x: g)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    lookahead = isinstance(optimizer, m.Nesterov | m.EMANesterov)
    scratch = 2 * THREADS * BLOCK * 8  # at most two block-sized temporaries per thread
    assert peak < (1 if lookahead else 0) * g.nbytes + scratch, f"peak {peak} bytes"


def test_batched_hyperparameters_update_in_place_too():
    lrs = np.array([0.1, 0.2])[:, None]
    optimizer = m.HeavyBall(lrs, 0.5)
    state = optimizer.init(np.ones((2, 3)))
    state = optimizer.step_inplace(state, lambda x: 2 * x)
    np.testing.assert_array_equal(state.velocity, 2 * lrs * np.ones((2, 3)))  # v₁ = η g₀, g₀ = 2


@pytest.mark.parametrize(("params", "velocity", "message"), [
    (np.ones(3, dtype=np.float32), np.zeros(3), "params as a writeable float64 NumPy array; got an array of float32"),
    ([1.0, 2.0], np.zeros(2), "params as a writeable float64 NumPy array; got list"),
    (np.ones(3), np.zeros(4), r"params and velocity must have one shape; got \(3,\) and \(4,\)"),
])
def test_inplace_step_refuses_arrays_it_cannot_update(params, velocity, message):
    with pytest.raises(ValueError, match=message):
        m.HeavyBall(0.1, 0.9).step_inplace(m.State(params, velocity, 0), lambda x: x)


def test_inplace_step_refuses_read_only_arrays_and_a_wrong_gradient_shape():
    read_only = np.ones(3)
    read_only.setflags(write=False)
    with pytest.raises(ValueError, match="velocity as a writeable float64"):
        m.HeavyBall(0.1, 0.9).step_inplace(m.State(np.ones(3), read_only, 0), lambda x: x)
    with pytest.raises(ValueError, match=r"returned shape \(2,\) for parameters of shape \(3,\)"):
        m.HeavyBall(0.1, 0.9).step_inplace(m.State(np.ones(3), np.zeros(3), 0), lambda x: x[:2])


def test_inplace_step_refuses_hyperparameters_that_do_not_fit_the_params():
    optimizer = m.HeavyBall(np.array([0.1, 0.2]), 0.9)
    with pytest.raises(ValueError, match=r"batch shape \(2,\) do not fit in place into params of shape \(\)"):
        optimizer.step_inplace(optimizer.init(1.0), lambda x: x)
    assert optimizer.step(optimizer.init(1.0), lambda x: x).params.shape == (2,)  # step() broadcasts


def _large_step_checksum(size: int) -> float:
    optimizer = m.HeavyBall(0.1, 0.5)
    state = optimizer.step_inplace(optimizer.init(np.ones(size)), lambda x: x)
    return float(state.params.sum())


def test_large_inplace_steps_work_in_a_forked_child_of_a_process_that_used_the_threads():
    size = 8 * THREADS * BLOCK  # enough blocks to use the thread pool
    expected = _large_step_checksum(size)  # θ₁ = 1 − 0.1 · 1 everywhere
    assert expected == pytest.approx(0.9 * size)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_large_step_checksum, (size,)).get(timeout=60) == expected
