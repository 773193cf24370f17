"""Suggest ``slideshow.slide_type`` metadata for the chapters' cells (issue 15, slides).

    flock /work/helpers/notebooks.lock .venv/bin/python tools/slides/annotate.py [--all] chapters/04_*.ipynb

By default only cells without a slide type get one (an author's choice is kept); ``--all``
recomputes every cell. The rules make a lecture, not the chapter pasted:

* a heading, an exercise and a figure start a slide; solutions, widgets, the website's
  explorers and code without visible output are skipped;
* other Markdown and printed results continue the current slide while it has room (an
  estimate in lines of slide text, after tools/build_slides.py has moved long prose to the
  speaker notes), else they start a new one.

The notebook is read fresh and written back with nbformat: run it under the notebook lock.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from build_slides import PROSE_WORDS, Book, blocks, glue_values, is_prose, myst_to_markdown, prose_words

BUDGET = 15.0  # lines of 26-px body text a 1280x720 slide holds comfortably
CHARS_PER_LINE = 85
FULL = BUDGET + 1


def markdown_parts(text: str) -> list[float]:
    """Estimated height, in lines of body text, of what a Markdown cell shows on a slide:
    one entry per part (a heading inside the cell starts a new slide, tools/build_slides.py)."""
    parts, seen = [0.0], False
    for block in blocks(text):
        if re.match(r"^#{1,6}\s", block) and seen:
            parts.append(0.0)
        seen = True
        if is_prose(block) and prose_words(block) > PROSE_WORDS:
            continue  # goes to the speaker notes
        if re.match(r"^#{1,6}\s", block):
            parts[-1] += 2
        else:
            parts[-1] += block_lines(block)
    return parts


def block_lines(block: str) -> float:
    """Estimated height of one Markdown block (display math, a table, text)."""
    first = block.lstrip()
    if first.startswith(("$$", "\\begin")):
        return 1.3 * max(1, block.count("\\\\") + 1) + 0.5
    if first.startswith("|"):
        return 0.8 * block.count("\n") + 1
    return sum(math.ceil(max(1, len(line)) / CHARS_PER_LINE) for line in block.splitlines()) + 0.5


def output_lines(cell) -> float:
    lines = 0.0
    for output in cell.get("outputs", []):
        if output.get("metadata", {}).get("scrapbook"):
            continue
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            lines += 0.9 * "".join(output.get("text", "")).count("\n") + 0.5
        data = output.get("data", {})
        if "image/png" in data:
            return FULL
        if "text/html" in data:
            lines += 0.75 * "".join(data["text/html"]).count("<tr") + 1
    return lines


def visible(cell) -> bool:
    if "remove-output" in cell.metadata.get("tags", []):
        return False
    for output in cell.get("outputs", []):
        if output.get("metadata", {}).get("scrapbook"):
            continue
        if output.get("output_type") == "stream":
            if output.get("name") == "stdout":
                return True
            continue
        data = output.get("data", {})
        if set(data) - {"text/plain", "application/vnd.jupyter.widget-view+json"}:
            return True
        if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
            return True
    return False


def suggest(nb, book: Book, source: str) -> list[str]:
    """A slide type for every cell of ``nb``."""
    glued = glue_values(nb)
    types, used = [], FULL
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            text = cell.source.strip()
            if "solution" in tags or re.fullmatch(r"(`{3,}|:{3,})\{explorer\}.*?\1", text, re.S):
                types.append("skip")
                continue
            parts = markdown_parts(myst_to_markdown(text, book, glued, source))
            first = parts[0]
            if "exercise" in tags or re.match(r"^#{1,6}\s", text) or used + first > BUDGET:
                types.append("slide")
                used = first
            elif sum(parts) == 0:
                types.append("notes")
            else:
                types.append("-")
                used += first
            if len(parts) > 1:
                used = parts[-1]
        elif cell.cell_type == "code" and visible(cell):
            lines = output_lines(cell)
            if lines >= FULL or used + lines > BUDGET:
                types.append("slide")
                used = lines
            else:
                types.append("-")
                used += lines
        else:
            types.append("skip")
    return types


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--all", action="store_true", help="recompute every cell, not only cells without one")
    args = parser.parse_args(argv)
    book = Book(args.notebooks[0].parent)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)  # fresh, inside the lock
        changed = 0
        for cell, slide_type in zip(nb.cells, suggest(nb, book, path.name), strict=True):
            current = cell.metadata.get("slideshow", {}).get("slide_type")
            if (args.all or current is None) and current != slide_type:
                cell.metadata["slideshow"] = {"slide_type": slide_type}
                changed += 1
        if changed:
            nbformat.write(nb, path)
        print(f"{path.name}: slide type set on {changed} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
