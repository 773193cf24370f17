"""Shared set-up of the JupyterLab tests: one `jupyter lab` server in a temporary copy of
the chapters, and one headless Chromium page on it that may reach nothing but 127.0.0.1."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from labkit import LabServer, copy_notebooks
from offline_browser import CHROMIUM, launch

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by `make` (test extra)")
pytest.importorskip("jupyterlab_myst", reason="JupyterLab and jupyterlab-myst are installed by `make lab` (lab extra)")

TIMEOUT_MS = 120_000  # generous: the machine may be busy


@dataclass
class Lab:
    server: LabServer
    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    root = copy_notebooks(tmp_path_factory.mktemp("lab") / "notebooks")
    server = LabServer(root, tmp_path_factory.mktemp("lab-state"))
    try:
        with sync_api.sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            lab = Lab(server, None)

            def route(route):
                if route.request.url.startswith("http://127.0.0.1:"):
                    route.continue_()
                else:
                    lab.blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda exc: lab.errors.append(str(exc)))
            page.goto(server.url)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started")
            page.evaluate("() => window.jupyterapp.restored")
            lab.page = page
            yield lab
            browser.close()
    finally:
        server.stop()
