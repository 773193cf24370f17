"""Shared set-up of the browser tests: the built sites served on 127.0.0.1, Debian's
Chromium, and page visits that record console errors and block every outside request.

The sites under test are named in ``sites.py`` (``MOMENTUM_SITE``, ``MOMENTUM_SINGLEHTML``).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from offline_browser import CHROMIUM, launch, serve, wait_for_math
from sites import CHINESE, FIXTURES, SINGLE_PAGE, SINGLEHTML, SITE, VIEWPORT_HEIGHT

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by `make` (dev extra)")


@pytest.fixture(scope="session")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site in {SITE}: run `make book` first (make browser does)")
    with serve(SITE) as base:
        yield base


@pytest.fixture(scope="session")
def single_server():
    if not (SINGLEHTML / "chapters" / "intro.html").exists():
        pytest.fail(f"no single-page build in {SINGLEHTML}: build it with --builder singlehtml (make pdf does)")
    with serve(SINGLEHTML) as base:
        yield base


@pytest.fixture(scope="session")
def chinese_server(server):
    """The site, which must hold the Chinese edition (in zh/, as `make book` builds it)."""
    if not (SITE / CHINESE / "index.html").exists():
        pytest.fail(f"no Chinese edition in {SITE / CHINESE}: `make book` builds it")
    return server


@pytest.fixture(scope="session")
def fixture_server():
    with serve(FIXTURES) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


# Generous: the single-page build is the whole book, and the machine may be busy.
TIMEOUT_MS = 120_000


class PageVisit:
    """One page load with every console error, failed request and blocked request recorded.

    ``width`` is the viewport width (1280 a laptop, 390 a phone); ``mode`` the theme's
    colour mode, set the way the theme remembers a reader's choice (localStorage) before
    the page loads.
    """

    def __init__(self, browser, server: str, path: str, width: int = 1280, mode: str = "light") -> None:
        self.server, self.errors, self.failed, self.blocked = server, [], [], []
        self.context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT.get(width, 900)},
                                           is_mobile=width < 600, has_touch=width < 600)
        if mode != "light":
            self.context.add_init_script(f"localStorage.setItem('mode', '{mode}');"
                                         f"localStorage.setItem('theme', '{mode}');")
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url}: {req.failure}"))
        self.page.on("response", lambda res: self.failed.append(f"{res.url}: HTTP {res.status}")
                     if res.status >= 400 else None)
        self.page.goto(urljoin(server, path), wait_until="load")
        wait_for_math(self.page)

    def _route(self, route) -> None:
        url = route.request.url
        if url == urljoin(self.server, SINGLE_PAGE):
            route.fulfill(path=str(SINGLEHTML / "chapters" / "intro.html"), content_type="text/html")
        elif url.startswith(self.server) or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def switch_to_dark(self) -> None:
        """Dark mode as a reader picks it: the theme's colour-mode button, which cycles
        through auto, light and dark (pydata-sphinx-theme's cycleMode)."""
        for _ in range(3):
            if self.page.evaluate("() => document.documentElement.dataset.theme") == "dark":
                break
            self.page.locator(".theme-switch-button").first.click()
        else:
            raise AssertionError("the colour-mode button never switched the page to dark mode")
        # Then as a reader reads on: the pointer and focus leave the button (its "Color mode"
        # tooltip goes), and the theme's colour transitions finish.
        self.page.mouse.move(0, VIEWPORT_HEIGHT.get(1280, 900) - 1)
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.page.wait_for_function("() => document.querySelectorAll('.tooltip').length === 0"
                                    " && document.getAnimations().every(a => a.playState !== 'running')")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, request):
    """Open a page of the HTML build (or of the site at ``base``) and close it after the test."""
    visits = []

    def open_page(path: str, width: int = 1280, mode: str = "light", base: str | None = None) -> PageVisit:
        visits.append(PageVisit(browser, base or request.getfixturevalue("server"), path, width, mode))
        return visits[-1]

    yield open_page
    for page in visits:
        page.close()
