"""Lecture decks (reveal.js) from the chapters: ``make slides`` writes _build/slides/.

One deck per chapter (chapters/01..10_*.ipynb) and an index page, built by nbconvert's
slides exporter from the same notebooks as the book, driven by each cell's
``slideshow.slide_type`` metadata (slide / subslide / fragment / - / notes / skip; a cell
without one is left out, so a deck holds only what its author chose). Everything a deck
loads is in _build/slides itself: reveal.js and MathJax 3 come from npm
(assets/package.json) and are copied into _build/slides/lib, so the decks work offline
(open them through a local web server: ``make slides-serve`` or any static server).

nbconvert's Markdown renderer knows none of MyST, so a preprocessor (``MystToSlides``)
first turns the chapters' MyST into plain Markdown for the slides:

* ``{glue:text}`name:fmt``` becomes the value the chapter's cell glued (myst-nb stores it
  as display data with ``scrapbook`` metadata), formatted as in the book;
* ``{doc}``, ``{ref}``, ``{numref}``, ``{cite}`` become plain text (chapter titles,
  "Exercise 4.2", "Polyak 1964");
* ``{exercise}`` directives become "Exercise C.N (★★☆ · paper)" questions; ``{solution}``
  directives, solution cells and "Solution" admonitions are dropped; other admonitions
  become quotes with their title; ``{explorer}`` (the website's live explorers) is dropped;
* a long prose paragraph (more than ``PROSE_WORDS`` words) is not a slide: it moves to the
  slide's speaker notes; a heading inside a cell starts a new slide;
* code cells show their outputs only (figures full size, with their caption), their input
  only if tagged ``slides-show-input``; glue records and widgets are dropped.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
OUT = ROOT / "_build" / "slides"
TEMPLATES = Path(__file__).resolve().parent / "slides"
NODE_MODULES = ROOT / "assets" / "node_modules"
DECK_GLOB = "[01][0-9]_*.ipynb"
FIRST_DECK, LAST_DECK = 1, 10  # chapters/00_package_tour is a tour of the code, not a lecture

SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "notes", "skip"}
PROSE_WORDS = 40  # a paragraph longer than this (math not counted) goes to the speaker notes
SHOW_INPUT_TAG = "slides-show-input"

# --- reading the book: glue values, labels, references --------------------------------


def glue_values(nb) -> dict[str, str]:
    """Every value a chapter's cells glued (myst-nb), as its text/plain repr."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record and "name" in record:
                data = output.get("data", {})
                text = data.get(record.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
                if text is not None:
                    values[record["name"]] = text if isinstance(text, str) else "".join(text)
    return values


def format_glue(raw: str, spec: str) -> str:
    """A glued value formatted like myst-nb's ``{glue:text}`name:spec```."""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    if not spec:
        return str(value)
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


def heading_of(text: str) -> str | None:
    match = re.search(r"^#{1,6}\s+(.+?)\s*$", text, re.M)
    return match.group(1) if match else None


class Book:
    """What the roles of one chapter point to: chapter titles, labelled headings and
    figures, exercise numbers, the bibliography, and the chapter's glued values."""

    def __init__(self, chapters: Path) -> None:
        import nbformat

        self.titles: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for path in sorted(chapters.glob("*.ipynb")) + sorted(chapters.glob("*.md")):
            if path.suffix == ".ipynb":
                nb = nbformat.read(path, as_version=4)
                sources = [c.source for c in nb.cells if c.cell_type == "markdown"]
                for cell in nb.cells:
                    name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
                    if name:
                        self.labels[name] = "the figure"
            else:
                sources = [path.read_text(encoding="utf-8")]
            text = "\n\n".join(sources)
            self.titles[path.stem] = heading_of(text) or path.stem
            for match in re.finditer(r"^\(([\w-]+)\)=\s*\n+#{1,6}\s+(.+?)\s*$", text, re.M):
                self.labels[match.group(1)] = match.group(2)
        self.citations = self._bibliography(ROOT / "references.bib")

    @staticmethod
    def _bibliography(path: Path) -> dict[str, str]:
        entries = {}
        if not path.exists():
            return entries
        for match in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", path.read_text(encoding="utf-8"), re.S):
            key, body = match.groups()
            author = re.search(r"author\s*=\s*\{(.+?)\}\s*,?\s*\n", body, re.S)
            year = re.search(r"year\s*=\s*\{?(\d{4})", body)
            first = author.group(1).split(" and ")[0] if author else key
            surname = first.split(",")[0].strip() if "," in first else first.split()[-1]
            others = " et al." if author and " and " in author.group(1) else ""
            entries[key] = f"{surname.strip('{}')}{others} {year.group(1) if year else ''}".strip()
        return entries


# --- MyST to plain Markdown -----------------------------------------------------------

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^>]+)>$", re.S)
DIRECTIVE_START = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}[ \t]*(.*)$")


def exercise_name(label: str) -> str:
    match = re.fullmatch(r"ex-(\d+)-(\d+)", label.strip())
    return f"Exercise {int(match.group(1))}.{int(match.group(2))}" if match else label


def replace_roles(text: str, book: Book, glued: dict[str, str], source: str) -> str:
    def role(match: re.Match) -> str:
        name, content = match.groups()
        explicit = EXPLICIT.match(content)
        shown, target = (explicit.group(1), explicit.group(2)) if explicit else (None, content.strip())
        if name.startswith("glue"):
            key, _, spec = target.partition(":")
            if key not in glued:
                raise KeyError(f"{source}: {{glue}} key '{key}' is not glued by any cell of the chapter")
            return format_glue(glued[key], spec)
        if name == "doc":
            return shown or book.titles.get(Path(target).stem, target)
        if name in ("ref", "numref"):
            return shown or (exercise_name(target) if target.startswith("ex-") else book.labels.get(target, target))
        if name in ("cite", "cite:p", "cite:t"):
            return "(" + "; ".join(book.citations.get(k.strip(), k.strip()) for k in target.split(",")) + ")"
        if name == "eq":
            return "the equation"
        if name == "math":
            return f"${content}$"
        return shown or content  # {term}, {abbr}, {sub}, ...: the text itself

    return ROLE.sub(role, text)


def parse_directive(lines: list[str], start: int) -> tuple[int, str, str, dict[str, str], str] | None:
    """The directive opening at ``lines[start]``: (index after its closing fence, name,
    argument, options, body)."""
    match = DIRECTIVE_START.match(lines[start])
    if not match:
        return None
    fence, name, argument = match.groups()
    closing = re.compile(rf"^{re.escape(fence)}[ \t]*$")
    end = next((i for i in range(start + 1, len(lines)) if closing.match(lines[i])), len(lines))
    body = lines[start + 1:end]
    options = {}
    while body and re.match(r"^:[\w-]+:", body[0]):
        key, _, value = body.pop(0)[1:].partition(":")
        options[key] = value.strip()
    return end + 1, name, argument.strip(), options, "\n".join(body).strip("\n")


def quote(title: str, body: str) -> str:
    lines = [f"**{title}**", "", *body.splitlines()] if title else body.splitlines()
    return "\n".join(f"> {line}".rstrip() for line in lines)


def convert_directive(name: str, argument: str, options: dict[str, str], body: str,
                      book: Book, glued: dict[str, str], source: str) -> str:
    inner = lambda text: myst_to_markdown(text, book, glued, source)  # noqa: E731
    if name in ("solution", "explorer", "glue:figure", "figure", "image", "only", "raw", "tableofcontents"):
        return ""
    if name == "exercise":
        label = options.get("label", "")
        title = f"### {exercise_name(label)}" + (f" ({argument})" if argument else "")
        return f"{title}\n\n{inner(body)}"
    if name in ("admonition", "note", "tip", "important", "warning", "caution", "attention", "hint", "seealso"):
        title = argument if name == "admonition" else (argument or name.capitalize())
        if title.lower().startswith("solution"):
            return ""
        return quote(title, inner(body))
    if name == "math":
        return f"$$\n{body}\n$$"
    if name in ("code-cell", "code", "code-block"):
        return f"```python\n{body}\n```"
    return inner(body)


def myst_to_markdown(text: str, book: Book, glued: dict[str, str], source: str = "") -> str:
    """Plain Markdown (for nbconvert) from the MyST Markdown of a chapter cell."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        directive = parse_directive(lines, i)
        if directive:
            i, name, argument, options, body = directive
            out.append(convert_directive(name, argument, options, body, book, glued, source))
            continue
        fence = re.match(r"^(`{3,}|~{3,})", line)
        if fence:  # a plain code block: kept as it is, roles inside untouched
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith(fence.group(1))), len(lines))
            out.append("\n".join(lines[i:end + 1]))
            i = end + 1
            continue
        if re.match(r"^\([\w-]+\)=\s*$", line) or re.match(r"^%", line):  # targets, comments
            i += 1
            continue
        out.append(replace_roles(line, book, glued, source))
        i += 1
    text = "\n".join(out)
    # The old exercise markup (before sphinx-exercise): "**Exercise 4.1.** Question ..."
    text = re.sub(r"^\*\*Exercise (\d+\.\d+)\.\*\*\s*", r"### Exercise \1\n\n", text, flags=re.M)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- what goes on a slide ---------------------------------------------------------------


def blocks(markdown: str) -> list[str]:
    """The top-level blocks of a Markdown text (fenced code and $$ math kept whole)."""
    found, current, fence = [], [], None
    for line in markdown.splitlines():
        if fence:
            current.append(line)
            if line.strip().startswith(fence) and len(current) > 1:
                fence = None
            continue
        stripped = line.strip()
        opener = re.match(r"^(`{3,}|~{3,}|\$\$)", stripped)
        if opener and not (opener.group(1) == "$$" and stripped.endswith("$$") and len(stripped) > 4):
            fence = opener.group(1)
            current.append(line)
            continue
        if not stripped:
            if current:
                found.append("\n".join(current))
                current = []
            continue
        if re.match(r"^#{1,6}\s", line) and current:
            found.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        found.append("\n".join(current))
    return found


def prose_words(block: str) -> int:
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", block, flags=re.S)
    return len(text.split())


def is_prose(block: str) -> bool:
    """A plain paragraph: not a heading, list, quote, table, code or display math."""
    first = block.lstrip()
    return not re.match(r"^(#{1,6}\s|[*+-]\s|\d+[.)]\s|>|\||`{3}|~{3}|\$\$|\\begin)", first)


def new_cell(cell_type: str, source: str, slide_type: str, tags: list[str] | None = None):
    import nbformat

    make = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = tags
    return cell


def markdown_cells(cell, slide_type: str, book: Book, glued: dict[str, str], source: str) -> list:
    """The slide cells of one Markdown cell: a heading inside it starts a new slide; long
    prose goes to the speaker notes; an exercise is shown whole."""
    tags = list(cell.metadata.get("tags", []))
    if "solution" in tags:
        return []
    text = myst_to_markdown(cell.source, book, glued, source)
    cells, shown, notes = [], [], []
    kind = slide_type
    in_exercise = "exercise" in tags

    def flush(next_kind: str) -> None:
        nonlocal shown, notes, kind
        if shown:
            cells.append(new_cell("markdown", "\n\n".join(shown), kind, tags + (["slide-exercise"] if in_exercise
                                                                                 else [])))
        if notes:
            cells.append(new_cell("markdown", "\n\n".join(notes), "notes"))
        shown, notes, kind = [], [], next_kind

    title_slide = False
    for block in blocks(text):
        if re.match(r"^#{1,6}\s", block) and (shown or notes or cells):
            flush("slide")
        elif title_slide and not block.lstrip().startswith(">"):
            flush("slide")  # the title slide holds the title and the learning objectives only
            title_slide = False
        if re.match(r"^#\s", block):
            title_slide = True
        elif (block.lstrip().startswith("|") and block.count("\n") > 7
              and any(not re.match(r"^#{1,6}\s", b) for b in shown)):
            flush("slide")  # a long table gets a slide of its own
        if re.match(r"^#{1,6}\s+Exercise\b", block):
            in_exercise = True
        elif re.match(r"^#{1,6}\s", block):
            in_exercise = "exercise" in tags
        if slide_type == "notes" or (not in_exercise and is_prose(block) and prose_words(block) > PROSE_WORDS):
            notes.append(block)
        else:
            shown.append(block)
    flush("-")
    return cells


def code_cells(cell, slide_type: str, book: Book, glued: dict[str, str], source: str) -> list:
    """A code cell's outputs (input only if tagged), glue records and widgets dropped, and
    its figure caption (cell metadata) under the figure."""
    cell = copy.deepcopy(cell)
    outputs = []
    for output in cell.get("outputs", []):
        if output.get("metadata", {}).get("scrapbook"):
            continue
        if output.get("output_type") == "stream" and output.get("name") != "stdout":
            continue
        data = output.get("data")
        if data is not None:
            data.pop("application/vnd.jupyter.widget-view+json", None)
            if "image/png" in data or "text/html" in data:
                data.pop("text/plain", None)
            if not data:
                continue
        outputs.append(output)
    cell.outputs = outputs
    if SHOW_INPUT_TAG not in cell.metadata.get("tags", []):
        if not outputs:
            return []
        cell.metadata["transient"] = {"remove_source": True}
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    printed = [o for o in outputs if o not in figures]
    if figures and printed:  # a figure gets the slide to itself, the printed numbers the next one
        cell.outputs = figures
    result = [cell]
    caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
    if caption and outputs:
        result.append(new_cell("markdown", myst_to_markdown(caption, book, glued, source), "-", ["slide-caption"]))
    if figures and printed:
        numbers = copy.deepcopy(cell)
        numbers.outputs = printed
        numbers.metadata["slideshow"] = {"slide_type": "slide"}
        result.append(numbers)
    return result


def slide_cells(nb, book: Book, source: str) -> tuple[list, list[str]]:
    """The cells of a chapter's deck and the list of cells left out for lack of metadata."""
    glued = glue_values(nb)
    cells, unmarked, pending = [], [], None
    for index, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if slide_type is None:
            unmarked.append(f"cell {index}")
            continue
        if slide_type not in SLIDE_TYPES:
            raise ValueError(f"{source}: cell {index} has slideshow.slide_type {slide_type!r}; "
                             f"valid: {sorted(SLIDE_TYPES)}")
        if slide_type == "skip":
            continue
        if cell.cell_type == "markdown":
            made = markdown_cells(cell, slide_type, book, glued, source)
        elif cell.cell_type == "code":
            made = code_cells(cell, slide_type, book, glued, source)
        else:
            made = []
        shown = [c for c in made if c.metadata["slideshow"]["slide_type"] != "notes"]
        if pending and shown and shown[0].metadata["slideshow"]["slide_type"] in ("-", "fragment"):
            shown[0].metadata["slideshow"]["slide_type"] = pending
        if shown:
            pending = None
        elif slide_type in ("slide", "subslide"):
            pending = slide_type  # a new slide whose shown part all went to the notes: the next cell starts it
        cells += made
    return cells, unmarked


# --- building the decks -----------------------------------------------------------------

LIBRARIES = {  # what a deck loads, copied from the npm packages (assets/package.json)
    "reveal.js/dist/reveal.css": "reveal.js/dist/reveal.css",
    "reveal.js/dist/reset.css": "reveal.js/dist/reset.css",
    "reveal.js/dist/reveal.js": "reveal.js/dist/reveal.js",
    "reveal.js/dist/theme/white.css": "reveal.js/dist/theme/white.css",
    "reveal.js/dist/theme/fonts": "reveal.js/dist/theme/fonts",
    "reveal.js/plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
    "reveal.js/LICENSE": "reveal.js/LICENSE",
    "mathjax/es5/tex-chtml-full.js": "mathjax/tex-chtml-full.js",
    "mathjax/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2",
    "mathjax/LICENSE": "mathjax/LICENSE",
}


def copy_libraries(out: Path) -> None:
    lib = out / "lib"
    missing = [name for name in LIBRARIES if not (NODE_MODULES / name).exists()]
    if missing:
        sys.exit(f"build_slides: {', '.join(missing)} missing in {NODE_MODULES}: run `npm ci` in assets/ "
                 "(make slides does)")
    if lib.exists():
        shutil.rmtree(lib)
    for source, target in LIBRARIES.items():
        path, dest = NODE_MODULES / source, lib / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, dest)
        else:
            shutil.copy2(path, dest)
    for name in ("momentum-slides.css", "momentum-slides.js"):
        shutil.copy2(TEMPLATES / name, lib / name)


def exporter():
    from nbconvert import SlidesExporter

    return SlidesExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="momentum",
                          reveal_url_prefix="lib/reveal.js", reveal_theme="white", reveal_transition="none",
                          reveal_width="1280", reveal_height="720",
                          exclude_input_prompt=True, exclude_output_prompt=True)


def build_deck(path: Path, book: Book, out: Path, slides_exporter) -> dict:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells, unmarked = slide_cells(nb, book, path.name)
    deck = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": nb.metadata.get("kernelspec", {}), "language_info": nb.metadata.get("language_info", {}),
        "title": book.titles.get(path.stem, path.stem)})
    body, _ = slides_exporter.from_notebook_node(deck, resources={"metadata": {"name": path.stem}})
    target = out / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    slides = sum(1 for c in cells if c.metadata["slideshow"]["slide_type"] in ("slide", "subslide"))
    return {"file": target.name, "title": deck.metadata["title"], "slides": max(slides, 1 if cells else 0),
            "unmarked": unmarked}


INDEX = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Momentum, tested: lecture slides</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.3em 0; }} kbd {{ border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; }}
</style></head>
<body>
<main>
<h1>Momentum, tested: lecture slides</h1>
<p>One deck per chapter, built from the chapters' notebooks. Keys: <kbd>→</kbd>/<kbd>Space</kbd> next,
<kbd>S</kbd> speaker notes (a second window), <kbd>F</kbd> full screen, <kbd>Esc</kbd> overview.
Add <code>?print-pdf</code> to a deck's address and print it to get a PDF.</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
"""


def write_index(out: Path, decks: list[dict]) -> None:
    items = "\n".join(f'<li><a href="{html.escape(d["file"])}">{html.escape(d["title"])}</a> '
                      f'({d["slides"]} slides)</li>' for d in decks)
    (out / "index.html").write_text(INDEX.format(items=items), encoding="utf-8")
    (out / "decks.json").write_text(json.dumps(decks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def chapter_paths(chapters: Path) -> list[Path]:
    paths = [p for p in sorted(chapters.glob(DECK_GLOB)) if FIRST_DECK <= int(p.name[:2]) <= LAST_DECK]
    if not paths:
        sys.exit(f"build_slides: no chapters {FIRST_DECK:02d}..{LAST_DECK:02d} in {chapters}")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=Path, default=CHAPTERS, help="folder of the chapter notebooks")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default _build/slides)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    copy_libraries(args.out)
    book, slides_exporter = Book(args.chapters), exporter()
    decks = [build_deck(path, book, args.out, slides_exporter) for path in chapter_paths(args.chapters)]
    write_index(args.out, decks)
    for deck in decks:
        note = f"; left out (no slideshow metadata): {', '.join(deck['unmarked'])}" if deck["unmarked"] else ""
        print(f"{deck['file']}: {deck['slides']} slides{note}")
    print(f"{len(decks)} decks, {sum(d['slides'] for d in decks)} slides in {args.out} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
