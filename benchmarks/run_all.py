"""Run every benchmark (what `make bench` does) and write the summary table to
benchmarks/RESULTS.md.

Usage: python benchmarks/run_all.py [--no-fresh] [--no-test]
  (--no-fresh: skip the fresh-clone build; --no-test: time `make book` but not `make test`)
"""

from __future__ import annotations

import datetime
import os
import platform
import time
from pathlib import Path

import build_and_tests
import explorer_speed
import grid_sweep
import large_vectors
import numpy as np
import page_weight
import rates
from common import markdown_table

# page_weight and explorer_speed load the site that build_and_tests has just built (_build/html).
BENCHMARKS = [grid_sweep, large_vectors, rates, build_and_tests, page_weight, explorer_speed]
RESULTS = Path(__file__).with_name("RESULTS.md")


def cpu_model() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def main() -> None:
    results, started = [], time.perf_counter()
    for module in BENCHMARKS:
        print(f"\n== benchmarks/{module.__name__}.py", flush=True)
        results += module.main()
    table = markdown_table(results)
    print(f"\n{table}\n(all benchmarks: {time.perf_counter() - started:.0f} s)")
    RESULTS.write_text(
        "# Benchmark results\n\n"
        f"Written by `make bench` on {datetime.date.today()}: {cpu_model()}, {len(os.sched_getaffinity(0))} "
        f"cores, Python {platform.python_version()}, NumPy {np.__version__}. Each script prints the details "
        "(`python benchmarks/<name>.py`); timings are best-of-repeats or ratios against baselines measured in the "
        "same run, because the machine is shared.\n\n"
        f"{table}\n"
        # Sections some benchmarks add below the table (page_weight.py: every page).
        + "".join(f"\n{module.SECTION}\n" for module in BENCHMARKS if getattr(module, "SECTION", "")))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
