"""What the benchmarks share: timing by best of interleaved repeats, and the result rows
that ``run_all.py`` collects into ``RESULTS.md``.

The machine is shared and noisy, so no benchmark trusts an absolute time: each runs its
baseline in the same process, interleaved with the candidates, and reports ratios.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable

from momentum.progress import progress


@dataclasses.dataclass(frozen=True)
class Result:
    """One line of RESULTS.md: what was measured, the figure, the target and whether it was met."""

    question: str
    measured: str
    target: str
    met: bool


def best_times(functions: dict[str, Callable[[], object]], repeats: int, label: str = "timing",
               settle: float = 0.0) -> dict[str, float]:
    """Best (smallest) wall time of each function over ``repeats`` rounds; each round
    runs every function once, in order, so that a slow spell of the machine hits all of
    them. ``settle`` seconds of rest follow each round (see large_vectors.py)."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in progress(range(repeats), label):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - started)
        time.sleep(settle)
    return best


def markdown_table(results: Iterable[Result]) -> str:
    lines = ["| question | measured | target | met |", "|---|---|---|---|"]
    lines += [f"| {r.question} | {r.measured} | {r.target} | {'yes' if r.met else '**no**'} |" for r in results]
    return "\n".join(lines)
