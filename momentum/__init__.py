"""momentum: gradient descent with momentum, in every convention, with exact theory.

The package behind the Momentum book. Every number the book states is computed here
and checked by the test suite.

* :mod:`momentum.optimizers`: ``GradientDescent``, ``HeavyBall``, ``EMAMomentum``,
  ``Nesterov``, ``EMANesterov`` and PyTorch's ``TorchSGD``.
* :mod:`momentum.conversions`: exact equivalences between them (``convert``) and the
  Nesterov change of variables (``lookahead_points``).
* :mod:`momentum.runner`: ``run(optimizer, problem, x0, steps)``, with schedules and
  restarts; :mod:`momentum.trajectory`: the ``Trajectory`` it returns.
* :mod:`momentum.grid_search`: the best setting on a grid of hyperparameters, and
  which settings never reached the tolerance.
* :mod:`momentum.problems`: the worked example, quadratics, Rosenbrock, a double well,
  noisy gradients and logistic regression on real data.
* :mod:`momentum.learning`: a train/test split of real data, a one-hidden-layer
  network and mini-batch stochastic gradients.
* :mod:`momentum.theory`: iteration matrices, spectral radii, the convergence region,
  optimal tuning and closed-form trajectories on quadratics.
* :mod:`momentum.exercises`: ``check("4.1", answer)`` checks an answer to an exercise of
  the book against a reference the package computes.
"""

from momentum import data, exercises, grid_search, learning, problems, theory
from momentum.conversions import NotEquivalentError, convert, lookahead_points
from momentum.optimizers import (
    EMAMomentum,
    EMANesterov,
    GradientDescent,
    HeavyBall,
    Nesterov,
    Optimizer,
    State,
    TorchSGD,
)
from momentum.runner import DivergenceError, run
from momentum.trajectory import Trajectory

__all__ = [
    "DivergenceError",
    "EMAMomentum",
    "EMANesterov",
    "GradientDescent",
    "HeavyBall",
    "Nesterov",
    "NotEquivalentError",
    "Optimizer",
    "State",
    "TorchSGD",
    "Trajectory",
    "convert",
    "data",
    "exercises",
    "grid_search",
    "learning",
    "lookahead_points",
    "problems",
    "run",
    "theory",
]
