"""Algorithmic speed: tuned gradient descent, heavy ball and Nesterov on quadratics with
kappa = 10 ... 1e4, measured against the theoretical rates.

Two measurements per method:

* steps to 1e-8: the first step after which ||x_t - x*|| stays below 1e-8 ||x_0 - x*||,
  against log(1e-8) / log(rate). The tuned momentum methods need more: their tuning
  puts the extreme eigenvalues on a double root, where the error is (a + bt) rate^t, and
  the factor t costs steps (chapter 5).
* the rate: the slope of log ||x_t - x*|| over the second half of a run down to 1e-200.
  The minimiser is 0, so floating point keeps its relative precision all the way down
  and the long tail makes the double root's factor t negligible (it biases the slope
  by 2 log 2 / T over T steps).

Target: the heavy ball's measured rate within 2% of (sqrt(kappa) - 1)/(sqrt(kappa) + 1).

Usage: python benchmarks/rates.py
"""

from __future__ import annotations

import numpy as np
from common import Result

import momentum as m
from momentum.progress import progress

METHODS = {
    "gradient descent": (m.theory.tune_gradient_descent, lambda t: m.GradientDescent(t.lr)),
    "heavy ball": (m.theory.tune_heavy_ball, lambda t: m.HeavyBall(t.lr, t.momentum)),
    "Nesterov": (m.theory.tune_nesterov, lambda t: m.Nesterov(t.lr, t.momentum)),
}
KAPPAS = [10, 100, 1_000, 10_000]
TOL, FLOOR, MAX_STEPS = 1e-8, 1e-200, 200_000


def measure(optimizer: m.Optimizer, problem: m.problems.Quadratic, rate: float) -> tuple[int, float]:
    """Steps to TOL (relative) and the rate fitted to the tail of the error curve."""
    steps = int(min(np.log(FLOOR) / np.log(rate) * 1.05, MAX_STEPS))
    error = m.run(optimizer, problem, np.ones(2), steps).error()
    error /= error[0]
    steps_to_tol = int(np.argmax(error <= TOL))  # the error of a tuned method decreases steadily (checked below)
    assert np.all(error[steps_to_tol:] <= TOL)
    usable = np.flatnonzero(error > FLOOR)[-1]
    tail = np.arange(usable // 2, usable + 1)
    return steps_to_tol, float(np.exp(np.polyfit(tail, np.log(error[tail]), 1)[0]))


def main() -> list[Result]:
    cases = [(kappa, name) for kappa in KAPPAS for name in METHODS]
    rows = []
    for kappa, name in progress(cases, "tuned runs"):
        problem = m.problems.Quadratic(np.diag([1.0, float(kappa)]))
        tune, make = METHODS[name]
        tuning = tune(problem.mu, problem.L)
        steps, rate = measure(make(tuning), problem, tuning.rate)
        rows.append((kappa, name, tuning.rate, rate, steps, np.log(TOL) / np.log(tuning.rate)))

    print(f"{'kappa':>7}  {'method':16s} {'rate: theory':>12} {'measured':>9} {'ratio':>7}   "
          f"{'steps to 1e-8: theory':>21} {'measured':>8} {'ratio':>6}")
    for kappa, name, theory, rate, steps, predicted in rows:
        print(f"{kappa:>7}  {name:16s} {theory:12.6f} {rate:9.6f} {rate / theory:7.4f}   "
              f"{predicted:21.0f} {steps:8d} {steps / predicted:6.2f}")
    worst = max(abs(rate / theory - 1) for _, name, theory, rate, *_ in rows if name == "heavy ball")
    print(f"heavy ball: largest relative deviation of the measured rate from (sqrt(kappa)-1)/(sqrt(kappa)+1): "
          f"{worst:.3%} (target <= 2%)")
    return [Result("tuned heavy ball: measured rate vs (√κ−1)/(√κ+1), κ = 10…1e4",
                   f"largest deviation {worst:.3%}", "≤ 2%", worst <= 0.02)]


if __name__ == "__main__":
    main()
