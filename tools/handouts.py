"""Handouts: exercise sheets without answers and solution sheets, per chapter and for the book.

``make handouts`` runs this script. The sheets come from the chapters themselves (one
source), cut out of the book's own website (``_build/html``, built by ``make book`` or
``make build-check``), not through a collector of ours:

1. Each chapter's "Exercises" section is cut out of its built page into a standalone
   sheet: ``solutions-04.html`` as the site shows it (each solution in full under its
   exercise), ``exercises-04.html`` the same without sphinx-exercise's solution blocks
   (``div.solution``); and all chapters' sections into ``exercises-book.html`` and
   ``solutions-book.html`` (each chapter on a new page). So the numbers (Exercise 4.2),
   titles, cross-references and typeset math are the book's own. (sphinx-exercise's
   ``hide_solutions`` build option gives the same exercise sections, identical but for
   white space in all 20 of both editions, at the cost of one more build of the book per
   edition, 20-30 s each.) The sheets keep the site's CSS and KaTeX fonts (copied beside
   them, so they read offline), drop its scripts, and unlink references to pages that are
   not on the sheet.
2. Debian's Chromium prints every sheet to PDF (A4, page numbers in the footer, PDF
   bookmarks from the headings), served on 127.0.0.1 with every other request blocked.
3. ``_build/handouts/index.html`` lists the sheets.

``--language zh_CN`` makes the Chinese edition's sheets from ``_build/html/zh`` (the
edition's title and licence from tools/build_book.py's settings), in
``_build/handouts/zh/``; they say their own words in Chinese ("练习：第 4 章 · …", "第 1 页，共 2 页")
with the Noto CJK fonts; the PDFs' ToUnicode maps are corrected so that their text reads
as the characters drawn (Chromium names some as the CJK radicals that share their glyph,
⻚ for 页, ⼀ for 一).

Usage: python tools/handouts.py [--language en|zh_CN] [--site DIR] [--no-pdf] [--book DIR]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup, Tag

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_book import EDITION_SETTINGS, edition_settings  # the editions' settings, in one place
from cjk_pdf_text import fix_cjk_text, radical_characters

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "_build" / "handouts"
BOOK_KEY = "book"
KINDS = ("exercises", "solutions")
SOLUTION = "div.solution"  # sphinx-exercise's solution block (folded on the site)
EXTERNAL = re.compile(r"^(https?:|mailto:|data:)", re.IGNORECASE)
SECTION_TAG = re.compile(r"<(/?)section[\s>]")
H1 = re.compile(r"<h1[\s>].*?</h1>", re.DOTALL)
# The caption sphinx-exercise writes, "Exercise 4.2" (in the zh_CN edition "练习 4.2").
EXERCISE_NUMBER = re.compile(r'<span class="caption-number">(?:Exercise|练习) (\S+?) ?</span>')
EXERCISES_ID = "exercises"  # the id Sphinx gives the "## Exercises" section
CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")

# The sheet's own layout (on top of the site's theme CSS): one column, no site chrome,
# solutions shown, code wrapped at spaces, each chapter of a book sheet on a new page.
SHEET_CSS = """
html { font-size: 15px; }
body { margin: 0; background: #fff; }
main.handout { max-width: 48rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.handout-header { border-bottom: 1px solid #ccc; margin-bottom: 1.25rem; }
.handout-header .handout-book { margin: 0; color: #555; font-size: 0.9rem; }
.handout-header h1 { margin: 0.25rem 0 0.5rem; font-size: 1.6rem; }
.handout-header .handout-note { color: #555; font-size: 0.9rem; }
.handout-chapter > h2 { font-size: 1.3rem; margin-top: 1.5rem; }
.handout-colophon { margin-top: 2rem; border-top: 1px solid #ccc; color: #555; font-size: 0.8rem; }
.handout-contents li { margin: 0.1rem 0; }
div.solution.admonition { margin-top: -0.25rem; }
pre { white-space: pre-wrap !important; overflow-wrap: break-word; word-break: normal; }
div.highlight { margin-bottom: 0.75rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  html { font-size: 12px; }
  main.handout { max-width: none; width: auto; margin: 0; padding: 0; }
  .handout-book-sheet .handout-chapter + .handout-chapter { break-before: page; }
  .admonition-title, .handout-chapter > h2 { break-after: avoid; }
  div.exercise.admonition { break-inside: avoid; }
  figure, img, .katex-display { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
# The CJK fonts (Debian's fonts-noto-cjk) after the theme's own, for the Chinese sheets.
CJK_CSS = """
:root { --pst-font-family-base: "DejaVu Sans", "Noto Sans CJK SC", sans-serif;
        --pst-font-family-heading: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; }
body, .admonition-title, h1, h2, h3 { font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; }
"""
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;font-family:{font}">'
          '{title} · {page}</div>')
FOOTER_FONT = {"en": "sans-serif", "zh_CN": "'DejaVu Sans','Noto Sans CJK SC',sans-serif"}
PAGE_NUMBER, TOTAL_PAGES = '<span class="pageNumber"></span>', '<span class="totalPages"></span>'
# The sheets' own words, per edition (the book's words come from its builds).
WORDS = {
    "en": {"lang": "en", "chapter": "Chapter {number} · {title}",
           "kinds": {"exercises": "Exercises", "solutions": "Solutions"}, "sheet": "{kind}: {heading}",
           "every_chapter": "every chapter", "whole_book": "The whole book",
           "note_exercises": "Numbered as in the book.",
           "note_solutions": "Numbered as in the book; each worked solution follows its exercise.",
           "range": "exercises {first}–{last}", "single": "exercise {first}",
           "page": f"page {PAGE_NUMBER} of {TOTAL_PAGES}", "handouts": "Handouts",
           "index_intro": "Exercise sheets without answers, and solution sheets with each worked solution under "
                          "its exercise, numbered as in the book. Made from the chapters by <code>make handouts"
                          "</code>; student copies of the chapter notebooks without the solutions: <code>make "
                          "student</code> (<code>_build/student/</code>).",
           "columns": ("Chapter", "Exercises", "Exercise sheet", "Solutions"), "pages": "{pages} p.",
           "colophon": "© {year} {author}. {licence}"},
    "zh_CN": {"lang": "zh-CN", "chapter": "第 {number} 章 · {title}",
              "kinds": {"exercises": "练习", "solutions": "解答"}, "sheet": "{kind}：{heading}",
              "every_chapter": "全书各章", "whole_book": "全书",
              "note_exercises": "编号与书中一致。",
              "note_solutions": "编号与书中一致；每道练习的详细解答紧接其后。",
              "range": "练习 {first}–{last}", "single": "练习 {first}",
              "page": f"第 {PAGE_NUMBER} 页，共 {TOTAL_PAGES} 页", "handouts": "讲义",
              "index_intro": "不含答案的练习题单，以及每道练习下附详细解答的解答题单，编号与书中一致。"
                             "由 <code>make handouts</code> 从各章生成；不含解答的各章学生版笔记本："
                             "<code>make student</code>（<code>_build/student/</code>）。",
              "columns": ("章", "练习数", "练习题单", "解答"), "pages": "{pages} 页",
              "colophon": "© {year} {author}。{licence}"},
}


@dataclass
class Chapter:
    """A chapter with exercises, as the built book shows it."""

    key: str  # "04" (from the file name 04_worked_example), used in the sheet names
    docname: str  # "chapters/04_worked_example"
    number: str  # "4", the book's chapter number ("" for an unnumbered page)
    title: str  # "A worked example"
    section: str  # the built "Exercises" section's HTML, solutions included
    language: str = "en"

    @property
    def heading(self) -> str:
        return WORDS[self.language]["chapter"].format(number=self.number, title=self.title) if self.number \
            else self.title


@dataclass
class Sheet:
    kind: str  # "exercises" or "solutions"
    key: str  # "04" or "book"
    title: str
    html: Path
    pdf: Path
    exercises: list[str]  # the numbers shown, "4.1", "4.2", ...
    pages: int | None = None


# --- 1. cutting the sheets out of the built pages ----------------------------------------
def toc_docnames(book: Path) -> list[str]:
    """Every page of the book in reading order, from _toc.yml."""
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts") or [{"chapters": toc.get("chapters")}]:
        walk(part.get("chapters"))
    return [str(Path(name).with_suffix("")) for name in names]


def cut_section(text: str, section_id: str) -> str | None:
    """The HTML of the ``<section id=section_id>`` element in a built page (found by
    counting the nested sections Sphinx writes; parsing only this part of each page keeps
    the cutting fast), or None."""
    start = text.find(f'<section id="{section_id}">')
    if start < 0:
        return None
    depth = 0
    for match in SECTION_TAG.finditer(text, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            return text[start:match.end()]
    return None


def exercise_numbers(section: str) -> list[str]:
    """The numbers of the exercises in a built section's HTML: ["4.1", "4.2", ...]."""
    return EXERCISE_NUMBER.findall(section)


def heading_text(heading: Tag) -> str:
    """A heading's words, without its section number and link mark."""
    parts = [text for node in heading.children if isinstance(node, str) and (text := node.strip())]
    parts += [node.get_text(" ", strip=True) for node in heading.children
              if isinstance(node, Tag) and "section-number" not in node.get("class", [])
              and "headerlink" not in node.get("class", [])]
    return " ".join(" ".join(parts).split())


def chapters_with_exercises(book: Path, site: Path, language: str = "en") -> list[Chapter]:
    """The pages of the book (in reading order) that have an "Exercises" section holding
    sphinx-exercise's exercises, with their number and title."""
    chapters = []
    for docname in toc_docnames(book):
        page_path = site / f"{docname}.html"
        text = page_path.read_text(encoding="utf-8") if page_path.exists() else ""
        section = cut_section(text, EXERCISES_ID)
        if section is None or 'class="exercise' not in section:
            continue
        # The page's title: the <h1> with a link mark (the theme's header repeats it without).
        title = next((h1 for h1 in H1.findall(text) if "headerlink" in h1), "<h1></h1>")
        h1 = BeautifulSoup(title, "html.parser").h1
        number_tag = h1.select_one(".section-number")
        stem = Path(docname).name
        chapters.append(Chapter(
            key=match[1] if (match := re.match(r"^(\d+)_", stem)) else stem, docname=docname,
            number=number_tag.get_text(strip=True).rstrip(".") if number_tag else "",
            title=heading_text(h1) or stem, section=section, language=language))
    return chapters


class AssetCopier:
    """Copies what a sheet links to (stylesheets, the fonts and images they name, images)
    from the built site to the handouts folder, at the same path below it."""

    def __init__(self, site: Path, output: Path):
        self.site, self.output, self.done = site.resolve(), output, set()

    def local(self, url: str, base: Path) -> Path | None:
        """The site file that ``url`` (relative to the folder ``base``) names, or None."""
        if not url or EXTERNAL.match(url) or url.startswith("#"):
            return None
        path = (base / unquote(urlsplit(url).path)).resolve()
        return path if path.is_file() and path.is_relative_to(self.site) else None

    def copy(self, path: Path) -> str:
        relative = path.relative_to(self.site).as_posix()
        if relative not in self.done:
            self.done.add(relative)
            target = self.output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            if path.suffix == ".css":
                for _, url in CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace")):
                    if found := self.local(url, path.parent):
                        self.copy(found)
        return relative


def rebase(fragment: Tag, page_dir: Path, copier: AssetCopier) -> None:
    """Point the images of a cut-out fragment at the copies beside the sheet."""
    for element in fragment.select("[src]"):
        if found := copier.local(element["src"], page_dir):
            element["src"] = copier.copy(found)
        element.attrs.pop("srcset", None)


def tidy_links(sheet: BeautifulSoup) -> None:
    """Keep links within the sheet and to the web; a reference to a page that is not on the
    sheet becomes plain text (its words, "Exercise 6.5", stay)."""
    ids = {element["id"] for element in sheet.select("[id]")}
    for link in sheet.select("a[href]"):
        href = link["href"]
        if "headerlink" in link.get("class", []):
            link.decompose()
        elif EXTERNAL.match(href):
            continue
        elif (fragment := unquote(urlsplit(href).fragment)) and fragment in ids:
            link["href"] = f"#{fragment}"
        else:
            link.unwrap()


def sheet_html(kind: str, title: str, chapters: list[Chapter], book_sheet: bool, book_title: str,
               copier: AssetCopier, stylesheets: list[str], note: str, language: str = "en",
               colophon: str = "") -> str:
    words = WORDS[language]
    document = BeautifulSoup(f"<!DOCTYPE html>\n<html lang='{words['lang']}' data-theme='light' data-mode='light'>"
                             "<head><meta charset='utf-8'/></head><body></body></html>", "html.parser")
    head, body = document.head, document.body
    head.append(document.new_tag("meta", attrs={"name": "viewport", "content": "width=device-width, initial-scale=1"}))
    title_tag = document.new_tag("title")
    title_tag.string = f"{title} — {book_title}"
    head.append(title_tag)
    for href in stylesheets:
        head.append(document.new_tag("link", attrs={"rel": "stylesheet", "href": href}))
    style = document.new_tag("style")
    style.string = SHEET_CSS + (CJK_CSS if language != "en" else "")
    head.append(style)
    body["class"] = ["handout", f"handout-{kind}"] + (["handout-book-sheet"] if book_sheet else [])
    main = document.new_tag("main", attrs={"class": "handout"})
    body.append(main)
    header = BeautifulSoup(f"<header class='handout-header'><p class='handout-book'>{html.escape(book_title)}</p>"
                           f"<h1>{html.escape(title)}</h1><p class='handout-note'>{note}</p></header>",
                           "html.parser")
    main.append(header)
    if book_sheet:
        contents = document.new_tag("ul", attrs={"class": "handout-contents"})
        for chapter in chapters:
            numbers = exercise_numbers(chapter.section)
            span = words["range" if len(numbers) > 1 else "single"].format(first=numbers[0], last=numbers[-1])
            colon = ": " if language == "en" else "："
            item = BeautifulSoup(f"<li><a href='#chapter-{chapter.key}'>{html.escape(chapter.heading)}</a>{colon}"
                                 f"{span}</li>", "html.parser")
            contents.append(item)
        main.append(contents)
    for chapter in chapters:
        fragment = BeautifulSoup(chapter.section, "html.parser").section
        for solution in fragment.select(SOLUTION):  # sphinx-exercise's blocks: none on an exercise sheet,
            if kind == "exercises":                 # unfolded on a solution sheet
                solution.decompose()
            else:
                solution["class"] = [c for c in solution.get("class", []) if c not in ("dropdown", "toggle")]
        rebase(fragment, (copier.site / chapter.docname).parent, copier)
        fragment.find("h2").decompose()  # "4.5 Exercises": the sheet's own heading says it
        for script in fragment.select("script"):
            script.decompose()
        wrapper = document.new_tag("section", attrs={"class": "handout-chapter", "id": f"chapter-{chapter.key}"})
        if book_sheet:
            heading = document.new_tag("h2")
            heading.string = chapter.heading
            wrapper.append(heading)
        wrapper.extend(list(fragment.contents))
        main.append(wrapper)
    if colophon:  # the authors and the licence, as on every page of the book
        main.append(BeautifulSoup(f"<footer class='handout-colophon'><p>{colophon}</p></footer>", "html.parser"))
    tidy_links(document)
    return str(document)


def site_stylesheets(site: Path, docname: str, copier: AssetCopier) -> list[str]:
    """The stylesheets of the built page (theme, sphinx-exercise, KaTeX), copied beside the sheets."""
    page = BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = []
    for link in page.select("head link[rel~=stylesheet]"):
        if found := copier.local(link.get("href", ""), (site / docname).parent):
            hrefs.append(copier.copy(found))
    return hrefs


def write_sheets(chapters: list[Chapter], site: Path, output: Path, book_title: str,
                 language: str = "en", colophon: str = "") -> list[Sheet]:
    words = WORDS[language]
    copier = AssetCopier(site, output)
    stylesheets = site_stylesheets(site, chapters[0].docname, copier)
    sheets = []
    for kind in KINDS:
        name = words["kinds"][kind]
        groups = [(chapter.key, words["sheet"].format(kind=name, heading=chapter.heading), [chapter])
                  for chapter in chapters]
        groups.append((BOOK_KEY, words["sheet"].format(kind=name, heading=words["every_chapter"]), chapters))
        for key, title, members in groups:
            note = words[f"note_{kind}"]
            text = sheet_html(kind, title, members, key == BOOK_KEY, book_title, copier, stylesheets, note, language,
                              colophon)
            path = output / f"{kind}-{key}.html"
            path.write_text(text, encoding="utf-8")
            numbers = [number for chapter in members for number in exercise_numbers(chapter.section)]
            sheets.append(Sheet(kind, key, title, path, path.with_suffix(".pdf"), numbers))
    return sheets


# --- 2. PDF ------------------------------------------------------------------------------
def print_pdfs(sheets: list[Sheet], output: Path, book_title: str, language: str = "en") -> None:
    """Print every sheet with Debian's Chromium, offline (every request outside the local
    server is blocked and reported)."""
    from offline_browser import launch, serve, wait_for_math
    from playwright.sync_api import sync_playwright

    blocked = []
    with serve(output) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else (blocked.append(route.request.url), route.abort()))
        for sheet in sheets:
            page.goto(base + sheet.html.name, wait_until="load")
            wait_for_math(page)
            page.pdf(path=str(sheet.pdf), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER.format(title=html.escape(f"{book_title} · {sheet.title}"),
                                                   page=WORDS[language]["page"], font=FOOTER_FONT[language]),
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        browser.close()
    if blocked:
        raise SystemExit(f"the sheets asked for files outside the handouts folder: {sorted(set(blocked))}")
    try:
        from pypdf import PdfReader
    except ImportError:  # page counts are for the index only
        return
    mapping = radical_characters() if language != "en" else {}
    for sheet in sheets:
        if mapping:
            fix_cjk_text(sheet.pdf, mapping)
        sheet.pages = len(PdfReader(sheet.pdf).pages)


# --- 3. index ----------------------------------------------------------------------------
def write_index(sheets: list[Sheet], chapters: list[Chapter], output: Path, book_title: str, pdf: bool,
                language: str = "en") -> Path:
    words = WORDS[language]
    by = {(sheet.kind, sheet.key): sheet for sheet in sheets}

    def cell(kind: str, key: str) -> str:
        sheet = by[(kind, key)]
        links = f"<a href='{sheet.html.name}'>HTML</a>"
        if pdf:
            pages = f" ({words['pages'].format(pages=sheet.pages)})" if sheet.pages else ""
            links += f" · <a href='{sheet.pdf.name}'>PDF</a>{pages}"
        return f"<td>{links}</td>"

    rows = []
    for key, heading, count in [*((c.key, c.heading, len(by[("exercises", c.key)].exercises)) for c in chapters),
                                (BOOK_KEY, words["whole_book"], len(by[("exercises", BOOK_KEY)].exercises))]:
        rows.append(f"<tr><td>{html.escape(heading)}</td><td>{count}</td>{cell('exercises', key)}"
                    f"{cell('solutions', key)}</tr>")
    path = output / "index.html"
    lang, font = words["lang"], FOOTER_FONT[language]
    path.write_text(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{words['handouts']} — {html.escape(book_title)}</title>
<style>body {{ font-family: {font}; max-width: 52rem; margin: 2rem auto;
               padding: 0 1rem; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.8rem; text-align: left; }}</style>
</head><body>
<h1>{words['handouts']} — {html.escape(book_title)}</h1>
<p>{words['index_intro']}</p>
<table><thead><tr>{''.join(f'<th>{column}</th>' for column in words['columns'])}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
""", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--book", type=Path, default=ROOT, help="the book's folder (with _toc.yml)")
    parser.add_argument("--language", default="en", choices=list(WORDS),
                        help="the edition: en (default) or zh_CN (the Chinese edition, sheets in _build/handouts/zh)")
    parser.add_argument("--site", type=Path, help="the built website the sheets are cut from (default: _build/html, "
                                                  "for zh_CN _build/html/zh; `make book` or `make build-check`)")
    parser.add_argument("--output", type=Path, help="where the sheets go (default: _build/handouts, for zh_CN "
                                                    "_build/handouts/zh)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML sheets only")
    args = parser.parse_args(argv)
    language = args.language
    if language != "en" and language not in EDITION_SETTINGS:
        parser.error(f"--language {language}: tools/build_book.py has no settings for it "
                     f"(valid: en, {', '.join(EDITION_SETTINGS)})")
    edition = "" if language == "en" else language.split("_")[0]  # "zh", as in _build/html/zh
    site = args.site or ROOT / "_build" / "html" / edition
    args.output = args.output or OUTPUT / edition
    if not (site / "index.html").is_file():
        parser.error(f"no built website in {site}: build the book first (make book, or make build-check)")
    built = (site / "index.html").stat().st_mtime
    notebooks = sorted((args.book / "chapters").glob("*.ipynb"))
    if newer := [path.name for path in notebooks if path.stat().st_mtime > built]:
        print(f"warning: {site} was built before {', '.join(newer[:3])}{' ...' if len(newer) > 3 else ''} changed: "
              "the sheets show the site as built (make build-check, or make book, builds it afresh)", file=sys.stderr)
    started = time.perf_counter()
    book = args.book.resolve()
    settings = edition_settings(yaml.safe_load((book / "_config.yml").read_text()) or {}, language)
    book_title = settings.get("title", "")
    licence = re.sub(r"</?p>", "", (settings.get("html") or {}).get("extra_footer", "")).strip()
    colophon = WORDS[language]["colophon"].format(year=settings.get("copyright", ""),
                                                  author=html.escape(settings.get("author", "")), licence=licence)
    chapters = chapters_with_exercises(book, site, language)
    if not chapters:
        raise SystemExit("no chapter has an Exercises section with sphinx-exercise exercises")
    # A fresh folder, but the other editions' sheets (_build/handouts/zh) stay.
    editions = {name.split("_")[0] for name in EDITION_SETTINGS} if language == "en" else set()
    if args.output.is_dir():
        for path in args.output.iterdir():
            if path.name not in editions:
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    args.output.mkdir(parents=True, exist_ok=True)
    sheets = write_sheets(chapters, site, args.output, book_title, language, colophon)
    written = time.perf_counter()
    if not args.no_pdf:
        print_pdfs(sheets, args.output, book_title, language)
    index = write_index(sheets, chapters, args.output, book_title, pdf=not args.no_pdf, language=language)
    done = time.perf_counter()
    count = len(sheets) * (1 if args.no_pdf else 2)
    where = index.relative_to(ROOT) if index.is_relative_to(ROOT) else index
    print(f"{count} handouts for {len(chapters)} chapters ({len(sheets[-1].exercises)} exercises) in {where.parent}, "
          f"from {site.relative_to(ROOT) if site.is_relative_to(ROOT) else site}: sheets "
          f"{written - started:.0f} s{'' if args.no_pdf else f', PDFs {done - written:.0f} s'}; open {where}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
