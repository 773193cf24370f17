"""A text progress bar for long loops: ``run(..., progress=True)`` and the benchmarks.

The bar goes to standard error, so it never mixes with printed results: on a terminal or
in Jupyter it is redrawn in place, in a log it adds one line per tenth of the work.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from momentum import _checks

T = TypeVar("T")
WIDTH = 20


def progress(items: Iterable[T], label: str, total: int | None = None, stream: TextIO | None = None) -> Iterator[T]:
    """Yield ``items`` while drawing ``label [#####     ] done/total  seconds``.

    Args:
        items: what to iterate over.
        label: shown before the bar.
        total: the number of items, if ``items`` has no length.
        stream: where to draw (default: ``sys.stderr`` at the time of the call).
    """
    stream = sys.stderr if stream is None else stream
    if total is not None:
        total = _checks.integer("total", total, 0)
    if total is None:
        items = list(items)
        total = len(items)
    # A terminal, or Jupyter's stderr (an ipykernel stream), redraws a line on "\r".
    live = stream.isatty() or type(stream).__module__.startswith("ipykernel")
    started, shown = time.perf_counter(), -1
    for done, item in enumerate(items, 1):
        yield item
        # Redraw when the bar grows (live), or at each tenth of the work (logs).
        mark = WIDTH * done // max(total, 1) if live else 10 * done // max(total, 1)
        if mark != shown:
            shown = mark
            bar = "#" * (WIDTH * done // max(total, 1))
            line = f"{label} [{bar:{WIDTH}s}] {done}/{total} {time.perf_counter() - started:6.1f} s"
            stream.write(f"\r{line}" if live else f"{line}\n")
            stream.flush()
    if live and total:
        stream.write("\n")
