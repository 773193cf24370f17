"""Live explorers: how long a slider move takes to redraw, and what the explorers add to a page.

Opens the valley explorer (chapter 1 of the built site) in headless Debian Chromium, sets
500 steps, and moves its momentum slider 50 times (after 5 warm-up moves) the way a reader
does: the input's value changes and an ``input`` event fires. Per move it times, with
``performance.now()`` in the page, the explorer's own work (500 steps of the 2-D valley
recomputed and the contour plot, path and loss curve redrawn: ``script``) and that plus
the browser's style and layout of the changed page, forced at once (``script + layout``);
painting happens at the next frame and is not included. Reported: median and 95th
percentile against one frame (16 ms) on this machine.

Also counts the bytes (uncompressed) that the explorer files add to each page that
embeds one: the d3 modules, ``core.js``, ``ui.js``, the CSS and the explorer modules,
against the 300 KB budget.

Usage: python benchmarks/explorer_speed.py [--site _build/html] [--moves 50]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import numpy as np
from common import Result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from offline_browser import launch, serve  # noqa: E402

FRAME_MS = 16.0
MAX_BYTES = 300_000
PAGE = "chapters/01_why_momentum.html"

MOVE = """async ([value, steps]) => {
  const root = document.querySelector(".momentum-explorer[data-explorer='valley']");
  const explorer = window.momentumExplorers.valley;
  if (explorer.read().settings.steps !== steps) explorer.set({steps: steps});
  const input = root.querySelector("input[data-control=momentum]");
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));  // start on a quiet frame
  const start = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event("input", {bubbles: true}));
  const script = performance.now() - start;
  root.getBoundingClientRect(); document.body.offsetHeight;  // style and layout, now
  const layout = performance.now() - start;
  return [script, layout, explorer.read().settings.momentum, explorer.read().params.length];
}"""


def explorer_bytes(site: Path) -> dict[str, int]:
    """Per page that embeds an explorer: the uncompressed bytes of the explorer files it loads
    (the stylesheet and loader at once, the rest, listed in the loader's data-scripts, when
    the reader scrolls near an explorer)."""
    sizes = {}
    for html in sorted(site.glob("chapters/*.html")):
        text = html.read_text()
        if "data-explorer=" not in text:
            continue
        files = set(re.findall(r'(?:src|href)="\.\./(_static/explorers/[\w.-]+)', text))
        files |= {f"_static/{name}" for name in re.findall(r'data-scripts="([^"]*)"', text)[0].split()}
        sizes[html.stem] = sum((site / name).stat().st_size for name in files)
    return sizes


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="a built HTML site")
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--steps", type=int, default=500)
    args, _ = parser.parse_known_args(argv)  # run_all.py passes its own options through
    if not (args.site / PAGE).is_file():
        raise SystemExit(f"no built site with {PAGE} at {args.site}: run `make book` first")
    from playwright.sync_api import sync_playwright

    # momenta from 0.57 to 0.96 at the tuned learning rate of κ = 50: every run stable, all steps drawn
    values = [round(0.57 + 0.01 * (k % 40), 2) for k in range(args.moves + 5)]
    with serve(args.site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + PAGE, wait_until="load")
        page.locator(".momentum-explorer[data-explorer='valley']").scroll_into_view_if_needed()  # loads it
        page.wait_for_function("() => window.momentumExplorers && window.momentumExplorers.valley")
        timings = []
        for value in values:
            script, layout, momentum, iterates = page.evaluate(MOVE, [value, args.steps])
            if momentum != value or iterates != args.steps + 1:
                raise RuntimeError(f"the slider move did not take: momentum {momentum} (set {value}), "
                                   f"{iterates} iterates")
            timings.append((script, layout))
        browser.close()
    if errors:
        raise RuntimeError(f"errors in the page: {errors}")
    script, layout = (np.array(column[5:]) for column in zip(*timings, strict=True))
    sizes = explorer_bytes(args.site)
    heaviest = max(sizes, key=sizes.get) if sizes else "no page"
    print(f"{len(script)} moves of the momentum slider, {args.steps} steps of the 2-D valley:")
    for name, values_ in [("script", script), ("script + layout", layout)]:
        print(f"  {name:16s} median {np.median(values_):6.2f} ms, "
              f"95th percentile {np.percentile(values_, 95):6.2f} ms, max {values_.max():6.2f} ms")
    for name, size in sizes.items():
        print(f"  {name}: explorer files {size / 1e3:.1f} kB")
    p95 = float(np.percentile(layout, 95))
    load = os.getloadavg()[0]  # the machine is shared: a busy one delays some frames
    print(f"  load average during the run: {load:.1f} on {len(os.sched_getaffinity(0))} cores")
    return [
        Result(f"valley explorer: redraw per slider move, {args.steps} steps (median / 95th percentile of "
               f"{len(layout)} moves, script + layout)",
               f"{np.median(layout):.1f} / {p95:.1f} ms (load average {load:.1f})", f"≤ {FRAME_MS:.0f} ms (one frame)",
               p95 <= FRAME_MS),
        Result("explorer code + d3 added to a page (uncompressed, heaviest page)",
               f"{sizes.get(heaviest, 0) / 1e3:.0f} kB ({heaviest})", f"≤ {MAX_BYTES / 1e3:.0f} kB",
               bool(sizes) and sizes[heaviest] <= MAX_BYTES),
    ]


if __name__ == "__main__":
    for result in main():
        print(result)
