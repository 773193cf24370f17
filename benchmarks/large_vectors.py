"""Large vectors: one optimizer step on a 10-million-element float64 vector, in place,
against the memory-traffic bound and PyTorch measured in the same run.

A step on a large vector does almost no arithmetic per element, so its speed limit is
memory traffic: the arrays it must read and write. The bound is measured here, not
assumed: ``np.copyto`` moves two arrays (one read, one write), so an update that must
move k arrays cannot beat k/2 copy times. (A copy also pays a write-allocate read of
its destination that updates in place do not, so the copy bound is a little loose; the
stricter "in-place" bound below scales an in-place ``a += b``, which moves three arrays.)

Arrays each step must move, the gradient given:

* gradient descent: read θ, g; write θ, v (the velocity records the step) — 4
* heavy ball, EMA, TorchSGD (with or without nesterov): read θ, v, g; write θ, v — 5
* Nesterov, EMA Nesterov (look-ahead form): the look-ahead point θ − γv must exist as
  an array for the gradient function (read θ, v; write the point), then the update — 8

PyTorch (``torch.optim.SGD``, CPU, float64, its default threads) runs on the same data
where it is installed. Peak memory is what ``tracemalloc`` sees allocated during one
step, beyond the arrays that persist.

Usage: python benchmarks/large_vectors.py [--size N] [--repeats R]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import tracemalloc
from functools import partial

import numpy as np
from common import Result, best_times

import momentum as m
from momentum import _blocks
from momentum.progress import progress

LR, MOMENTUM = 1e-3, 0.9
CASES = {  # name: (optimizer, arrays moved, PyTorch's equivalent SGD settings or None)
    "gradient descent": (m.GradientDescent(LR), 4, None),
    "heavy ball": (m.HeavyBall(LR, MOMENTUM), 5, None),
    "EMA momentum": (m.EMAMomentum(LR, MOMENTUM), 5, None),
    "Nesterov": (m.Nesterov(LR, MOMENTUM), 8, None),
    "EMA Nesterov": (m.EMANesterov(LR, MOMENTUM), 8, None),
    "TorchSGD": (m.TorchSGD(LR, MOMENTUM), 5, {"momentum": MOMENTUM}),
    "TorchSGD nesterov": (m.TorchSGD(LR, MOMENTUM, nesterov=True), 5, {"momentum": MOMENTUM, "nesterov": True}),
}


def peak_bytes(function) -> int:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def torch_step(settings: dict, x0: np.ndarray, grad: np.ndarray):
    """A ``torch.optim.SGD`` step function on tensors sharing memory with copies of our data."""
    import torch

    param = torch.from_numpy(x0.copy()).requires_grad_()
    param.grad = torch.from_numpy(grad)
    sgd = torch.optim.SGD([param], lr=LR, **settings)
    sgd.step()  # the first step creates the momentum buffer
    return sgd.step


def main() -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    args, _ = parser.parse_known_args()
    n, mib = args.size, args.size * 8 / 2**20
    rng = np.random.default_rng(0)
    x0, grad = rng.standard_normal(n), rng.standard_normal(n)
    source, target, other = rng.standard_normal(n), np.empty(n), rng.standard_normal(n)
    have_torch = importlib.util.find_spec("torch") is not None

    def given_gradient(x: np.ndarray) -> np.ndarray:
        return grad

    functions = {"copy": partial(np.copyto, target, source), "in-place add": partial(np.add, other, source, out=other)}
    states = {}
    for name, (optimizer, _, _) in CASES.items():
        states[name] = optimizer.step_inplace(optimizer.init(x0), given_gradient)  # past TorchSGD's first step
        functions[name] = partial(optimizer.step_inplace, states[name], given_gradient)
        functions[name + " (functional)"] = partial(optimizer.step, states[name], given_gradient)
    for name, (_, _, torch_settings) in CASES.items():
        if have_torch and torch_settings:
            functions[name + " (PyTorch)"] = torch_step(torch_settings, x0, grad)
    # PyTorch's OpenMP threads keep spinning for a while after each operation and would
    # slow whatever runs next on the same cores: its steps come last in each round, and
    # the round ends with a short rest.
    times = best_times(functions, args.repeats, f"{n:,}-element steps", settle=0.3)
    peaks = {name: peak_bytes(functions[name]) / 2**20
             for name in progress([*CASES, *(case + " (functional)" for case in CASES)], "peak memory")}

    per_array_copy, per_array_inplace = times["copy"] / 2, times["in-place add"] / 3
    torch_threads = f"PyTorch {importlib.import_module('torch').get_num_threads()}" if have_torch else \
        "PyTorch not installed"
    print(f"{n:,} float64 elements ({mib:.0f} MiB per array); {_blocks.THREADS} thread(s) for our steps, "
          f"{torch_threads}")
    print(f"copy bound: {2 * mib / 1024 / times['copy']:.1f} GiB/s moved by np.copyto; "
          f"in-place bound: {3 * mib / 1024 / times['in-place add']:.1f} GiB/s by a += b")
    print(f"{'optimizer':18s} {'arrays':>6s} {'in place':>9s} {'of copy':>8s} {'of in-pl.':>9s} "
          f"{'functional':>10s} {'PyTorch':>8s} {'peak in place':>14s} {'functional':>10s}")
    results, worst, worst_inplace, torch_ratios = [], float("inf"), float("inf"), []
    for name, (_, arrays, _) in CASES.items():
        ours = times[name]
        of_copy, of_inplace = arrays * per_array_copy / ours, arrays * per_array_inplace / ours
        worst, worst_inplace = min(worst, of_copy), min(worst_inplace, of_inplace)
        peak_inplace, peak_functional = peaks[name], peaks[name + " (functional)"]
        pytorch = times.get(name + " (PyTorch)")
        if pytorch:
            torch_ratios.append(pytorch / ours)
        print(f"{name:18s} {arrays:6d} {ours * 1e3:6.1f} ms {of_copy:8.2f} {of_inplace:9.2f} "
              f"{times[name + ' (functional)'] * 1e3:7.1f} ms "
              + (f"{pytorch * 1e3:5.1f} ms" if pytorch else f"{'-':>8s}")
              + f" {peak_inplace:10.1f} MiB {peak_functional:6.0f} MiB")
    print("('of copy' / 'of in-pl.': the bound's time over ours, so 1.0 is at the bound; 'functional' is step(), "
          "which returns new arrays)")
    size = f"{n / 1e6:g}M-element"
    results.append(Result(f"{size} in-place step, slowest optimizer vs the memory-traffic bound",
                          f"{worst:.2f} of the copy bound ({worst_inplace:.2f} of the stricter in-place bound)",
                          "≥ 0.7", worst >= 0.7))
    lookahead = {"Nesterov", "EMA Nesterov"}
    largest = max(peaks[name] for name in CASES if name not in lookahead)
    results.append(Result(f"{size} step, peak memory allocated during the step",
                          f"in place ≤ {largest:.1f} MiB ({peaks['Nesterov']:.0f} MiB with Nesterov's look-ahead "
                          f"point); step() {min(peaks[n + ' (functional)'] for n in CASES):.0f}–"
                          f"{max(peaks[n + ' (functional)'] for n in CASES):.0f} MiB",
                          f"no array-sized temporaries ({mib:.0f} MiB)", largest < mib / 4))
    if torch_ratios:
        results.append(Result(f"{size} TorchSGD step vs torch.optim.SGD (same settings)",
                               f"PyTorch time / ours = {min(torch_ratios):.2f} (worst of plain, nesterov)",
                               "≥ 1 (not slower)", min(torch_ratios) >= 1))
    block_sweep(n)
    return results


def block_sweep(n: int) -> None:
    """Heavy-ball step time against the block size (the default of ``step_inplace``'s ``block_size``)."""
    chosen = _blocks.BLOCK
    optimizer, grad = m.HeavyBall(LR, MOMENTUM), np.ones(n)
    state = optimizer.init(np.ones(n))
    sizes = [1 << k for k in range(14, 21)] + [chosen]
    functions = {size: partial(optimizer.step_inplace, state, lambda x: grad, block_size=size)
                 for size in sorted(set(sizes))}
    times = best_times(functions, 5, "block sizes")
    print("heavy-ball step by block size: " + ", ".join(
        f"{size // 1024} Ki{'*' if size == chosen else ''} {t * 1e3:.1f} ms" for size, t in times.items())
        + "   (* = BLOCK)")


if __name__ == "__main__":
    main()
