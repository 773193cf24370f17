"""The built site in a real browser, offline: Debian's Chromium driven by Playwright.

Serves ``_build/html`` on 127.0.0.1, blocks (and records) every request that goes
anywhere else, and checks each page of the table of contents: no console errors, no
failed or external requests, math typeset by the site's own MathJax, every image
loaded with a non-zero size, internal links that resolve. Screenshots of a few pages
go to ``test-artifacts/``. Run by ``make browser`` (part of ``make test``) after
``make book``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from offline_browser import CHROMIUM, launch, serve, wait_for_mathjax

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by `make` (dev extra)")

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"


def toc_pages() -> list[str]:
    """Every page of _toc.yml, as paths relative to the site root."""
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{name}.html" for name in re.findall(r"(?:root|file):\s*(\S+)", toc)]


PAGES = toc_pages()
SCREENSHOTS = {"chapters/02_algorithm.html", "chapters/04_worked_example.html", "chapters/05_theory.html"}


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first (make browser does)")
    with serve(SITE) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


class PageVisit:
    """One page load with every console error, failed request and blocked request recorded."""

    def __init__(self, browser, server: str, path: str) -> None:
        self.server, self.errors, self.failed, self.blocked = server, [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.context.route("**/*", self._route)
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url}: {req.failure}"))
        self.page.on("response", lambda res: self.failed.append(f"{res.url}: HTTP {res.status}")
                     if res.status >= 400 else None)
        self.page.goto(urljoin(server, path), wait_until="load")
        wait_for_mathjax(self.page)

    def _route(self, route) -> None:
        if route.request.url.startswith(self.server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, server):
    visits = []

    def open_page(path: str) -> PageVisit:
        visits.append(PageVisit(browser, server, path))
        return visits[-1]

    yield open_page
    for page in visits:
        page.close()


def math_problems(page) -> list[str]:
    problems = []
    if page.locator("mjx-merror").count():
        problems.append("MathJax reported a TeX error")
    math = page.locator("div.math, span.math").count()
    if math and page.locator("mjx-container").count() < math:
        problems.append(f"{math} math elements but only {page.locator('mjx-container').count()} typeset")
    # No raw TeX left in the visible prose (code cells and outputs may legitimately show $).
    prose = page.evaluate("""() => Array.from(document.querySelectorAll('article p, article li, article td'))
        .filter(e => !e.closest('pre, code, .cell_output, mjx-container'))
        .map(e => e.innerText).join('\\n')""")
    leftovers = re.findall(r"\$[^$\n]{1,40}\$|\\\(|\\\[|\\frac|\\gamma|\\eta", prose)
    if leftovers:
        problems.append(f"untypeset TeX: {leftovers[:5]}")
    return problems


def image_problems(page) -> list[str]:
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy images load too
    sizes = page.evaluate("""() => Array.from(document.images).map(img => ({src: img.currentSrc || img.src,
        complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}))""")
    return [f"image did not load: {s['src'][:80]}" for s in sizes
            if not (s["complete"] and s["width"] > 0 and s["height"] > 0)]


def link_problems(page, server: str) -> list[str]:
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    missing = []
    for href in hrefs:
        if not href.startswith(server):
            continue
        path = urlparse(href).path.lstrip("/")
        target = SITE / path / "index.html" if path.endswith("/") or not path else SITE / path
        if not target.exists():
            missing.append(f"link to a missing page: {href}")
    return missing


@pytest.mark.parametrize("path", PAGES)
def test_page_works_offline(visit, server, path):
    """Loads with no console errors, failed or external requests; math typeset; images
    loaded; internal links resolve."""
    visited = visit(path)
    problems = [f"request outside the site: {url}" for url in visited.blocked]
    problems += [f"failed request: {failure}" for failure in visited.failed]
    problems += [f"console error: {error}" for error in visited.errors]
    if path in SCREENSHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        visited.page.screenshot(path=str(ARTIFACTS / (Path(path).stem + ".png")))
    problems += math_problems(visited.page) + image_problems(visited.page) + link_problems(visited.page, server)
    assert problems == []


def test_navigation_walks_the_whole_book(visit):
    """Following the "next" button from the first page visits every page in order."""
    page = visit(PAGES[0]).page
    seen = [urlparse(page.url).path.lstrip("/")]
    while (next_link := page.locator("a.right-next")).count():
        next_link.first.click()
        page.wait_for_load_state("load")
        seen.append(urlparse(page.url).path.lstrip("/"))
    assert seen == PAGES


def test_flowchart_renders(visit):
    page = visit("chapters/02_algorithm.html").page
    figure = page.locator("#fig-flowchart img")
    assert figure.count() == 1
    box = figure.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert "Flowchart" in figure.get_attribute("alt")
    assert "Fig. 1" in page.locator("#fig-flowchart figcaption").inner_text()


def test_worked_example_shows_its_step_table(visit):
    page = visit("chapters/04_worked_example.html").page
    table = next(text for text in page.locator(".cell_output pre").all_inner_texts() if "theta_t" in text)
    rows = {int(line.split()[0]): [float(x) for x in line.split()[1:]] for line in table.splitlines()[1:]}
    # columns: g_t, v_t, theta_t; hand-computed: theta_1 = 4, v_1 = 1, theta_2 = 2.3, v_2 = 1.7
    assert rows[1][1:] == [1.0, 4.0]
    assert rows[2][1:] == [1.7, 2.3]
