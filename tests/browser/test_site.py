"""The built site in a real browser, offline: Debian's Chromium driven by Playwright.

Serves the HTML build (``_build/html``, or ``$MOMENTUM_SITE``) on 127.0.0.1 and blocks
(and records) every request that goes anywhere else. The site as a whole: the "next"
buttons walk the book, the flowchart, the worked example's table, ... Each page's own
checks (offline, math, images, links; what a reader sees) run in ``test_readers.py``, in
one visit per page and width. Run by ``make browser`` (part of ``make test``) after
``make book``.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin

from sites import PAGES, SITE

# The theme's "next" button, as written in a built page: <a class="right-next" href="...">.
NEXT_BUTTON = re.compile(r'<a class="right-next"\s+href="([^"#]+)"')


def test_navigation_walks_the_whole_book(visit):
    """The "next" button leads from the first page through every page in order: each page's
    button as built, and a reader's click on the first one (every page's own links are
    followed by the reader checks)."""
    seen = [PAGES[0]]
    while len(seen) <= len(PAGES) and (found := NEXT_BUTTON.search((SITE / seen[-1]).read_text(encoding="utf-8"))):
        seen.append(posixpath.normpath(posixpath.join(posixpath.dirname(seen[-1]), found.group(1))))
    assert seen == PAGES
    visited = visit(PAGES[0])
    visited.page.locator("a.right-next").first.click()
    visited.page.wait_for_url(urljoin(visited.server, PAGES[1]), wait_until="domcontentloaded", timeout=30_000)


def test_flowchart_renders(visit):
    page = visit("chapters/02_algorithm.html").page
    figure = page.locator("#fig-flowchart img")
    assert figure.count() == 1
    box = figure.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert "Flowchart" in figure.get_attribute("alt")
    assert re.match(r"Fig\. \d+\.\d+ The heavy-ball loop", page.locator("#fig-flowchart figcaption").inner_text())


def test_worked_example_shows_its_step_table(visit):
    page = visit("chapters/04_worked_example.html").page
    cells = page.evaluate("""() => {
      const table = Array.from(document.querySelectorAll('.cell_output table'))
        .find(t => t.innerText.includes('theta_t'));
      return table ? Array.from(table.querySelectorAll('tbody tr'))
                       .map(row => Array.from(row.children).map(cell => cell.innerText.trim())) : null;
    }""")
    if cells is None:  # printed as text
        text = next(text for text in page.locator(".cell_output pre").all_inner_texts() if "theta_t" in text)
        cells = [line.split() for line in text.splitlines()[1:]]
    rows = {int(row[0]): [float(x) for x in row[1:]] for row in cells}
    # columns: g_t, v_t, theta_t; hand-computed: theta_1 = 4, v_1 = 1, theta_2 = 2.3, v_2 = 1.7
    assert rows[1][1:] == [1.0, 4.0]
    assert rows[2][1:] == [1.7, 2.3]
