"""Build and tests: wall time of `make book` (notebook execution included) and of
`make test`, in a warm environment (the virtual environment, MathJax and Chromium
already installed), with the execution time of every chapter and of every stage of the
suite. Targets on a 2-core machine: build < 2 min, tests < 5 min.

The commands' full output goes to _build/bench-make-book.log and _build/bench-make-test.log.

Usage: python benchmarks/build_and_tests.py [--no-test]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from common import Result

ROOT = Path(__file__).resolve().parents[1]
# How each stage of `make test` starts: a piece of the command make echoes.
STAGES = {
    "ruff check": "lint (ruff)",
    "pytest tests -n": "unit and property tests",
    "--nbval": "nbval: every chapter re-executed",
    "config-committed-outputs.yml --all": "book build, -W (committed outputs)",
    "pytest tests/browser": "browser tests (Chromium)",
    "--builder singlehtml": "PDF (single page + print)",
}
EXECUTED = re.compile(r"(\S+\.ipynb): Executed notebook in ([\d.]+) seconds")


def timed_make(target: str) -> tuple[float, list[tuple[float, str]], str]:
    """Run ``make target`` from the repository root; returns the wall time, the times
    at which each stage started, and the output. Stages and executed notebooks are
    reported on stderr as they happen."""
    log = ROOT / "_build" / f"bench-make-{target}.log"
    log.parent.mkdir(exist_ok=True)
    started, marks, lines = time.perf_counter(), [], []
    print(f"make {target} ...", flush=True)
    with subprocess.Popen(["make", target], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as make:
        for line in make.stdout:
            lines.append(line)
            now = time.perf_counter() - started
            for marker, stage in STAGES.items():
                if marker in line and stage not in (name for _, name in marks):
                    marks.append((now, stage))
                    print(f"  {now:6.1f} s  {stage}", file=sys.stderr, flush=True)
            if executed := EXECUTED.search(line):
                print(f"  {now:6.1f} s  executed {Path(executed[1]).name}", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    output = "".join(lines)
    log.write_text(output)
    if make.returncode:
        raise SystemExit(f"make {target} failed (exit {make.returncode}); see {log}")
    return elapsed, marks, output


def main() -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-test", action="store_true", help="time only `make book`")
    args, _ = parser.parse_known_args()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")

    book_time, _, output = timed_make("book")
    chapters = [(Path(path).name, float(seconds)) for path, seconds in EXECUTED.findall(output)]
    print(f"make book: {book_time:.1f} s, of which executing the {len(chapters)} notebooks "
          f"{sum(t for _, t in chapters):.1f} s:")
    for name, seconds in sorted(chapters, key=lambda item: -item[1]):
        print(f"  {name:28s} {seconds:5.1f} s")
    results = [Result("`make book` (warm; every notebook executed)", f"{book_time:.0f} s", "< 120 s", book_time < 120)]
    if args.no_test:
        return results

    test_time, marks, _ = timed_make("test")
    print(f"make test: {test_time:.1f} s")
    ends = [start for start, _ in marks[1:]] + [test_time]
    for (start, stage), end in zip(marks, ends, strict=True):
        print(f"  {stage:40s} {end - start:6.1f} s")
    print("(each chapter is executed once in make test, by nbval; the book build renders the committed outputs "
          "that nbval has just checked)")
    results.append(Result("`make test` (warm; lint, unit, nbval, build, browser, PDF)", f"{test_time:.0f} s",
                          "< 300 s", test_time < 300))
    return results


if __name__ == "__main__":
    main()
