"""Debian's Chromium, driven by Playwright, against a site served only from this machine.

Shared by the browser tests (``tests/browser``) and ``tools/print_pdf.py``: a local HTTP
server for a built site, the Chromium launch that works without network, and the wait
for MathJax to finish typesetting.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own background traffic is switched off; these flags are the ones that work
# on a machine without network (see the project's toolchain notes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(directory: Path, handler_class: type = _QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) with ``handler_class`` (a
    ``SimpleHTTPRequestHandler``) and yield its base URL."""
    handler = functools.partial(handler_class, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def launch(playwright):
    """Headless Debian Chromium (Playwright never downloads a browser of its own here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def wait_for_math(page) -> None:
    """Return once the page's math is typeset, whichever way the site typesets it.

    MathJax 3 (if the page loads it) is awaited through its startup promise; KaTeX
    rendered in the browser (``renderMathInElement``) runs synchronously on load, and
    math typeset at build time (KaTeX prerender) needs no wait. Either way the page's
    web fonts are awaited too, so screenshots and measured sizes are final.
    """
    page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
    page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
    page.evaluate("() => document.fonts ? document.fonts.ready.then(() => true) : true")
