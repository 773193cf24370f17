"""What the benchmarks share: timing by best of interleaved repeats, a progress bar, and
the result rows that ``run_all.py`` collects into ``RESULTS.md``.

The machine is shared and noisy, so no benchmark trusts an absolute time: each runs its
baseline in the same process, interleaved with the candidates, and reports ratios.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Result:
    """One line of RESULTS.md: what was measured, the figure, the target and whether it was met."""

    question: str
    measured: str
    target: str
    met: bool


def best_times(functions: dict[str, Callable[[], object]], repeats: int, label: str = "timing") -> dict[str, float]:
    """Best (smallest) wall time of each function over ``repeats`` rounds; each round
    runs every function once, so that a slow spell of the machine hits all of them."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in progress(range(repeats), label):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while drawing a progress bar on stderr: redrawn in place on a
    terminal, one line per tenth of the work in a log."""
    items = list(items) if total is None else items
    total = len(items) if total is None else total
    live, started, shown = sys.stderr.isatty(), time.perf_counter(), -1
    for done, item in enumerate(items, 1):
        yield item
        tenth = 10 * done // max(total, 1)
        if live or tenth != shown:
            shown = tenth
            bar = "#" * (20 * done // max(total, 1))
            line = f"  {label:28s} [{bar:20s}] {done}/{total} {time.perf_counter() - started:6.1f} s"
            sys.stderr.write(("\r" + line) if live else (line + "\n"))
            sys.stderr.flush()
    if live:
        sys.stderr.write("\n")


def markdown_table(results: Iterable[Result]) -> str:
    lines = ["| question | measured | target | met |", "|---|---|---|---|"]
    lines += [f"| {r.question} | {r.measured} | {r.target} | {'yes' if r.met else '**no**'} |" for r in results]
    return "\n".join(lines)
