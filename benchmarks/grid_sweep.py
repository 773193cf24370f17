"""Grid sweep: one vectorised `run` over a 200 x 200 (eta, gamma) grid x 500 steps on the
2-D quadratic, against a Python loop that calls `run` once per setting, in the same
process. Target: >= 20x faster, and the same numbers up to rounding: the quadratic's
gradient is one BLAS call (gemm) for the grid and another (gemv) for a single setting,
which OpenBLAS's FMA kernels round differently, so the two are never claimed to be bit
for bit equal. The deviation is reported as the largest difference of any iterate, in
units of ε (machine epsilon) times the values' scale max(1, max|θ_t|) at that step
(tests/helpers.path_deviation); the target is <= 32 ε (the bound tests/test_batching.py
asserts) with the same divergence step for every setting.

The loop is timed on every 10th row of the grid (4,000 runs) and scaled to the whole.

Usage: python benchmarks/grid_sweep.py [--size N] [--steps T]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import Result, best_times

import momentum as m
from momentum.progress import progress

EPS = np.finfo(float).eps
BOUND = 32  # ε of the values' scale


def deviation(a: np.ndarray, b: np.ndarray) -> float:
    """Largest |a - b| at any step in units of ε·max(1, max|a_t|); inf if the runs are not
    finite (diverged, NaN) at the same places."""
    finite = np.isfinite(a)
    if not np.array_equal(finite, np.isfinite(b)):
        return np.inf
    a, b = np.where(finite, a, 0.0), np.where(finite, b, 0.0)
    scale = np.maximum(1.0, np.abs(a).reshape(a.shape[0], -1).max(axis=1))
    return float((np.abs(a - b).reshape(a.shape[0], -1).max(axis=1) / scale).max() / EPS)


def main() -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200, help="grid points per axis (default 200)")
    parser.add_argument("--steps", type=int, default=500)
    args, _ = parser.parse_known_args()

    valley = m.problems.Quadratic.from_eigenvalues([1.0, 25.0], m.problems.rotation_2d(0.5))
    lrs = np.linspace(1e-3, 0.08, args.size)
    momenta = np.linspace(0.0, 0.99, args.size)
    x0 = np.array([1.0, 1.0])

    def vectorised():
        return m.run(m.HeavyBall(lrs[:, None], momenta[None, :]), valley, x0, args.steps, on_divergence="mark")

    grid_time = best_times({"grid": vectorised}, 3, "vectorised run")["grid"]
    grid = vectorised()
    rows = range(0, args.size, 10)
    started = time.perf_counter()
    singles = {(i, j): m.run(m.HeavyBall(lrs[i], momenta[j]), valley, x0, args.steps, on_divergence="mark")
               for i in progress(rows, "loop of runs") for j in range(args.size)}
    loop_time = (time.perf_counter() - started) * args.size / len(rows)
    worst = max(deviation(grid.params[:, i, j], run.params) for (i, j), run in singles.items())
    bitwise = sum(np.array_equal(grid.params[:, i, j], run.params, equal_nan=True) for (i, j), run in singles.items())
    same_divergence = all(grid.diverged_at[i, j] == run.diverged_at for (i, j), run in singles.items())
    agree = worst <= BOUND and same_divergence
    speedup = loop_time / grid_time
    print(f"grid {args.size}x{args.size}, {args.steps} steps, 2-D quadratic")
    print(f"  vectorised run:          {grid_time:8.2f} s")
    print(f"  loop of runs (scaled):   {loop_time:8.2f} s")
    print(f"  speed-up:                {speedup:8.1f}x")
    print(f"  max deviation:           {worst:8.1f} ε of the values' scale (every iterate of {len(singles):,} "
          f"settings; bound {BOUND} ε)")
    print(f"  bit for bit equal:       {bitwise:,} of {len(singles):,} settings (depends on the BLAS kernel)")
    print(f"  same divergence steps:   {same_divergence}")
    return [Result(f"{args.size}×{args.size} (η, γ) grid × {args.steps} steps: one vectorised run vs a loop of runs",
                   f"{speedup:.0f}× faster, max deviation {worst:.0f} ε of the values' scale"
                   f"{'' if same_divergence else ', divergence steps DIFFER'}",
                   f"≥ 20×, ≤ {BOUND} ε, same divergence steps", speedup >= 20 and agree)]


if __name__ == "__main__":
    main()
