"""Student notebooks: every chapter without its worked solutions, ready to hand out.

``make student`` runs this script. It writes ``_build/student/<chapter>.ipynb``, a copy of
each chapter (``chapters/NN_*.ipynb``) from which nbconvert's ``TagRemovePreprocessor``
has removed every cell tagged ``solution`` (the ``{solution}`` directives of
sphinx-exercise, with any code and outputs they hold). The exercises, the prose and the
committed outputs of the other cells stay, so a student reads the chapter as in the book,
runs it, and works the exercises.

A solution that is not tagged would be handed out silently, so the script refuses a
chapter in which a cell that is not tagged ``solution`` holds a solution (a ``{solution}``
directive or the old ``{admonition} Solution`` markup), naming the chapter and the cell.

Usage: python tools/student.py [--output DIR] [NOTEBOOK ...]   (default: every chapter)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "_build" / "student"
SOLUTION_TAG = "solution"
# A solution written in a cell: a sphinx-exercise {solution} directive (backtick or colon
# fence) or the pre-sphinx-exercise dropdown admonition titled "Solution".
SOLUTION_MARKUP = re.compile(r"^\s*(`{3,}|:{3,})\s*\{solution(-start|-end)?\}"
                             r"|^\s*(`{3,}|:{3,})\s*\{admonition\}\s*Solution", re.MULTILINE)


class UntaggedSolutionError(ValueError):
    """A chapter holds a solution in a cell that is not tagged ``solution``."""


def chapters(folder: Path = ROOT / "chapters") -> list[Path]:
    """The chapter notebooks (``NN_name.ipynb``) in ``folder``, in book order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def untagged_solutions(notebook: nbformat.NotebookNode) -> list[int]:
    """Numbers (from 1) of the cells that hold solution markup without the ``solution`` tag."""
    return [number for number, cell in enumerate(notebook.cells, 1)
            if SOLUTION_TAG not in cell.metadata.get("tags", []) and SOLUTION_MARKUP.search(cell.source)]


def exporter() -> NotebookExporter:
    """nbconvert's notebook-to-notebook exporter with the tag-removal preprocessor on:
    the same as ``jupyter nbconvert --to notebook --TagRemovePreprocessor.remove_cell_tags solution``."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.NotebookExporter.preprocessors = [TagRemovePreprocessor]
    return NotebookExporter(config=config)


def student_notebook(path: Path) -> nbformat.NotebookNode:
    """The student copy of the chapter at ``path`` (the file is not changed)."""
    notebook = nbformat.read(path, as_version=4)
    if cells := untagged_solutions(notebook):
        raise UntaggedSolutionError(
            f"{path.name}: cell(s) {', '.join(map(str, cells))} of {len(notebook.cells)} hold a solution "
            f"but are not tagged {SOLUTION_TAG!r}; tag them (cell.metadata['tags']) so that the student "
            "copy leaves them out")
    body, _ = exporter().from_notebook_node(notebook)
    student = nbformat.reads(body, as_version=4)
    student.metadata.pop("widgets", None)
    return student


def write_student(paths: list[Path], output: Path = OUTPUT) -> list[Path]:
    """Write the student copy of every notebook in ``paths`` to ``output``; return the new files."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        target = output / path.name
        nbformat.write(student_notebook(path), target)
        written.append(target)
    return written


# --- what the chapters' exercises and solutions say (used by the tests) -----------------
EXERCISE_LABEL = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{exercise\}.*\n(?:\s*:[\w-]+:.*\n)*?\s*:label:\s*(\S+)",
                            re.MULTILINE)
FENCED_CODE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKUP = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\{[\w:-]+\}`[^`]*`|`[^`]*`|\[[^\]]*\]\([^)]*\)|\\\(.*?\\\)", re.DOTALL)
PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]*[,.;:]?$")


def exercise_labels(notebook: nbformat.NotebookNode) -> list[str]:
    """The labels of the chapter's ``{exercise}`` directives (``ex-4-2``), in order."""
    return [label for cell in notebook.cells if cell.cell_type == "markdown"
            for label in EXERCISE_LABEL.findall(cell.source)]


def _directive_body(source: str) -> str:
    lines = source.strip().splitlines()
    body = [line for line in lines[1:-1] if not re.match(r"^\s*:[\w-]+:", line)]
    return "\n".join(body)


def solution_phrases(notebook: nbformat.NotebookNode, words: int = 6) -> dict[int, list[tuple[str, str]]]:
    """{cell number: [(kind, phrase), ...]} for every cell tagged ``solution``: text that only
    that solution says, to look for in what a student is handed (it must not be there) and
    in the solutions sheets (it must be). A phrase is one of: ``"prose"``, a run of 3 to
    ``words`` plain words (no math, code or markup, so the rendered page shows the same
    words); ``"code"``, a line of the solution's code of at least 20 characters;
    ``"math"``, the TeX of an inline formula of at least 12 characters (a page typeset
    with KaTeX keeps it in the formula's annotation). None of them occurs in another cell
    of the chapter."""
    others = " ".join(cell.source for cell in notebook.cells if SOLUTION_TAG not in cell.metadata.get("tags", []))
    others_flat = " ".join(others.split())
    phrases: dict[int, list[tuple[str, str]]] = {}
    for number, cell in enumerate(notebook.cells, 1):
        if SOLUTION_TAG not in cell.metadata.get("tags", []):
            continue
        body = _directive_body(cell.source)
        found = [("code", line.strip()) for block in FENCED_CODE.findall(body) for line in block.splitlines()
                 if len(line.strip()) >= 20 and line.strip() not in others][:2]
        prose = MARKUP.sub(" | ", FENCED_CODE.sub(" | ", body))
        run: list[str] = []
        for token in [*prose.split(), "|"]:
            if PLAIN_WORD.match(token):
                run.append(token)
                if len(run) < words:
                    continue
            if len(run) >= 3 and (phrase := " ".join(run[:words])) not in others_flat:
                found.append(("prose", phrase))
                if len(found) >= 4:
                    break
            run = []
        for formula in re.findall(r"(?<!\$)\$([^$]{12,})\$(?!\$)", FENCED_CODE.sub(" ", body)):
            formula = " ".join(formula.split())
            if len(found) < 3 and formula not in others_flat:
                found.append(("math", formula))
        phrases[number] = found
    return phrases

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapter notebooks (default: every chapter)")
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"output folder (default: {OUTPUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    paths = args.notebooks or chapters()
    try:
        written = write_student(paths, args.output)
    except UntaggedSolutionError as error:
        print(f"student notebooks not written: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
