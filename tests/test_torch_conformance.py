"""TorchSGD against the real torch.optim.SGD, side by side in float64.

Skipped (reported as skipped, never as passed) where PyTorch is not installed.
`make test` installs the CPU build where this machine kind provides it.
"""

import numpy as np
import pytest

import momentum as m

torch = pytest.importorskip("torch")

PROBLEM = m.problems.Quadratic.from_eigenvalues(
    [0.2, 1.0, 3.0, 8.0], m.problems.random_rotation(4, 11), minimizer=[1, -2, 0.5, 3])
X0 = np.array([2.0, -1.0, 4.0, 0.5])
STEPS = 60


def torch_trajectory(lr, momentum, dampening, nesterov):
    A, b = torch.tensor(PROBLEM.A), torch.tensor(PROBLEM.b)
    x = torch.tensor(X0, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov)
    path = [x.detach().clone().numpy()]
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = 0.5 * x @ A @ x - b @ x
        loss.backward()
        optimizer.step()
        path.append(x.detach().clone().numpy())
    return np.array(path)


SETTINGS = [
    (0.1, 0.0, 0.0, False),
    (0.1, 0.0, 0.5, False),   # momentum 0: PyTorch ignores dampening
    (0.05, 0.9, 0.0, False),
    (0.05, 0.9, 0.9, False),  # dampening = momentum: undamped first step
    (0.2, 0.5, 0.3, False),
    (0.05, 0.9, 0.0, True),
    (0.1, 0.99, 0.0, True),
]


@pytest.mark.parametrize(("lr", "momentum", "dampening", "nesterov"), SETTINGS)
def test_torch_sgd_matches_pytorch(lr, momentum, dampening, nesterov):
    ours = m.run(m.TorchSGD(lr, momentum, dampening, nesterov), PROBLEM, X0, STEPS)
    np.testing.assert_allclose(ours.params, torch_trajectory(lr, momentum, dampening, nesterov), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("lr", "momentum"), [(0.05, 0.9), (0.2, 0.5)])
def test_pytorch_without_dampening_is_the_heavy_ball(lr, momentum):
    heavy_ball = m.run(m.HeavyBall(lr, momentum), PROBLEM, X0, STEPS)
    np.testing.assert_allclose(heavy_ball.params, torch_trajectory(lr, momentum, 0.0, False), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("lr", "momentum"), [(0.05, 0.9), (0.1, 0.99)])
def test_pytorch_nesterov_holds_the_lookahead_points(lr, momentum):
    nag = m.run(m.Nesterov(lr, momentum), PROBLEM, X0, STEPS)
    np.testing.assert_allclose(m.lookahead_points(nag.params, nag.velocity, nag.optimizer),
                               torch_trajectory(lr, momentum, 0.0, True), rtol=0, atol=1e-12)
