"""Grid sweep: one vectorised `run` over an (η, γ) grid against a Python loop that calls
`run` once per setting, in the same process (ratios, not absolute times, are the result).

Usage: python benchmarks/grid_sweep.py [--size N] [--steps T]
"""

import argparse
import time

import numpy as np

import momentum as m


def best_of(repeats, function):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200, help="grid points per axis (default 200)")
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args()

    valley = m.problems.Quadratic.from_eigenvalues([1.0, 25.0], m.problems.rotation_2d(0.5))
    lrs = np.linspace(1e-3, 0.08, args.size)
    momenta = np.linspace(0.0, 0.99, args.size)
    x0 = np.array([1.0, 1.0])

    def vectorised():
        return m.run(m.HeavyBall(lrs[:, None], momenta[None, :]), valley, x0, args.steps, on_divergence="mark")

    # The loop is timed on every 10th row and scaled, to keep the benchmark short.
    rows = range(0, args.size, 10)

    def looped():
        return {(i, j): m.run(m.HeavyBall(lrs[i], momenta[j]), valley, x0, args.steps, on_divergence="mark")
                for i in rows for j in range(args.size)}

    grid_time, grid = best_of(3, vectorised)
    loop_time, singles = best_of(1, looped)
    loop_time *= args.size / len(rows)
    identical = all(np.array_equal(grid.params[:, i, j], run.params, equal_nan=True) for (i, j), run in singles.items())
    print(f"grid {args.size}x{args.size}, {args.steps} steps, 2-D quadratic")
    print(f"  vectorised run:          {grid_time:8.2f} s")
    print(f"  loop of runs (scaled):   {loop_time:8.2f} s")
    print(f"  speed-up:                {loop_time / grid_time:8.1f}x")
    print(f"  identical numbers:       {identical}")


if __name__ == "__main__":
    main()
