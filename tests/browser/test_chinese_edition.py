"""The Chinese edition (_build/html/zh) as its readers see it: the language links take a
reader back and forth, and the search finds Chinese terms.

Every page's own checks run in its reader visit (tests/browser/test_readers.py, whose
READER_PAGES hold both editions): offline, no console errors, math typeset, images and
links, no raw TeX or Markdown, figures, no sideways scrolling at 390 px, axe-core in light
and dark mode, and for the Chinese pages checks.chinese_edition_problems: Chinese prose,
footer and interface labels, a language link to the same page in English, which links back.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from conftest import PageVisit


@pytest.mark.parametrize("path", ["chapters/04_worked_example.html", "chapters/glossary.html"])
def test_language_links_go_back_and_forth(browser, chinese_server, path):
    visit = PageVisit(browser, chinese_server, f"zh/{path}")
    try:
        visit.page.locator("p.edition-switch a").click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == urljoin(chinese_server, path)
        back = visit.page.locator("p.edition-switch a")
        assert back.inner_text() == "中文"
        back.click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == urljoin(chinese_server, f"zh/{path}")
        assert visit.errors == [] and visit.failed == [] and visit.blocked == []
    finally:
        visit.close()


@pytest.mark.parametrize(("query", "page"), [("动量", "chapters/01_why_momentum.html"),
                                             ("临界阻尼", "chapters/04_worked_example.html")])
def test_search_finds_chinese_terms(browser, chinese_server, query, page):
    visit = PageVisit(browser, chinese_server, f"zh/search.html?q={query}")
    try:
        results = visit.page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = [a.get_attribute("href") for a in results.all()]
        assert any(href.split("#")[0].endswith(page) for href in hrefs), (query, hrefs[:10])
    finally:
        visit.close()
