"""Checks of the printed book (tools/print_pdf.py), read back with pypdf.

Each check takes a ``Book`` (the PDF's pages as text, its bookmarks, page labels, links
and images, read once) and returns a list of problems, empty when the PDF passes; the
tests run each one on the real PDF and on small PDFs with the defect planted.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cjk_pdf_text import radicals_in
from pypdf import PdfReader

ROMAN = re.compile(r"^[ivxlcdm]+$")
TOP_BAND = 40  # points (14 mm): "the first lines of a page" are the text this close to its topmost line
LOCAL = re.compile(r"127\.0\.0\.1|localhost|\[::1\]", re.IGNORECASE)




def _unify(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def check_chinese_text_reads_as_characters(book: Book) -> list[str]:
    """Chinese text that a reader copies or searches reads as the characters drawn, not as
    the look-alike radicals Chromium names some glyphs by (tools/cjk_pdf_text.py)."""
    return [f"page {index + 1}: radicals {found[:8]} in the text layer"
            for index, text in enumerate(book.texts) if (found := radicals_in(text))]


def normalise(text: str) -> str:
    """Text compared loosely: ligatures (ﬂ) and superscripts undone, spaces collapsed."""
    return re.sub(r"\s+", " ", _unify(text)).strip()


def squeeze(text: str) -> str:
    """Text with every space removed (pypdf may add or drop spaces inside a line)."""
    return re.sub(r"\s+", "", _unify(text))


def _page_texts(reader: PdfReader, indices: list[int]) -> list[tuple[int, str, str]]:
    """(index, text, text near the top) of the pages ``indices``."""
    result = []
    for index in indices:
        chunks: list[tuple[float, str]] = []

        def visit(text, cm, tm, _font, _size, chunks=chunks):
            if text.strip():  # the chunk's baseline height on the page (larger is higher)
                chunks.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        text = reader.pages[index].extract_text(visitor_text=visit)
        top = max((y for y, _ in chunks), default=0)
        result.append((index, text, " ".join(chunk for y, chunk in chunks if y >= top - TOP_BAND)))
    return result


def _page_texts_of(source: str | Path | bytes, indices: list[int]) -> list[tuple[int, str, str]]:
    return _page_texts(PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source), indices)


@dataclass
class Book:
    texts: list[str]
    labels: list[str]
    outline: list[tuple[int, str, int]]  # (depth, title, page index), in order
    uris: list[tuple[int, str]]  # (page index, URI) of every link annotation that has one
    jumps: list[tuple[int, str | None]] = field(default_factory=list)  # internal links: (page, target page or None)
    images: dict[int, set[int]] = field(default_factory=dict)  # image XObject id -> pages showing it
    has_labels: bool = False
    tops: list[str] = field(default_factory=list)  # per page: the text near its top (by position)

    @classmethod
    def read(cls, path: Path | str | io.BytesIO) -> Book:
        reader = PdfReader(path)
        outline: list[tuple[int, str, int]] = []

        def walk(items, depth):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    outline.append((depth, str(item.title), reader.get_destination_page_number(item)))

        walk(reader.outline, 0)
        uris, images, jumps = [], {}, []
        named = reader.named_destinations
        for index, page in enumerate(reader.pages):
            for annotation in page.get("/Annots", []) or []:
                annotation = annotation.get_object()
                action = annotation.get("/A")
                if action is not None and "/URI" in action.get_object():
                    uris.append((index, str(action.get_object()["/URI"])))
                elif annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                    target = annotation["/Dest"]
                    if isinstance(target, list):  # an explicit destination: a page of this PDF
                        jumps.append((index, "explicit"))
                        continue
                    destination = named.get(str(target)) or named.get(str(target).lstrip("/"))
                    jumps.append((index, None if destination is None
                                  else str(reader.get_destination_page_number(destination))))
            for xobject in ((page.get("/Resources") or {}).get("/XObject") or {}).values():
                if xobject.get_object().get("/Subtype") == "/Image":
                    images.setdefault(xobject.idnum if hasattr(xobject, "idnum") else id(xobject), set()).add(index)
        # Text extraction (pure Python, about 0.1 s a page) in one process per core.
        indices = list(range(len(reader.pages)))
        workers = max(1, min(os.cpu_count() or 1, 4, len(indices) // 20))
        if workers == 1:
            pages = _page_texts(reader, indices)
        else:
            source = path if isinstance(path, (str, Path)) else path.getvalue()
            with ProcessPoolExecutor(workers) as pool:
                pages = [page for part in pool.map(_page_texts_of, [source] * workers,
                                                   [indices[i::workers] for i in range(workers)]) for page in part]
            pages.sort()
        texts = [text for _index, text, _top in pages]
        tops = [top for _index, _text, top in pages]
        return cls(texts=texts, labels=list(reader.page_labels), outline=outline, uris=uris, images=images,
                   has_labels="/PageLabels" in reader.trailer["/Root"], tops=tops, jumps=jumps)



def check_title_page(book: Book, title: str, author: str, licence: str) -> list[str]:
    """The first page names the edition's title, its authors and its licence (the words of
    the book's settings for that edition, not the English ones in another edition)."""
    first = squeeze(book.texts[0]) if book.texts else ""
    return [f"the title page lacks the {what} {words!r}" for what, words in
            (("title", title), ("authors", author), ("licence", licence)) if squeeze(words) not in first]


def check_page_count(book: Book, low: int, high: int) -> list[str]:
    pages = len(book.texts)
    return [] if low <= pages <= high else [f"{pages} pages, expected between {low} and {high}"]


def check_outline(book: Book, parts: list[str], chapters: list[str]) -> list[str]:
    """Every part a top-level bookmark, every chapter a bookmark one level below, in order."""
    problems = []
    top = [normalise(title) for depth, title, _ in book.outline if depth == 0]
    second = [normalise(title) for depth, title, _ in book.outline if depth == 1]
    for part in parts:
        if not any(normalise(part) in title for title in top):
            problems.append(f"no top-level bookmark for the part {part!r} (top level: {top})")
    wanted = [normalise(chapter) for chapter in chapters]
    problems += [f"no chapter-level bookmark for {title!r}" for title in wanted if title not in second]
    found = [title for title in wanted if title in second]
    if found != [title for title in second if title in found]:
        problems.append(f"chapter bookmarks out of order: {[title for title in second if title in found]}")
    return problems


def check_page_labels(book: Book) -> list[str]:
    """Roman labels for the front matter, then 1, 2, 3, ...; every page with more than a
    few words shows its label as the last line (the page number at its foot)."""
    if not book.has_labels:
        return ["the PDF has no page labels"]
    problems = []
    first_arabic = next((i for i, label in enumerate(book.labels) if label.isdigit()), None)
    if first_arabic is None or first_arabic == 0:
        problems.append(f"expected roman labels for the front matter, then arabic ones: {book.labels[:8]}")
    else:
        front, body = book.labels[:first_arabic], book.labels[first_arabic:]
        if not all(ROMAN.match(label) for label in front):
            problems.append(f"front matter labels are not roman: {front}")
        if body != [str(n) for n in range(1, len(body) + 1)]:
            problems.append(f"body labels do not run 1, 2, 3, ...: {body[:10]}...")
    for index, (text, label) in enumerate(zip(book.texts, book.labels, strict=True)):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if index > 0 and len(text.split()) > 12 and (not lines or lines[-1] != label):
            problems.append(f"page {index + 1} (label {label}) ends with {lines[-1:]!r}, not its page number")
    return problems


def check_no_local_links(book: Book) -> list[str]:
    """No link to the local server that printed the book, and no URL of it in the text
    (the documented `make serve` address, 127.0.0.1:8000, may be named but not linked)."""
    problems = [f"page {index + 1}: link to {uri}" for index, uri in book.uris if LOCAL.search(uri)]
    for index, text in enumerate(book.texts):
        for match in re.finditer(r"(?:127\.0\.0\.1|localhost):(\d+)", text):
            if match[1] != "8000":
                problems.append(f"page {index + 1}: text names a local server: {match[0]}")
    return problems


def check_internal_links(book: Book, minimum: int) -> list[str]:
    """At least ``minimum`` links that jump within the PDF, each to a page that exists."""
    problems = [f"page {index + 1}: a link to a destination the PDF does not have" for index, page in book.jumps
                if page is None]
    if len(book.jumps) < minimum:
        problems.append(f"{len(book.jumps)} internal links, expected at least {minimum}")
    return problems


def check_chapters_start_pages(book: Book, chapters: list[str]) -> list[str]:
    """Every chapter title at the top of some page (within TOP_BAND of its first line)."""
    tops = [squeeze(top) for top in book.tops]
    return [f"no page starts with the chapter title {title!r}" for title in chapters
            if not any(squeeze(title) in top for top in tops)]


def check_identifiers_whole(book: Book, identifiers: list[str]) -> list[str]:
    """Each identifier appears, and never broken by a line break (``Parabo`` / ``la()``)."""
    text = "\n".join(book.texts)
    problems = []
    for word in identifiers:
        if word not in text:
            problems.append(f"{word!r} does not appear in the text at all")
        for cut in range(1, len(word)):
            pattern = re.escape(word[:cut]) + r"[ \t]*\n[ \t]*" + re.escape(word[cut:])
            if match := re.search(pattern, text):
                problems.append(f"{word!r} split across lines: {match[0]!r}")
    return problems


def check_figures(book: Book, figures: int) -> list[str]:
    """At least one image per figure of the book, each drawn on one page only (not split)."""
    problems = []
    if len(book.images) < figures:
        problems.append(f"{len(book.images)} images in the PDF, the book has {figures} figures")
    problems += [f"an image is drawn on pages {sorted(p + 1 for p in pages)} (split?)"
                 for pages in book.images.values() if len(pages) > 1]
    return problems


def check_contents_numbers(book: Book, title: str = "Contents") -> list[str]:
    """The table of contents gives, for every bookmark after it, the label of the page the
    bookmark points to: each title, in order, followed by that label (spaces ignored, as
    pypdf places them differently in Latin and CJK text)."""
    starts = [(i, page) for i, (depth, name, page) in enumerate(book.outline) if normalise(name) == normalise(title)]
    if not starts:
        return [f"no {title!r} bookmark"]
    position, first = starts[0]
    entries = book.outline[position + 1:]
    if not entries:
        return ["no bookmarks after the contents"]
    toc = squeeze(" ".join(book.texts[first:entries[0][2] + 1]))  # to the page the first entry starts on
    problems, cursor = [], 0
    for _depth, name, page in entries:
        label = book.labels[page]
        at = toc.find(squeeze(name), cursor)
        if at < 0:
            problems.append(f"{name!r} is not in the contents")
            continue
        cursor = at + len(squeeze(name))
        if not toc.startswith(label, cursor):
            problems.append(f"contents says {name!r} is on page {toc[cursor:cursor + 6]!r}..., it is on page {label}")
        else:
            cursor += len(label)
    return problems


def check_solutions_at_end(book: Book, solutions: list[str], title: str = "Solutions") -> list[str]:
    """The last top-level bookmark is the solutions chapter, after every other one; each
    solution title ("Solution to Exercise 4.2", one per exercise) is printed there, in
    order, and none before it."""
    top = [(normalise(name), page) for depth, name, page in book.outline if depth == 0]
    if not top or top[-1][0] != normalise(title):
        return [f"the last top-level bookmark is {top[-1:] if top else None}, not {title!r}"]
    start = top[-1][1]
    problems = []
    if any(page > start for _name, page in top[:-1]):
        problems.append("a part starts after the solutions")
    before, after = squeeze(" ".join(book.texts[:start])), squeeze(" ".join(book.texts[start:]))
    cursor = 0
    for solution in solutions:
        # the title followed by a non-digit: "... 1.1" is not "... 1.10"
        if re.search(re.escape(squeeze(solution)) + r"(?!\d)", before):
            problems.append(f"{solution!r} is printed inside the chapters")
        match = re.compile(re.escape(squeeze(solution)) + r"(?!\d)").search(after, cursor)
        if match is None:
            problems.append(f"{solution!r} is not in the solutions at the end (in order)")
        else:
            cursor = match.end()
    return problems
