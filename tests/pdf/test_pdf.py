"""The printed book (``make pdf``: tools/print_pdf.py) read back with pypdf.

What the book should contain comes from the sources, not from lists typed here: the parts
and chapters from ``_toc.yml`` and the single-page build (``MOMENTUM_SINGLEHTML``, default
``_build/singlehtml``), the number of figures and exercises from that page. The PDF is
``MOMENTUM_PDF`` (default ``_build/momentum.pdf``).

Every check is also run on a small PDF with its defect planted (printed from a few lines
of HTML by the same Chromium, or the real PDF altered with pypdf) and must report it.
Run by ``make pdf`` right after printing (not collected by ``pytest tests``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from build_book import edition_settings
from pdf_checks import (
    Book,
    check_chapters_start_pages,
    check_chinese_text_reads_as_characters,
    check_contents_numbers,
    check_figures,
    check_identifiers_whole,
    check_internal_links,
    check_no_local_links,
    check_outline,
    check_page_count,
    check_page_labels,
    check_solutions_at_end,
    check_title_page,
)
from print_pdf import LABELS, page_language
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / os.environ.get("MOMENTUM_PDF", "_build/momentum.pdf")
SINGLEHTML = ROOT / os.environ.get("MOMENTUM_SINGLEHTML", "_build/singlehtml")
DROPPED = {"chapters/exercises", "chapters/solutions"}  # collected by hand before sphinx-exercise
# Long identifiers that the chapters' code uses often, some near the end of long lines.
IDENTIFIERS = ["Parabola()", "characteristic_roots", "theta0", "tune_heavy_ball", "GradientDescent"]
# A sane size for the whole book on A4 (it was 132 pages with no front matter, solutions inline).
PAGES = (80, 320)


def toc() -> tuple[str, list[dict]]:
    data = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return data["root"], [{"caption": part["caption"],
                           "chapters": [c["file"] for c in part["chapters"] if c["file"] not in DROPPED]}
                          for part in data["parts"]]


@pytest.fixture(scope="module")
def site():
    """What the single page holds: parts, chapter titles, figures, exercises, in its language."""
    root, parts = toc()
    page = SINGLEHTML / f"{root}.html"
    if not page.exists():
        pytest.fail(f"no single-page build in {SINGLEHTML}: make pdf builds it")
    html = page.read_text()
    labels = LABELS[page_language(html)]
    soup = BeautifulSoup(html, "html.parser")
    for junk in soup.select("a.headerlink, .katex-html, annotation"):
        junk.decompose()
    captions = {}  # the part captions as the page shows them (translated in other editions)
    for caption in soup.select("#jb-print-toc p.caption"):
        first = caption.find_next_sibling("ul").select_one('a[href^="#document-"]')
        captions[first["href"].removeprefix("#document-")] = " ".join(caption.get_text().split())
    chapters = []
    for part in parts:
        for doc in part["chapters"]:
            marker = soup.find(id=f"document-{doc}")
            section = marker.find_next_sibling("section") if marker else None
            assert section is not None, f"{doc} (in _toc.yml) is not in the single-page build"
            chapters.append(" ".join(section.find("h2").get_text().split()))
    article = soup.select_one("article")
    solutions = []
    for title in article.select("div.solution > p.admonition-title"):
        exercise = re.sub(r"\s*\(.*\)\s*$", "", " ".join(title.select_one("a").get_text().split()))
        solutions.append(labels["solution_to"].format(exercise=exercise))
    settings = edition_settings(yaml.safe_load((ROOT / "_config.yml").read_text()), page_language(html))
    licence = re.sub(r"<[^>]+>", "", settings["html"]["extra_footer"])
    return {"parts": [captions.get(part["chapters"][0], part["caption"]) for part in parts if part["chapters"]],
            "chapters": chapters, "labels": labels, "solutions": solutions,
            "title_page": (settings["title"], settings["author"], licence),
            "figures": len(article.select("img")), "exercises": len(article.select("div.exercise"))}


@pytest.fixture(scope="module")
def book():
    if not PDF.exists():
        pytest.fail(f"no {PDF}: run make pdf")
    return Book.read(PDF)


# --- the real book -------------------------------------------------------------------
def test_page_count(book):
    assert check_page_count(book, *PAGES) == []


def test_title_page_in_the_editions_words(book, site):
    assert check_title_page(book, *site["title_page"]) == []


def test_bookmarks_for_every_part_and_chapter(book, site):
    assert check_outline(book, site["parts"], site["chapters"]) == []


def test_page_labels_and_numbers(book):
    assert check_page_labels(book) == []


def test_no_link_to_a_local_server(book):
    assert check_no_local_links(book) == []


def test_internal_links_jump_within_the_pdf(book, site):
    # at least: each exercise to its solution and back
    assert check_internal_links(book, 2 * site["exercises"]) == []


def test_every_chapter_starts_a_page(book, site):
    assert check_chapters_start_pages(book, site["chapters"]) == []


def test_code_never_broken_inside_a_word(book):
    assert check_identifiers_whole(book, IDENTIFIERS) == []


def test_figures_present(book, site):
    assert site["figures"] > 0
    assert check_figures(book, site["figures"]) == []


def test_contents_page_numbers(book, site):
    assert check_contents_numbers(book, site["labels"]["contents"]) == []


def test_solutions_collected_at_the_end(book, site):
    assert len(site["solutions"]) == site["exercises"] > 0
    assert check_solutions_at_end(book, site["solutions"], site["labels"]["solutions"]) == []


def test_chinese_text_reads_as_characters(book):
    assert check_chinese_text_reads_as_characters(book) == []


def test_chinese_text_check_fails():
    planted = Book(texts=["动量法", "\u2ec5 = \u2f00"], labels=[], outline=[], uris=[])  # ⻅ and ⼀ for 见 and 一
    assert check_chinese_text_reads_as_characters(planted) == ["page 2: radicals ['⻅', '⼀'] in the text layer"]


# --- each check catches its defect ---------------------------------------------------
@pytest.fixture(scope="module")
def printed():
    """Print a bit of HTML with Debian's Chromium (as tools/print_pdf.py does): -> Book."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from offline_browser import launch

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()

        def print_html(body: str, edit=None) -> Book:
            page.set_content(f"<!doctype html><html><body style='font: 11pt DejaVu Serif'>{body}</body></html>")
            data = page.pdf(format="A4")
            if edit is not None:
                writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
                edit(writer)
                buffer = io.BytesIO()
                writer.write(buffer)
                data = buffer.getvalue()
            return Book.read(io.BytesIO(data))

        yield print_html
        browser.close()


def chapters_html(titles, breaks=True) -> str:
    style = "break-before: page" if breaks else ""
    text = " ".join(["Some text of the chapter."] * 40)
    return "".join(f"<section style='{style}'><h2>{t}</h2><p>{text}</p></section>" for t in titles)


def with_outline(items, labels=None):
    def edit(writer):
        parents = []
        for depth, title, page in items:
            parent = parents[depth - 1] if depth else None
            parents[depth:] = [writer.add_outline_item(title=title, page_number=page, parent=parent)]
        if labels:
            for first, last, style, start in labels:
                writer.set_page_label(first, last, style=style, start=start)
    return edit


def test_title_page_check_fails(printed):
    words = ("Momentum, tested", "The Momentum book authors", "Text and figures: CC BY 4.0")
    english = printed("".join(f"<p>{line}</p>" for line in words))
    assert check_title_page(english, *words) == []
    assert check_title_page(english, "动量法", "《动量法》编写组", "文字与图片：CC BY 4.0 许可") == [
        "the title page lacks the title '动量法'", "the title page lacks the authors '《动量法》编写组'",
        "the title page lacks the licence '文字与图片：CC BY 4.0 许可'"]


def test_page_count_check_fails(printed):
    assert check_page_count(printed("<p>one page</p>"), *PAGES)


def test_outline_check_fails(printed):
    titles = ["1. Alpha", "2. Beta"]
    assert check_outline(printed(chapters_html(titles)), ["Part"], titles)  # no bookmarks at all
    partial = printed(chapters_html(titles), with_outline([(0, "Part", 0), (1, "1. Alpha", 0)]))
    assert check_outline(partial, ["Part"], titles) == ["no chapter-level bookmark for '2. Beta'"]
    whole = printed(chapters_html(titles), with_outline([(0, "Part", 0), (1, "1. Alpha", 0), (1, "2. Beta", 1)]))
    assert check_outline(whole, ["Part"], titles) == []


def test_page_label_check_fails(printed):
    body = "".join(f"<section style='break-before: page'><p>{'word ' * 30}</p></section>" for _ in range(3))
    assert check_page_labels(printed(body)) == ["the PDF has no page labels"]
    labelled = printed(body, with_outline([], labels=[(0, 0, "/r", 1), (1, 2, "/D", 1)]))
    problems = check_page_labels(labelled)  # labels, but no number printed at the foot
    assert problems and all("not its page number" in p for p in problems)


def test_local_link_check_fails(printed):
    bad = printed("<p><a href='http://127.0.0.1:41234/chapters/intro.html#x'>a link</a> and "
                  "<a href='http://localhost:8000/'>another</a>, http://127.0.0.1:41234/ as text</p>")
    assert len(check_no_local_links(bad)) == 3
    good = printed("<p>make serve shows it at <a href='https://example.org/'>http://127.0.0.1:8000</a></p>")
    assert check_no_local_links(good) == []


def test_internal_link_check_fails(printed):
    html = "<p><a href='#target'>jump</a></p><p style='break-before: page' id='target'>here</p>"
    assert check_internal_links(printed(html), 1) == []
    assert check_internal_links(printed(html), 2) == ["1 internal links, expected at least 2"]

    def plant(writer):  # a link to a destination the PDF lacks
        writer.add_annotation(0, DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (10, 10, 50, 50)]),
            NameObject("/Dest"): NameObject("/nowhere")}))
    assert check_internal_links(printed(html, plant), 1) == [
        "page 1: a link to a destination the PDF does not have"]


def test_chapter_start_check_fails(printed):
    titles = ["1. Alpha", "2. Beta"]
    assert check_chapters_start_pages(printed(chapters_html(titles, breaks=False)), titles) == [
        "no page starts with the chapter title '2. Beta'"]
    assert check_chapters_start_pages(printed(chapters_html(titles)), titles) == []


def test_identifier_check_fails(printed):
    code = ("valley = m.problems.Parabola(); r = m.theory.characteristic_roots(eta, gamma); "
            "theta0 = 1.0; hb = m.theory.tune_heavy_ball(mu, L); gd = m.GradientDescent(0.1)")
    words = ["Parabola()", "characteristic_roots", "theta0", "tune_heavy_ball", "GradientDescent"]
    broken = printed(f"<pre style='width: 37mm; white-space: pre-wrap; word-break: break-all'>{code}</pre>")
    assert any("split across lines" in p for p in check_identifiers_whole(broken, words))
    whole = printed(f"<pre style='width: 37mm; white-space: pre-wrap; word-break: normal'>{code}</pre>")
    assert check_identifiers_whole(whole, words) == []


PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEA"
         "Hnbe0AAAAABJRU5ErkJggg==")


def test_figure_check_fails(printed):
    one = printed(f"<figure><img src='{PIXEL}' style='width: 50mm; height: 30mm'></figure>")
    assert check_figures(one, 1) == []
    assert check_figures(one, 2) == ["1 images in the PDF, the book has 2 figures"]

    def split(writer):  # the image drawn on the next page too, as a figure cut in two would be
        images = writer.pages[0]["/Resources"]["/XObject"]
        writer.pages[1][NameObject("/Resources")][NameObject("/XObject")] = images
    two_pages = f"<figure><img src='{PIXEL}' style='width: 50mm; height: 30mm'></figure>" \
                "<p style='break-before: page'>next page</p>"
    assert check_figures(printed(two_pages, split), 1) == ["an image is drawn on pages [1, 2] (split?)"]


def test_contents_check_fails(printed):
    def book(numbers):
        toc = "".join(f"<p>{title} {n}</p>" for title, n in zip(["Alpha", "Beta"], numbers, strict=True))
        return printed(f"<section><p>Contents</p>{toc}</section>" + chapters_html(["Alpha", "Beta"]),
                       with_outline([(0, "Contents", 0), (0, "Alpha", 1), (0, "Beta", 2)]))
    assert check_contents_numbers(book(["2", "3"])) == []
    problems = check_contents_numbers(book(["2", "5"]))  # the quoted text runs on into the next page's
    assert len(problems) == 1
    assert re.fullmatch(r"contents says 'Beta' is on page '5\w*'\.\.\., it is on page 3", problems[0])


def test_solutions_check_fails(printed):
    chapter = "<section><h2>1. Alpha</h2><p>Exercise 1.1</p>{inline}</section>"
    end = "<section style='break-before: page'><h1>Solutions</h1>{at_end}</section>"
    outline = with_outline([(0, "Part", 0), (0, "Solutions", 1)])
    solutions = ["Solution to Exercise 1.1", "Solution to Exercise 1.2"]
    inline = printed(chapter.format(inline="<p>Solution to Exercise 1.1</p>")
                     + end.format(at_end="<p>Solution to Exercise 1.2</p>"), outline)
    assert check_solutions_at_end(inline, solutions) == [
        "'Solution to Exercise 1.1' is printed inside the chapters",
        "'Solution to Exercise 1.1' is not in the solutions at the end (in order)"]
    good = chapter.format(inline="") + end.format(at_end="".join(f"<p>{title}</p>" for title in solutions))
    assert check_solutions_at_end(printed(good, outline), solutions) == []
    assert check_solutions_at_end(printed(good, with_outline([(0, "Solutions", 1), (0, "Part", 0)])), solutions) == [
        "the last top-level bookmark is [('Part', 0)], not 'Solutions'"]
