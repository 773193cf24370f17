"""Build and tests: how long a reader waits from a fresh clone to the built site (`make
book` doing every set-up step: virtual environment, packages, KaTeX and d3, then executing
every notebook and running Sphinx), then `make book` again in the warm working tree, and
`make test`; with the time of every set-up step, of every chapter and of every stage of
the suite. Targets on a 2-core machine: fresh clone to site < 2 min; `make test` < 15 min
(CI's limit, on a fresh clone; the suite is meant to stay well under it).

The fresh clone is a copy, in a temporary folder, of the files a clone of this working
tree would hold (`git ls-files`: committed files with their working-tree changes, and
untracked files that are not ignored; so no .venv, _build, node_modules or KaTeX copy).
Download caches (uv's, npm's) are the machine's own, as for a reader's second clone or CI.

The commands' full output goes to _build/bench-make-*.log.

Usage: python benchmarks/build_and_tests.py [--no-fresh] [--no-test]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Result

ROOT = Path(__file__).resolve().parents[1]
# How each step of a fresh `make book` starts: a piece of the line make echoes.
SETUP_STAGES = {
    "-m venv .venv": "virtual environment (python -m venv)",
    "-c constraints.txt uv": "uv (installed by pip)",
    '-e ".[book]"': "book packages (uv)",
    "import matplotlib.pyplot": "matplotlib's font cache",
    "npm ci": "KaTeX and d3 (npm ci, copy)",
    "tools/build_book.py": "book build (notebooks, Sphinx)",
    "--language zh_CN": "Chinese edition (Sphinx, committed outputs)",
}
# How each stage of `make test` starts.
TEST_STAGES = {
    '-e ".[test]"': "test tooling (uv), PyTorch (pip)",
    "ruff check": "lint (ruff)",
    "pytest tests -n": "unit and property tests",
    "--nbval": "nbval: every chapter re-executed",
    "build-check singlehtml slides translations-check": "builds side by side: both editions (-W, committed "
                                                         "outputs), single page, slides, catalogues in step",
    "pytest tests/browser": "browser tests, both editions (Chromium)",
    "pdf-en pdf-zh": "print editions, both (print, read back)",
    "lab-test handouts-check-en handouts-check-zh": "JupyterLab (set-up, headless) beside each edition's handouts "
                                                     "(made, read back), three at once",
}
EXECUTED = re.compile(r"(\S+\.ipynb): Executed notebook in ([\d.]+) seconds")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def cpu_seconds() -> float:
    """User + system CPU time of the finished child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_make(target: str, cwd: Path = ROOT, stages: dict[str, str] | None = None,
               log_name: str | None = None) -> tuple[float, list[tuple[float, str]], str]:
    """Run ``make target`` in ``cwd``; returns the wall time, the times at which each
    stage started, and the output. Stages and executed notebooks are reported on stderr
    as they happen; the CPU time of everything make ran is printed at the end (on a
    shared machine it is steadier than the wall time)."""
    log = ROOT / "_build" / f"bench-make-{log_name or target}.log"
    log.parent.mkdir(exist_ok=True)
    cpu_before = cpu_seconds()
    started, marks, lines = time.perf_counter(), [], []
    print(f"make {target} (in {cwd}) ...", flush=True)
    with subprocess.Popen(["make", target], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as make:
        for line in make.stdout:
            lines.append(line)
            now, plain = time.perf_counter() - started, ANSI.sub("", line)
            for marker, stage in (stages or {}).items():
                if marker in plain and stage not in (name for _, name in marks):
                    marks.append((now, stage))
                    print(f"  {now:6.1f} s  {stage}", file=sys.stderr, flush=True)
            if executed := EXECUTED.search(plain):
                print(f"  {now:6.1f} s  executed {Path(executed[1]).name}", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(f"make {target}: {elapsed:.1f} s wall, {cpu_seconds() - cpu_before:.1f} s CPU (user + system, all "
          f"processes); load average {os.getloadavg()[0]:.2f}", flush=True)
    output = "".join(lines)
    log.write_text(output)
    if make.returncode:
        raise SystemExit(f"make {target} failed (exit {make.returncode}); see {log}")
    return elapsed, marks, output


def stage_times(marks: list[tuple[float, str]], total: float) -> list[tuple[str, float]]:
    """(stage, duration) from the stages' start times; the time before the first stage
    (make reading the Makefile, the tool check) is listed as "other"."""
    ends = [start for start, _ in marks[1:]] + [total]
    durations = [(stage, end - start) for (start, stage), end in zip(marks, ends, strict=True)]
    return ([("other (make, tool check)", marks[0][0])] if marks else []) + durations


def executed_chapters(output: str) -> list[tuple[str, float]]:
    return [(Path(path).name, float(seconds)) for path, seconds in EXECUTED.findall(ANSI.sub("", output))]


def fresh_clone(destination: Path) -> int:
    """Copy the files a clone of this working tree would hold into ``destination``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    copied = 0
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file() or source.is_symlink():  # a tracked file deleted in the working tree is left out
            target = destination / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
            copied += 1
    return copied


def fresh_book() -> Result:
    with tempfile.TemporaryDirectory(prefix="momentum-fresh-clone-") as folder:
        clone = Path(folder) / "momentum"
        print(f"fresh clone: {fresh_clone(clone)} files copied to {clone}; "
              f"load average {os.getloadavg()[0]:.2f}")
        total, marks, output = timed_make("book", clone, SETUP_STAGES, log_name="book-fresh-clone")
    stages = stage_times(marks, total)
    chapters = executed_chapters(output)
    notebooks = sum(seconds for _, seconds in chapters)
    build = dict(stages).get("book build (notebooks, Sphinx)", 0.0)
    chinese = dict(stages).get("Chinese edition (Sphinx, committed outputs)", 0.0)
    print(f"fresh clone -> built site: {total:.1f} s (load average after: {os.getloadavg()[0]:.2f})")
    for stage, seconds in stages:
        print(f"  {stage:40s} {seconds:6.1f} s")
    print(f"    of the build: executing the {len(chapters)} notebooks {notebooks:.1f} s, "
          f"Sphinx and the rest {build - notebooks:.1f} s")
    parts = (f"set-up {total - build - chinese:.0f} s, notebooks {notebooks:.0f} s, Sphinx {build - notebooks:.0f} s; "
             f"Chinese edition {chinese:.0f} s")
    # The English site within two minutes; the Chinese edition adds at most 30 s (issue 16).
    return Result("fresh clone → built site, both editions (`make book`: set-up, every notebook executed)",
                  f"{total:.0f} s ({parts})", "English < 120 s, Chinese ≤ 30 s more",
                  total - chinese < 120 and chinese <= 30)


def main() -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-fresh", action="store_true", help="skip the fresh-clone build")
    parser.add_argument("--no-test", action="store_true", help="skip `make test`")
    args, _ = parser.parse_known_args()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")
    results = [] if args.no_fresh else [fresh_book()]

    book_time, _, output = timed_make("book")
    chapters = executed_chapters(output)
    print(f"make book (warm): {book_time:.1f} s, of which executing the {len(chapters)} notebooks "
          f"{sum(t for _, t in chapters):.1f} s:")
    for name, seconds in sorted(chapters, key=lambda item: -item[1]):
        print(f"  {name:28s} {seconds:5.1f} s")
    results.append(Result("`make book` again (warm; every notebook executed)", f"{book_time:.0f} s", "< 120 s",
                          book_time < 120))
    if args.no_test:
        return results

    test_time, marks, _ = timed_make("test", stages=TEST_STAGES)
    print(f"make test: {test_time:.1f} s")
    for stage, seconds in stage_times(marks, test_time):
        print(f"  {stage:40s} {seconds:6.1f} s")
    print("(each chapter is executed once in make test, by nbval; the book build renders the committed outputs "
          "that nbval has just checked)")
    results.append(Result("`make test` (warm; lint, unit, nbval, both editions: builds, browser, PDF, handouts; "
                          "slides, JupyterLab)", f"{test_time:.0f} s", "< 720 s", test_time < 720))
    return results


if __name__ == "__main__":
    main()
