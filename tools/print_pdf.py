"""Print the book as a PDF that reads like a printed textbook, with Debian's Chromium.

``make pdf`` builds ``_build/singlehtml`` (every chapter on one page, from the committed
outputs), runs this script, then reads the PDF back (tests/pdf). The script

1. serves the site on 127.0.0.1 (nothing else is fetched, and the page's scripts are not
   run: the math is typeset at build time) and reshapes the page for print: a title page,
   a table of contents, the introduction, then each part of ``_toc.yml`` on a page of its
   own followed by its chapters, each starting a page; the worked solutions moved out of
   the chapters into a final "Solutions" chapter, grouped by chapter (each exercise says
   on which page its solution is, and links to it); every link to the local server or to
   another page of the site made an in-document link (or plain text where the target is
   not printed); the website's furniture (sidebars, buttons, live explorers, hidden
   plotting code) left out; ``assets/theme/print.css`` (paged media: page breaks,
   figures kept whole, code wrapped at spaces only) added;
2. prints it twice: the first print tells on which page every heading and solution lands
   (Chromium writes a named destination for every link target), the second carries those
   page numbers in the contents and the exercises (the numbers sit in fixed-width boxes,
   so nothing moves; checked);
3. with pypdf, adds the bookmarks (parts > chapters > sections, then the solutions), page
   labels (roman for the front matter: title, contents, introduction; arabic from Part I)
   and the matching number at the foot of every page but the title and part pages, and
   writes ``_build/momentum.pdf``.

The site, output, table of contents and labels' language are arguments (the language is
read from the page by default; the parts' captions and the book's title are taken from
the page too), so another edition reuses it: the Chinese one with a singlehtml build made
with ``-D language=zh_CN`` (print.css lists the Noto CJK fonts after DejaVu).
``--tagged`` makes the final print a tagged (accessible) PDF: about twice the size.
"""
from __future__ import annotations

import argparse
import io
import logging
import re
import sys
import time
from pathlib import Path

import yaml
from build_book import edition_settings
from cjk_pdf_text import fix_cjk_text, radical_characters
from offline_browser import launch, serve, wait_for_math
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

ROOT = Path(__file__).resolve().parents[1]
logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's PDFs undercount their objects (harmless)
# The pages the book no longer has (collected by hand before sphinx-exercise): never printed.
DROPPED = {"chapters/exercises", "chapters/solutions"}
LABELS = {
    "en": {"contents": "Contents", "introduction": "Introduction", "part": "Part {roman}",
           "solutions": "Solutions", "solutions_intro": "Worked solutions to the exercises, chapter by chapter.",
           "solution_to": "Solution to {exercise}", "chapter": "Chapter {number}: {title}",
           "solution_page": "Solution on page {page}.",
           "colophon": "Print edition, {date}. © {year} {author}. {licence}"},
    "zh_CN": {"contents": "目录", "introduction": "引言", "part": "第 {number} 部分",
              "solutions": "习题解答", "solutions_intro": "各章习题的详细解答。",
              "solution_to": "{exercise} 解答", "chapter": "第 {number} 章　{title}",
              "solution_page": "解答见第 {page} 页。",
              "colophon": "印刷版，{date}。© {year} {author}。{licence}"},
}


def roman(number: int) -> str:
    """Lower-case roman numeral of a positive integer (page labels of the front matter)."""
    if number < 1:
        raise ValueError(f"roman numerals need number >= 1, got {number}")
    digits = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
              (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    text = ""
    for value, letters in digits:
        while number >= value:
            text, number = text + letters, number - value
    return text


def read_toc(toc: Path) -> tuple[str, list[dict]]:
    """The root document and the parts of a Jupyter Book ``_toc.yml``: [{caption,
    numbered, chapters: [docname, ...]}], without the pages the print leaves out."""
    data = yaml.safe_load(toc.read_text())
    parts = [{"caption": part.get("caption", ""), "numbered": bool(part.get("numbered")),
              "chapters": [entry["file"] for entry in part.get("chapters", []) if entry["file"] not in DROPPED]}
             for part in data.get("parts", [])]
    return data["root"], [part for part in parts if part["chapters"]]


# Runs in the page: reshape the single page into the printed book (see the module docstring).
RESHAPE_JS = r"""
({parts, rootDoc, labels, title, subtitle, author, colophon}) => {
  const make = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls;
                                     if (text !== undefined) e.textContent = text; return e; };
  const unwrap = e => e.replaceWith(...e.childNodes);
  // Text of an element as read aloud: math from its MathML (KaTeX also has an HTML copy).
  const clean = e => { const c = e.cloneNode(true);
                       c.querySelectorAll('.katex-html, a.headerlink, annotation').forEach(x => x.remove());
                       return c.textContent.replace(/\s+/g, ' ').trim(); };
  const article = document.querySelector('article.bd-article');
  const rootSection = article.querySelector(':scope > section');
  // The website's own print block (title and a contents list without page numbers), the
  // "#" after every heading, hidden plotting code, live explorers (their figure is printed).
  // The book's title as this edition shows it (the theme's print title), else _config.yml's.
  const shownTitle = document.querySelector('#jb-print-docs-body h1');
  if (shownTitle && shownTitle.textContent.trim()) title = shownTitle.textContent.trim();
  // The parts' captions as this edition shows them (translated in other languages): from
  // the theme's print contents, matched to _toc.yml's parts by their first chapter.
  for (const caption of document.querySelectorAll('#jb-print-toc p.caption')) {
    const list = caption.nextElementSibling;
    const first = list && list.querySelector('a[href^="#document-"]');
    const part = first && parts.find(p => '#document-' + p.chapters[0] === first.getAttribute('href'));
    if (part) part.caption = caption.textContent.trim();
  }
  document.querySelectorAll('#jb-print-docs-body, a.headerlink, details.hide.above-input, .momentum-explorer, '
                            + 'button, .toggle-button').forEach(e => e.remove());

  const chapterOf = doc => {
    const marker = document.getElementById('document-' + doc);
    const section = marker && marker.nextElementSibling;
    if (!section || section.tagName !== 'SECTION') throw new Error('chapter ' + doc + ' not found in the page');
    return [marker, section];
  };
  const book = make('div', 'print-book');
  // Title page (no heading element: it gets no bookmark).
  const titlePage = make('div', 'print-title-page');
  titlePage.append(make('div', 'print-title', title));
  titlePage.lastChild.setAttribute('role', 'heading'); titlePage.lastChild.setAttribute('aria-level', '1');
  const lead = rootSection.querySelector(':scope > p');
  const firstSentence = lead ? clean(lead).split(/(?<=[.!?。])\s*/)[0] : '';
  titlePage.append(make('p', 'print-subtitle', subtitle || firstSentence), make('p', 'print-author', author),
                   make('p', 'print-colophon', colophon));
  book.append(titlePage);
  const toc = make('section', 'print-toc'); toc.id = 'print-contents';
  toc.append(make('h1', '', labels.contents));
  book.append(toc);

  // Introduction: the root page without its title and toctrees.
  const intro = make('section', 'print-chapter print-intro'); intro.id = 'print-introduction';
  intro.append(make('h1', '', labels.introduction));
  rootSection.querySelector(':scope > h1').remove();
  const toctrees = [...rootSection.querySelectorAll(':scope > .toctree-wrapper')];
  const chapters = {};
  for (const part of parts) for (const doc of part.chapters) chapters[doc] = chapterOf(doc);
  toctrees.forEach(t => t.remove());
  intro.append(...rootSection.childNodes);
  intro.id = rootSection.id || intro.id;
  book.append(intro);

  const romans = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
  let partNumber = 0;
  for (const part of parts) {
    const page = make('section', 'print-part');
    const heading = make('h1');
    if (part.numbered) {
      partNumber += 1;
      heading.append(make('span', 'print-part-number',
                          labels.part.replace('{roman}', romans[partNumber - 1]).replace('{number}', partNumber)), ' ');
    }
    heading.append(make('span', 'print-part-caption', part.caption));
    page.id = 'print-part-' + (parts.indexOf(part) + 1);
    page.append(heading);
    book.append(page);
    for (const doc of part.chapters) {
      const wrapper = make('section', 'print-chapter');
      wrapper.append(...chapters[doc]);
      book.append(wrapper);
    }
  }

  // Solutions: moved out of the chapters, grouped under their chapter's title; each
  // exercise gets a link to its solution (its page number is filled in later).
  const solutions = make('section', 'print-solutions'); solutions.id = 'print-solutions';
  solutions.append(make('h1', '', labels.solutions), make('p', 'print-solutions-intro', labels.solutions_intro));
  let group = null, groupChapter = null, found = [];
  for (const solution of [...book.querySelectorAll('div.solution')]) {
    const chapter = solution.closest('.print-chapter');
    const heading = chapter && chapter.querySelector('h2');
    if (chapter !== groupChapter && heading) {
      groupChapter = chapter;
      const number = heading.querySelector('.section-number');
      const name = clean(heading).replace(number ? number.textContent.trim() : '', '').trim();
      const text = number ? labels.chapter.replace('{number}', number.textContent.replace(/[.\s]+$/, '').trim())
                                          .replace('{title}', name) : name;
      group = make('h2', '', text);
      solutions.append(group);
    }
    const titleElement = solution.querySelector(':scope > .admonition-title');
    const target = titleElement && titleElement.querySelector('a[href*="#"]');
    const exerciseId = target ? decodeURIComponent(target.getAttribute('href').split('#')[1]) : null;
    const exerciseName = target ? clean(target).replace(/\s*\(.*\)\s*$/, '') : clean(titleElement || solution);
    const box = make('div', 'print-solution'); box.id = solution.id;
    const title = make('p', 'print-solution-title');
    const back = make('a', '', labels.solution_to.replace('{exercise}', exerciseName));
    if (exerciseId) back.setAttribute('href', '#' + exerciseId);
    title.append(back);
    if (titleElement) titleElement.remove();
    const body = solution.querySelector(':scope > section') || solution;
    box.append(title, ...body.childNodes);
    solution.remove();
    solutions.append(box);
    const exercise = exerciseId && book.querySelector('#' + CSS.escape(exerciseId));
    if (exercise) {
      const link = make('p', 'print-solution-link');
      const a = make('a', '', labels.solution_page.replace('{page}', '000'));
      a.setAttribute('href', '#' + box.id); a.dataset.solution = box.id;
      link.append(a);
      exercise.append(link);
    }
    found.push({id: box.id, title: clean(title)});
  }
  if (found.length) book.append(solutions);
  article.replaceChildren(book);

  // Ids are unique per page of the website, not in the single page ("exercises" is in
  // every chapter): a repeated id gets a suffix, and links in the same chapter follow it.
  const seen = new Set(), renamed = new Map();
  for (const element of book.querySelectorAll('[id]')) {
    if (!seen.has(element.id)) { seen.add(element.id); continue; }
    let n = 2; while (seen.has(element.id + '-' + n)) n += 1;
    const chapter = element.closest('.print-chapter, .print-solutions');
    if (!renamed.has(chapter)) renamed.set(chapter, new Map());
    renamed.get(chapter).set(element.id, element.id + '-' + n);
    element.id = element.id + '-' + n; seen.add(element.id);
  }
  // Links: in-document where the target is in the page, none to the local server.
  let unwrapped = 0;
  for (const a of [...document.querySelectorAll('a[href]')]) {
    const url = new URL(a.getAttribute('href'), location.href);
    const local = url.origin === location.origin || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (!local) continue;
    let id = decodeURIComponent(url.hash.slice(1));
    const own = renamed.get(a.closest('.print-chapter, .print-solutions'));
    if (own && own.has(id)) id = own.get(id);
    if (id && document.getElementById(id) && url.origin === location.origin) a.setAttribute('href', '#' + id);
    else { unwrap(a); unwrapped += 1; }
  }

  // The contents (and bookmarks): the introduction, parts, chapters and their sections,
  // the solutions and their chapter groups. Every entry links to its section, so the
  // printed PDF has a named destination for each (what tools/print_pdf.py reads back).
  const entries = [];
  for (const heading of book.querySelectorAll('h1, h2, h3')) {
    const where = heading.parentElement.closest('.print-part, .print-chapter, .print-solutions, .print-toc');
    if (!where || where.classList.contains('print-toc')) continue;
    if (where.classList.contains('print-intro') && heading.tagName !== 'H1') continue;
    let depth = {H1: 0, H2: 1, H3: 2}[heading.tagName];
    if (where.classList.contains('print-solutions') && heading.tagName === 'H2') {
      heading.id = 'print-solutions-' + (entries.length + 1);
    }
    const section = heading.id ? heading : heading.closest('section[id], .print-part');
    entries.push({depth, title: clean(heading), id: section.id,
                  level: ['part', 'chapter', 'section'][depth]});
  }
  const list = make('ol');
  for (const entry of entries) {
    const li = make('li', 'print-toc-' + entry.level);
    const a = make('a', 'print-toc-title', entry.title); a.setAttribute('href', '#' + entry.id);
    li.append(a, make('span', 'print-toc-dots'), make('span', 'print-toc-page-number', '000'));
    list.append(li);
  }
  toc.append(list);
  return {entries, solutions: found, unwrapped, title};
}
"""

# Fill in page numbers: {"toc": [label per contents entry], "solutions": {id: label}, "template": ...}.
FILL_JS = r"""
({toc, solutions, template}) => {
  document.querySelectorAll('.print-toc-page-number').forEach((e, i) => e.textContent = toc[i]);
  document.querySelectorAll('.print-solution-link a').forEach(a =>
    a.textContent = template.replace('{page}', solutions[a.dataset.solution]));
}
"""

def destination_pages(reader: PdfReader, ids: list[str]) -> list[int]:
    """The page index of each element id, from the PDF's named destinations (Chromium
    makes one for every element that a link in the page points to)."""
    destinations = reader.named_destinations
    missing = [key for key in ids if "/" + key not in destinations and key not in destinations]
    if missing:
        raise RuntimeError(f"no named destination in the printed PDF for {missing[:5]} (is a link pointing to them?)")
    return [reader.get_destination_page_number(destinations.get("/" + key) or destinations[key]) for key in ids]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_label(index: int, body_start: int) -> str:
    return roman(index + 1) if index < body_start else str(index - body_start + 1)


def add_page_numbers(writer: PdfWriter, body_start: int, skip: set[int]) -> None:
    """Page labels (roman, then arabic from ``body_start``) and the same number drawn at
    the foot of every page except those in ``skip`` (title page, part pages)."""
    writer.set_page_label(0, body_start - 1, style="/r")
    writer.set_page_label(body_start, len(writer.pages) - 1, style="/D", start=1)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    font_ref = writer._add_object(font)
    for index, page in enumerate(writer.pages):
        if index in skip:
            continue
        label = page_label(index, body_start)
        width = float(page.mediabox.width)
        text_width = 0.556 * 9 * len(label)  # Helvetica digits and small letters: about 0.5 em
        x, y = (width - text_width) / 2, 28
        # Chromium leaves a scaled coordinate system behind: isolate its content (q ... Q),
        # then draw the number as an artifact (not part of the tagged text structure).
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(f"Q\n/Artifact <</Type /Pagination>> BDC BT /FPrintNo 9 Tf {x:.2f} {y:.2f} Td ({label}) Tj "
                       f"ET EMC\n".encode())
        contents = page.get("/Contents")
        existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *existing,
                                                     writer._add_object(after)])
        resources = page.get("/Resources").get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject("/FPrintNo")] = font_ref


def add_outline(writer: PdfWriter, items: list[tuple[int, str, int]]) -> None:
    """PDF bookmarks from (depth, title, page index), depth 0 = parts, 1 = chapters, 2 = sections."""
    writer._root_object.pop(NameObject("/Outlines"), None)
    parents: list = []
    for depth, title, page_index in items:
        parent = parents[depth - 1] if 0 < depth <= len(parents) else None
        item = writer.add_outline_item(title=title, page_number=page_index, parent=parent, is_open=depth == 0)
        parents[depth:] = [item]


def page_language(html: str) -> str:
    """The LABELS key for a page's ``<html lang>`` (zh, zh-CN, zh_CN -> zh_CN; else en)."""
    match = re.search(r"<html[^>]*\slang=\"([^\"]+)\"", html)
    lang = (match[1] if match else "en").replace("-", "_")
    return next((key for key in LABELS if key == lang or key.split("_")[0] == lang.split("_")[0]), "en")


def print_book(site: Path, output: Path, toc: Path, config: Path, lang: str, css: list[Path],
               tagged: bool = False) -> int:
    started = time.time()
    root_doc, parts = read_toc(toc)
    book_page = site / f"{root_doc}.html"
    if not book_page.is_file():
        print(f"--site {site}: no {root_doc}.html there (build it with the singlehtml builder: make singlehtml)",
              file=sys.stderr)
        return 2
    if lang == "auto":
        lang = page_language(book_page.read_text(errors="replace")[:2000])
    labels = LABELS[lang]
    settings = edition_settings(yaml.safe_load(config.read_text()) or {}, lang)
    licence = re.sub(r"<[^>]+>", "", (settings.get("html") or {}).get("extra_footer", ""))
    colophon = normalise(labels["colophon"].format(date=time.strftime("%Y-%m-%d"), year=settings.get("copyright", ""),
                                                   author=settings.get("author", ""), licence=licence))
    args = {"parts": parts, "rootDoc": root_doc, "labels": labels, "title": settings.get("title", ""),
            "subtitle": settings.get("description", "") or str(settings.get("print_subtitle", "")),
            "author": settings.get("author", ""), "colophon": colophon}
    styles = "\n".join(path.read_text() for path in [ROOT / "assets" / "theme" / "print.css", *css])
    blocked = []
    # The single page links its assets relative to the site root (_static/, _images/):
    # it is served as /book.html.
    html = book_page.read_bytes()
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()

        def route(request_route):
            request = request_route.request
            if request.url == base + "book.html":
                return request_route.fulfill(body=html, content_type="text/html; charset=utf-8")
            if request.resource_type == "script":  # static print: no theme, toggle or explorer scripts
                return request_route.abort()
            if request.url.startswith(base):
                return request_route.continue_()
            blocked.append(request.url)
            return request_route.abort()

        page.route("**/*", route)
        page.goto(base + "book.html", wait_until="load")
        timings = {"load": time.time() - started}
        shape = page.evaluate(RESHAPE_JS, args)
        page.add_style_tag(content=styles)
        wait_for_math(page)
        options = {"format": "A4", "print_background": True, "prefer_css_page_size": True}
        ids = [entry["id"] for entry in shape["entries"]] + [solution["id"] for solution in shape["solutions"]]
        timings["reshape"] = time.time() - started - sum(timings.values())
        first = PdfReader(io.BytesIO(page.pdf(**options)))
        timings["print 1"] = time.time() - started - sum(timings.values())
        pages = destination_pages(first, ids)
        body_start = pages[next(i for i, e in enumerate(shape["entries"]) if e["id"].startswith("print-part-"))]
        labels_of = [page_label(p, body_start) for p in pages]
        page.evaluate(FILL_JS, {"toc": labels_of[:len(shape["entries"])],
                                "solutions": {s["id"]: label for s, label in
                                              zip(shape["solutions"], labels_of[len(shape["entries"]):], strict=True)},
                                "template": labels["solution_page"]})
        final = PdfReader(io.BytesIO(page.pdf(**options, tagged=tagged)))
        timings["print 2"] = time.time() - started - sum(timings.values())
        browser.close()
    if blocked:
        print(f"blocked requests outside the site: {blocked}", file=sys.stderr)
        return 1
    if destination_pages(final, ids) != pages or len(final.pages) != len(first.pages):
        print("the pages moved between the two prints (the page numbers changed the layout)", file=sys.stderr)
        return 1
    writer = PdfWriter(clone_from=final)
    entries = shape["entries"]
    part_pages = {p for p, e in zip(pages, entries, strict=False) if e["id"].startswith("print-part-")}
    add_page_numbers(writer, body_start, skip={0, *part_pages})
    add_outline(writer, [(0, labels["contents"], 1)] + [(e["depth"], e["title"], p)
                                                         for e, p in zip(entries, pages, strict=False)])
    writer.add_metadata({"/Title": shape["title"], "/Author": args["author"], "/Creator": "tools/print_pdf.py",
                         "/Producer": "Chromium (Playwright page.pdf) and pypdf"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang.replace("_", "-"))
    writer.page_mode = "/UseOutlines"
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as file:
        writer.write(file)
    if lang != "en":  # Chinese characters that Chromium's text layer names as radicals
        fix_cjk_text(output, radical_characters())
    print(f"wrote {output} ({len(writer.pages)} pages: {body_start} front, {output.stat().st_size / 1e6:.1f} MB; "
          f"{len(shape['entries'])} contents entries, {len(shape['solutions'])} solutions, "
          f"{shape['unwrapped']} local links unlinked) in {time.time() - started:.0f} s "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "singlehtml",
                        help="the singlehtml build to print (default: _build/singlehtml)")
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "momentum.pdf",
                        help="the PDF to write (default: _build/momentum.pdf)")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml", help="the book's _toc.yml (parts, chapters)")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml", help="title, author, licence")
    parser.add_argument("--lang", default="auto",
                        help=f"language of the print's own labels: {', '.join(LABELS)}, or auto (the page's lang)")
    parser.add_argument("--css", type=Path, action="append", default=[], help="another style sheet (after print.css)")
    parser.add_argument("--tagged", action="store_true", help="a tagged (accessible) PDF: about twice the size")
    args = parser.parse_args(argv)
    if args.lang not in (*LABELS, "auto"):
        parser.error(f"--lang {args.lang!r}: one of {', '.join(LABELS)} or auto")
    return print_book(args.site, args.output, args.toc, args.config, args.lang, args.css, args.tagged)


if __name__ == "__main__":
    sys.exit(main())
