"""Grid sweep: one vectorised `run` over a 200 x 200 (eta, gamma) grid x 500 steps on the
2-D quadratic, against a Python loop that calls `run` once per setting, in the same
process. Target: >= 20x faster, identical numbers.

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
    identical = all(np.array_equal(grid.params[:, i, j], run.params, equal_nan=True)
                    and grid.diverged_at[i, j] == run.diverged_at for (i, j), run in singles.items())
    speedup = loop_time / grid_time
    print(f"grid {args.size}x{args.size}, {args.steps} steps, 2-D quadratic")
    print(f"  vectorised run:          {grid_time:8.2f} s")
    print(f"  loop of runs (scaled):   {loop_time:8.2f} s")
    print(f"  speed-up:                {speedup:8.1f}x")
    print(f"  identical numbers:       {identical} (every iterate of {len(singles):,} settings, bit for bit)")
    return [Result(f"{args.size}×{args.size} (η, γ) grid × {args.steps} steps: one vectorised run vs a loop of runs",
                   f"{speedup:.0f}× faster, identical: {'yes' if identical else 'NO'}", "≥ 20×, identical",
                   speedup >= 20 and identical)]


if __name__ == "__main__":
    main()
