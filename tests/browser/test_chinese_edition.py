"""The Chinese edition (_build/html/zh) as its readers see it: Chinese prose on every page,
a language link on every page that goes to the same page in the other edition, and a
search that finds Chinese terms.

The generic reader checks (offline, no console errors, math typeset, images and links,
no raw TeX or Markdown, figures, no sideways scrolling at 390 px, axe-core in light and
dark mode) visit the Chinese pages too (tests/browser/test_readers.py, READER_PAGES).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from conftest import PageVisit
from sites import EDITIONS, PAGES

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The article's prose: without code, math, outputs, API signatures and the language link.
PROSE_JS = """() => {
  const article = document.querySelector('main .bd-article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('pre, code, .katex, .math, .cell_output, .output, dt.sig, .edition-switch, '
    + '.momentum-explorer, .citation, .bibtex, table').forEach(e => e.remove());
  return copy.innerText;
}"""


def chinese_share(text: str) -> float:
    """Chinese characters against Latin words (a Chinese character is about a word)."""
    cjk, latin = len(CJK.findall(text)), len(LATIN_WORD.findall(text))
    return cjk / max(cjk + latin, 1)


def test_chinese_share_counts_words():
    assert chinese_share("动量法在病态问题上更快") == 1.0
    assert chinese_share("The heavy ball is faster on ill-conditioned problems") == 0.0
    assert 0.6 < chinese_share("重球法（heavy ball）在病态问题上更快") < 0.95


# The bibliography lists the works in their own language.
PROSE_PAGES = [page for page in PAGES if page != "chapters/references.html"]


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_in_chinese_and_links_to_its_english_twin(browser, editions_server, path):
    visit = PageVisit(browser, editions_server, f"zh/{path}")
    try:
        share = chinese_share(visit.page.evaluate(PROSE_JS))
        assert share >= 0.6 or path not in PROSE_PAGES, f"zh/{path}: only {share:.0%} of the prose is Chinese"
        # The footer's authors and licence (tools/build_book.py's EDITION_SETTINGS): only names stay Latin.
        footer = visit.page.locator("footer.bd-footer-content").inner_text()
        english = set(LATIN_WORD.findall(footer)) - {"Copyright", "CC", "BY", "MIT"}
        assert not english, f"zh/{path}: English in the footer: {footer!r}"
        link = visit.page.locator("p.edition-switch a")
        assert link.get_attribute("hreflang") == "en"
        target = visit.page.evaluate("() => document.querySelector('p.edition-switch a').href")
        assert target == urljoin(editions_server, path)
        english = (EDITIONS / path).read_text()
        assert f'href="{"../" * path.count("/")}zh/{path}"' in english, f"{path} does not link to zh/{path}"
        assert visit.errors == [] and visit.failed == [] and visit.blocked == []
    finally:
        visit.close()


@pytest.mark.parametrize("path", ["chapters/04_worked_example.html", "chapters/glossary.html"])
def test_language_links_go_back_and_forth(browser, editions_server, path):
    visit = PageVisit(browser, editions_server, f"zh/{path}")
    try:
        visit.page.locator("p.edition-switch a").click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == urljoin(editions_server, path)
        back = visit.page.locator("p.edition-switch a")
        assert back.inner_text() == "中文"
        back.click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == urljoin(editions_server, f"zh/{path}")
        assert visit.errors == [] and visit.failed == [] and visit.blocked == []
    finally:
        visit.close()


@pytest.mark.parametrize(("query", "page"), [("动量", "chapters/01_why_momentum.html"),
                                             ("临界阻尼", "chapters/04_worked_example.html")])
def test_search_finds_chinese_terms(browser, editions_server, query, page):
    visit = PageVisit(browser, editions_server, f"zh/search.html?q={query}")
    try:
        results = visit.page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = [a.get_attribute("href") for a in results.all()]
        assert any(href.split("#")[0].endswith(page) for href in hrefs), (query, hrefs[:10])
    finally:
        visit.close()
