"""The site as a reader sees it, on a 1280-px laptop and a 390-px phone.

On every page of the table of contents, in both editions (English, and the Chinese in
``zh/``), and on the single-page build where it applies:

* it works offline: no console error, no failed request, none outside the site; math
  typeset, every image loaded, every internal link resolves;
* no raw TeX, Markdown or MyST syntax in the visible text outside code and typeset math;
* every figure has alt text that says something (not a file path), a numbered caption,
  opens full size on click, and its text renders at >= 11 px (laptop) / >= 8 px (phone);
* the page never scrolls sideways (code, math and tables scroll inside their own box),
  and at 1280 px every table and every code cell fits the article;
* axe-core reports no accessibility violation, in the light and (switched on with the
  theme's button) the dark colour mode; typeset math and code reach 4.5:1 contrast in both;
* the footer names the licences of the text and the code;
* a page of the Chinese edition reads in Chinese (prose, footer, interface labels) and
  links to the same page in English, which links back.

With ``MOMENTUM_SCREENSHOTS=1`` (``make screenshots``), full-page screenshots of every chapter
at both widths go to ``test-artifacts/`` (``test-artifacts/zh/`` for the Chinese edition).
``test_checks_fail.py`` shows each of these checks failing on a broken fixture page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from checks import (
    axe_problems,
    chinese_edition_problems,
    code_problems,
    figure_problems,
    image_problems,
    licence_problems,
    link_problems,
    math_problems,
    sideways_problems,
    visible_text_problems,
)
from sites import ARTIFACTS, CHAPTER_PAGES, CHINESE, PAGES, READER_PAGES, SINGLE_PAGE, SITE


def screenshot(page, path: str, width: int) -> None:
    """A full-page screenshot of a chapter, for a person to look at, with MOMENTUM_SCREENSHOTS=1
    (`make screenshots`; each costs Chromium 2-4 s of CPU on a long chapter, so `make test`
    takes none)."""
    if path.removeprefix(CHINESE) in CHAPTER_PAGES and os.environ.get("MOMENTUM_SCREENSHOTS") == "1":
        folder = ARTIFACTS / ("zh" if path.startswith(CHINESE) else "")
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{Path(path).stem}-{width}.png"), full_page=True)


# One visit per page and width (laptop, phone): every check that view needs.

BIBLIOGRAPHY = "chapters/references.html"  # lists the works in their own language

# The longest checks first (the biggest pages: most elements for axe-core), so that the
# workers of a parallel run finish together.
BIGGEST_FIRST = sorted(READER_PAGES, key=lambda path: -(SITE / path).stat().st_size) if SITE.is_dir() else READER_PAGES


@pytest.mark.parametrize("path", BIGGEST_FIRST)
def test_on_a_laptop(visit, server, path):
    """1280 px, light mode: no raw syntax, readable figures, nothing sideways (every table and
    code cell fits); scrolled to the end (lazy images and explorers load), the page works
    offline (no console error, failed or outside request), math typeset, images loaded,
    links resolve; no accessibility violation; on a page of the Chinese edition, Chinese prose,
    footer and interface labels, and a language link to the same page in English. Then dark
    mode, switched on with the theme's button: axe-core's contrast rule (the only one that
    depends on the colour mode)."""
    visited = visit(path, width=1280)
    page = visited.page
    screenshot(page, path, 1280)
    problems = (visible_text_problems(page) + figure_problems(page, SITE, 1280)
                + sideways_problems(page, tables=True) + code_problems(page))
    problems += math_problems(page) + image_problems(page) + link_problems(page, server, SITE)
    problems += [f"request outside the site: {url}" for url in visited.blocked]
    problems += [f"failed request: {failure}" for failure in visited.failed]
    problems += [f"console error: {error}" for error in visited.errors]
    if path.startswith(CHINESE):  # the same page in English, and the prose in Chinese (but the bibliography's)
        english = path.removeprefix(CHINESE)
        problems += chinese_edition_problems(page, server, SITE, english, prose=english != BIBLIOGRAPHY)
    # (axe-core fetches the style sheets itself, resolving their @import against the page:
    # its requests come after the page's own were counted.)
    assert problems + axe_problems(page) == []
    visited.switch_to_dark()
    assert [f"dark mode: {problem}" for problem in axe_problems(page, rules=["color-contrast"])] == []


@pytest.mark.parametrize("path", READER_PAGES)
def test_on_a_phone(visit, path):
    """390 px: figure text still readable, and the page does not scroll sideways."""
    page = visit(path, width=390).page
    screenshot(page, path, 390)
    assert figure_problems(page, SITE, 390, size_only=True) + sideways_problems(page) == []


def test_no_raw_syntax_in_the_single_page_build(visit, single_server):
    page = visit(SINGLE_PAGE, base=single_server).page
    assert math_problems(page) + visible_text_problems(page) == []


def test_single_page_does_not_scroll_sideways_on_a_phone(visit, single_server):
    assert sideways_problems(visit(SINGLE_PAGE, width=390, base=single_server).page) == []


@pytest.mark.parametrize("path", [path for path in READER_PAGES if path.removeprefix(CHINESE) == PAGES[0]])
def test_footer_names_both_licences(visit, path):
    assert licence_problems(visit(path).page) == []
