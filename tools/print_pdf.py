"""Print the single-page build of the book to a PDF with Debian's Chromium.

``make pdf`` builds ``_build/singlehtml`` (every chapter on one page) and runs this
script, which serves it on 127.0.0.1, blocks any other request, waits until the page's math
and fonts are ready and prints it to ``_build/momentum.pdf``. Nothing is fetched from the
network: the fonts (KaTeX's, for math typeset at build time) are the site's own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from offline_browser import launch, serve, wait_for_math
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "singlehtml"
OUTPUT = ROOT / "_build" / "momentum.pdf"
# Show the worked solutions (folded into dropdowns on the website) and hide the sidebars.
PRINT_CSS = """
details.dropdown, details.dropdown > * { display: block !important; }
.bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .header-article, .prev-next-area { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
pre { white-space: pre-wrap !important; word-break: break-all; }
"""


def main() -> int:
    # The single page is written to chapters/intro.html but links its assets relative to
    # the site root (_static/, _images/), so it is printed from a copy at the root.
    (SITE / "book.html").write_bytes((SITE / "chapters" / "intro.html").read_bytes())
    blocked = []
    with serve(SITE) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else (blocked.append(route.request.url), route.abort()))
        page.goto(base + "book.html", wait_until="load")
        wait_for_math(page)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.add_style_tag(content=PRINT_CSS)
        page.pdf(path=str(OUTPUT), format="A4", print_background=True,
                 margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
        browser.close()
    if blocked:
        print(f"blocked requests outside the site: {blocked}", file=sys.stderr)
        return 1
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
