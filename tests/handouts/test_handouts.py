"""The handouts (`make handouts`, tools/handouts.py), read back from _build/handouts: an
exercise sheet without answers and a solution sheet per chapter and for the book, in HTML
and PDF, numbered as in the book, math typeset, nothing loaded from outside the folder.

Run by `make handouts-check` after `make handouts`, once per edition:
``MOMENTUM_HANDOUTS_LANGUAGE=zh_CN`` checks the Chinese sheets (_build/handouts/zh) with the
Chinese words ("练习 4.1", "第 4 章 ·", "第 1 页，共 2 页"; the solutions' words from the
catalogues in locales/zh_CN). ``MOMENTUM_HANDOUTS`` names another folder of sheets to check
(a copy with a planted defect, to see a check fail).
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import nbformat
import pytest
import student
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from build_book import edition_settings
from cjk_pdf_text import radicals_in
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE = os.environ.get("MOMENTUM_HANDOUTS_LANGUAGE", "en")
# What the sheets say in each edition: the exercise's caption, a chapter's heading, the
# footer, a solution's title, the <html lang>.
WORDS = {"en": {"exercise": "Exercise {}", "chapter": "Chapter {} ·", "page": "page {} of {}",
                "solution_to": "Solution to", "lang": "en", "folder": "",
                "sheet": {"exercises": "Exercises: ", "solutions": "Solutions: "}},
         "zh_CN": {"exercise": "练习 {}", "chapter": "第 {} 章 ·", "page": "第 {} 页，共 {} 页",
                   "solution_to": "解答 练习", "lang": "zh-CN", "folder": "zh",
                   "sheet": {"exercises": "练习：", "solutions": "解答："}}}
if LANGUAGE not in WORDS:
    raise ValueError(f"MOMENTUM_HANDOUTS_LANGUAGE={LANGUAGE!r}: valid values are {', '.join(WORDS)}")
SAY = WORDS[LANGUAGE]
HANDOUTS = Path(os.environ.get("MOMENTUM_HANDOUTS", ROOT / "_build" / "handouts" / SAY["folder"]))
KINDS = ("exercises", "solutions")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")  # six Chinese characters or more, no punctuation


@cache
def chapters() -> dict[str, nbformat.NotebookNode]:
    """{sheet key ("04"): chapter notebook} for every chapter with exercises."""
    found = {}
    for path in student.chapters():
        notebook = nbformat.read(path, as_version=4)
        if student.exercise_labels(notebook):
            found[path.name[:2]] = notebook
    return found


def members(key: str) -> list[str]:
    return list(chapters()) if key == "book" else [key]


KEYS = [*chapters(), "book"]
SHEETS = [(kind, key) for kind in KINDS for key in KEYS]


def sheet_id(sheet: tuple[str, str]) -> str:
    return "-".join(sheet)


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (HANDOUTS / "index.html").exists():
        pytest.fail(f"no handouts in {HANDOUTS}: run `make handouts` first")


@cache
def page(kind: str, key: str) -> BeautifulSoup:
    return BeautifulSoup((HANDOUTS / f"{kind}-{key}.html").read_text(encoding="utf-8"), "html.parser")


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def flat(text: str) -> str:
    """Text with ligatures (ﬁ) and Sphinx's curly quotes undone and whitespace folded, to
    compare HTML, PDF and the chapters' source."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split())


def texts(html: BeautifulSoup) -> tuple[str, str]:
    """The page's text with a space between elements (words of separate blocks apart) and
    without (a line of code split into highlighted spans reads as written)."""
    return flat(html.get_text(" ")), flat(html.get_text(""))


def squash(text: str) -> str:
    """For Chinese text read back from a PDF (pypdf puts spaces between some characters):
    the text without any whitespace; English text as flat() gives it."""
    return "".join(flat(text).split()) if LANGUAGE != "en" else flat(text)


@cache
def pdf_text(kind: str, key: str) -> list[str]:
    """The PDF's text per page, as a reader copying it would get it."""
    return [p.extract_text() or "" for p in PdfReader(HANDOUTS / f"{kind}-{key}.pdf").pages]


@cache
def pdf_pages(kind: str, key: str) -> list[str]:
    return [squash(text) for text in pdf_text(kind, key)]


def expected_labels(key: str) -> list[str]:
    return [label for chapter in members(key) for label in student.exercise_labels(chapters()[chapter])]


@cache
def unsolved_text() -> str:
    """Every chapter's cells but the solutions, whitespace folded."""
    return flat(" ".join(cell.source for notebook in chapters().values() for cell in notebook.cells
                         if "solution" not in cell.metadata.get("tags", [])))


@cache
def catalogue(chapter: str) -> dict[str, str]:
    """{English paragraph: its translation} of a chapter, from locales/<language>."""
    notebook = next(path for path in student.chapters() if path.name.startswith(chapter))
    with open(ROOT / "locales" / LANGUAGE / "LC_MESSAGES" / "chapters" / f"{notebook.stem}.po", "rb") as file:
        return {flat(message.id): message.string for message in read_po(file)
                if isinstance(message.id, str) and message.id and message.string and not message.fuzzy}


@cache
def translated_phrases(chapter: str) -> list[str]:
    """The translated solutions' own words: in each solution's paragraphs (as the catalogue
    translates them), up to two runs of six Chinese characters or more (outside math and
    code) that no other paragraph of any chapter's translation says."""
    notebook = chapters()[chapter]
    solutions = [flat(cell.source) for cell in notebook.cells if "solution" in cell.metadata.get("tags", [])]
    elsewhere = " ".join(text for each in chapters() for english, text in catalogue(each).items()
                         if each != chapter or not any(english in solution for solution in solutions))
    found = []
    for solution in solutions:
        runs = [run for english, text in catalogue(chapter).items() if english in solution
                for run in HAN_RUN.findall(student.MARKUP.sub("|", text)) if run not in elsewhere]
        found += runs[:2]
    return found


def phrases(key: str, kinds=("prose", "code", "math")) -> list[str]:
    """Text that only the solutions of the sheet's chapters say (student.solution_phrases;
    for the book sheet, only those that no other chapter says either). In another edition,
    the prose is the translation's (translated_phrases); code and math are the same."""
    found = [phrase for chapter in members(key) for each in student.solution_phrases(chapters()[chapter]).values()
             for kind, phrase in each if kind in kinds and (LANGUAGE == "en" or kind != "prose")]
    found = [phrase for phrase in found if key != "book" or flat(phrase) not in unsolved_text()]
    if LANGUAGE != "en" and "prose" in kinds:
        found += [phrase for chapter in members(key) for phrase in translated_phrases(chapter)]
    return found


def test_every_sheet_exists_and_is_listed():
    assert len(chapters()) >= 8
    index = BeautifulSoup((HANDOUTS / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {link["href"] for link in index.select("a[href]")}
    for kind, key in SHEETS:
        for suffix in ("html", "pdf"):
            name = f"{kind}-{key}.{suffix}"
            assert (HANDOUTS / name).stat().st_size > 1000, name
            assert name in links, f"index.html does not link {name}"


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_numbered_as_in_the_book(sheet):
    # Exercise ex-C-N (the label in the chapter) shows as "Exercise C.N" (Sphinx's numbering),
    # in the chapter's order, under the chapter's own number.
    kind, key = sheet
    exercises = page(kind, key).select("div.exercise")
    labels = expected_labels(key)
    assert [exercise.get("id") for exercise in exercises] == labels
    for exercise, label in zip(exercises, labels, strict=True):
        chapter, number = label.split("-")[1:]
        caption = exercise.select_one(".admonition-title .caption-number").get_text(strip=True)
        assert caption == SAY["exercise"].format(f"{chapter}.{number}"), (label, caption)
    headings = [h.get_text(" ", strip=True) for h in page(kind, key).select("h1, .handout-chapter > h2")]
    for chapter in members(key):
        name = SAY["chapter"].format(int(chapter))
        assert any(heading.startswith(name) or f": {name}" in heading or f"：{name}" in heading
                   for heading in headings), (chapter, headings)


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_sheet_is_in_the_editions_language(sheet):
    html = page(*sheet)
    assert html.html.get("lang") == SAY["lang"]
    index = BeautifulSoup((HANDOUTS / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html.get("lang") == SAY["lang"]
    assert html.h1.get_text().startswith(SAY["sheet"][sheet[0]]), html.h1.get_text()
    # The authors and the licence, as the edition's pages name them (_config.yml, tools/build_book.py).
    settings = edition_settings(yaml.safe_load((ROOT / "_config.yml").read_text()), LANGUAGE)
    colophon = html.select_one(".handout-colophon")
    assert colophon is not None, "no authors and licence line on the sheet"
    licence = BeautifulSoup(settings["html"]["extra_footer"], "html.parser").get_text(" ")
    assert flat(settings["author"]) in flat(colophon.get_text(" ")), colophon.get_text(" ")
    assert flat(licence) in flat(colophon.get_text(" ")), colophon.get_text(" ")
    if LANGUAGE != "en":  # the sheet's own words and fonts are Chinese too (no English left)
        assert "Noto Sans CJK SC" in html.style.get_text()
        own = " ".join(element.get_text(" ") for element in html.select(".handout-header, .handout-contents, "
                                                                         ".handout-chapter > h2, .handout-colophon"))
        english = re.findall(r"\b(?:Exercises?|Solutions?|Chapter|Numbered|every|page|authors|Text|licen[cs]e)\b",
                             own)
        assert not english, f"English words on the {LANGUAGE} sheet: {english}"


@pytest.mark.parametrize("key", KEYS)
def test_exercise_sheet_has_no_solution(key):
    sheet = page("exercises", key)
    assert not sheet.select("div.solution, .solution"), "a solution block on the exercise sheet"
    spaced, joined = texts(sheet)
    assert SAY["solution_to"] not in spaced
    looked_for = phrases(key)
    assert len(looked_for) >= 2 * len(members(key))
    for phrase in looked_for:
        assert flat(phrase) not in spaced and flat(phrase) not in joined, \
            f"exercises-{key}.html shows solution text {phrase!r}"


@pytest.mark.parametrize("key", KEYS)
def test_solution_sheet_shows_each_solution_under_its_exercise(key):
    sheet = page("solutions", key)
    spaced, joined = texts(sheet)
    for phrase in phrases(key):  # the same phrases the exercise sheet must not show
        assert flat(phrase) in spaced or flat(phrase) in joined, f"solutions-{key}.html lacks solution text {phrase!r}"
    for exercise in sheet.select("div.exercise"):
        solution = exercise.find_next_sibling("div")
        assert solution is not None and "solution" in solution.get("class", []), exercise["id"]
        assert "dropdown" not in solution.get("class", []), f"the solution to {exercise['id']} is folded"
        assert solution.select_one(f".admonition-title a[href='#{exercise['id']}']"), exercise["id"]


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_math_is_typeset_and_no_markup_leaks(sheet):
    html = page(*sheet)
    formulas = html.select("span.math, div.math")
    assert formulas, "no math on the sheet"
    for formula in formulas:
        assert formula.select_one(".katex") and not formula.select_one(".katex-error"), formula.get_text()[:80]
    copy = BeautifulSoup(str(html), "html.parser")
    for element in copy.select(".katex, pre, code, style, title"):
        element.decompose()
    text = copy.get_text(" ")
    for raw in ("$", "\\(", "\\[", "{ref}", "{exercise}", "{solution}", ":::", ":label:", ":class:"):
        where = text.find(raw)
        assert where < 0, f"raw {raw!r} on the sheet: ...{text[max(0, where - 60):where + 60]}..."


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_sheet_reads_offline(sheet):
    html = page(*sheet)
    assert not html.select("script"), "the sheets need no JavaScript"
    for element in html.select("link[href], img[src]"):
        url = element.get("href") or element.get("src")
        assert not re.match(r"^[a-z]+:", url) and (HANDOUTS / url.split("?")[0]).is_file(), url
    assert html.select("link[href$='katex.min.css']"), "KaTeX's CSS is not linked"
    for link in html.select("a[href]"):
        assert link["href"].startswith(("#", "https://", "http://")), link["href"]
        assert not re.search(r"127\.0\.0\.1|localhost", link["href"]), link["href"]
        if link["href"].startswith("#"):
            assert html.find(id=link["href"][1:]), f"link to a missing {link['href']}"


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_pdf_pages_and_text(sheet):
    kind, key = sheet
    pages = pdf_pages(kind, key)
    exercises = len(expected_labels(key))
    # The CJK fonts draw radicals and characters alike (⻚ U+2EDA and 页): the text must say
    # the characters (tools/handouts.py fixes the PDF's ToUnicode maps).
    radicals = radicals_in("".join(pdf_text(kind, key)))
    assert not radicals, f"radicals instead of characters in the PDF's text: {radicals}"
    if key == "book":  # each chapter on a page of its own
        assert len(members(key)) <= len(pages) <= 3 * exercises
    else:
        assert 1 <= len(pages) <= (exercises if kind == "exercises" else 3 * exercises)
    for number, text in enumerate(pages, 1):
        assert squash(SAY["page"].format(number, len(pages))) in text, f"page {number}: no page number in the footer"
    text = " ".join(pages)
    for label in expected_labels(key):
        chapter, number = label.split("-")[1:]
        assert squash(SAY["exercise"].format(f"{chapter}.{number}")) in text, label
    prose = phrases(key, kinds=("prose",))
    assert prose
    for phrase in prose:
        assert (squash(phrase) in text) == (kind == "solutions"), (kind, phrase)
    if key == "book":  # every chapter starts a page (its heading on the page's first lines)
        for chapter in members(key):
            assert any(squash(SAY["chapter"].format(int(chapter))) in page_text[:200] for page_text in pages), chapter


@pytest.mark.parametrize("sheet", SHEETS, ids=sheet_id)
def test_pdf_links_and_bookmarks(sheet):
    reader = PdfReader(HANDOUTS / f"{sheet_id(sheet)}.pdf")
    for pdf_page in reader.pages:
        for annotation in pdf_page.get("/Annots") or []:
            uri = (annotation.get_object().get("/A") or {}).get("/URI", "")
            assert not re.search(r"127\.0\.0\.1|localhost|file:", str(uri)), uri
    titles = []

    def walk(entries):
        for entry in entries:
            walk(entry) if isinstance(entry, list) else titles.append(entry.title)

    walk(reader.outline)
    assert titles and titles[0] == page(*sheet).h1.get_text(strip=True)
    if sheet[1] == "book":
        for chapter in members(sheet[1]):
            assert any(title.startswith(SAY["chapter"].format(int(chapter))) for title in titles), (chapter, titles)
