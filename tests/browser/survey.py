"""Run every reader check on every page once and print a summary (not a test).

    .venv/bin/python tests/browser/survey.py [--json out.json] [--checks text,figures,...]

Uses the same sites as the tests (``MOMENTUM_SITE``, ``MOMENTUM_SINGLEHTML``) and prints,
per check, how many pages fail and the problems of each failing page: a quick way to
see what the browser suite will report, with one page load per page, width and mode.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[2] / "tools")]

from checks import (  # noqa: E402
    axe_problems,
    figure_problems,
    licence_problems,
    math_problems,
    sideways_problems,
    visible_text_problems,
)
from conftest import PageVisit  # noqa: E402
from offline_browser import launch, serve  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sites import PAGES, SINGLE_PAGE, SINGLEHTML, SITE  # noqa: E402

CHECKS = ["text", "figures", "sideways", "axe", "licence"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the problems to this file")
    parser.add_argument("--checks", default=",".join(CHECKS), help=f"comma-separated subset of {CHECKS}")
    args = parser.parse_args()
    wanted = set(args.checks.split(","))
    found: dict[str, dict[str, list[str]]] = {check: {} for check in CHECKS}
    with sync_playwright() as playwright, serve(SITE) as base, serve(SINGLEHTML) as single:
        browser = launch(playwright)
        targets = [(path, base) for path in PAGES] + [(SINGLE_PAGE, single)]
        for path, server in targets:
            site = SINGLEHTML if server == single else SITE
            for width in (1280, 390):
                visit = PageVisit(browser, server, path, width)
                page = visit.page
                if width == 1280:
                    if "text" in wanted:
                        found["text"][path] = math_problems(page) + visible_text_problems(page)
                    if "licence" in wanted:
                        found["licence"][path] = licence_problems(page)
                    if "axe" in wanted and server == base:
                        found["axe"][f"{path} light"] = axe_problems(page)
                if "figures" in wanted and server == base:
                    found["figures"][f"{path} @{width}"] = figure_problems(page, site, width, size_only=width == 390)
                if "sideways" in wanted:
                    found["sideways"][f"{path} @{width}"] = sideways_problems(page, tables=width == 1280)
                visit.close()
            if "axe" in wanted and server == base:
                visit = PageVisit(browser, server, path, 1280, "dark")
                found["axe"][f"{path} dark"] = axe_problems(visit.page)
                visit.close()
            for check, pages in found.items():
                for key, problems in pages.items():
                    if key.split()[0] == path and problems:
                        print(f"{check} {key}: " + " | ".join(p[:200] for p in problems[:4]), flush=True)
        browser.close()
    for check, pages in found.items():
        failing = {page: problems for page, problems in pages.items() if problems}
        if check in wanted:
            print(f"== {check}: {len(failing)} of {len(pages)} failing")
            for page, problems in failing.items():
                print(f"  {page}: {len(problems)} problems")
                for problem in problems[:6]:
                    print(f"      {problem[:300]}")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
