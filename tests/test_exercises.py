"""The chapters' exercises follow one markup (sphinx-exercise), which the book, the
handouts, the student notebooks and ``momentum.exercises`` all rely on:

* one exercise per Markdown cell tagged ``exercise``: ``:::{exercise} MARK`` with
  ``:label: ex-C-N`` (C the chapter, N = 1, 2, ... in order), where MARK is the difficulty
  (★☆☆, ★★☆, ★★★), ``paper`` or ``code``, and ``open question`` exactly when the exercise
  has ``:class: open-question``;
* right after it, its worked solution in a Markdown cell tagged ``solution``:
  ``:::{solution} ex-C-N`` with ``:class: dropdown`` (folded on the website);
* no exercise or solution outside such a cell (the student notebooks drop cells by tag),
  and none of the old hand-numbered markup.

Each rule reports a planted violation below.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[01][0-9]_*.ipynb"))
OPTIONS = r"(?P<options>(?::[\w-]+:[^\n]*\n)*)"
EXERCISE = re.compile(r"\A:::\{exercise\} (?P<mark>[^\n]*)\n" + OPTIONS + r"\n(?P<body>.*\S)\n:::\Z", re.S)
SOLUTION = re.compile(r"\A:::\{solution\} (?P<label>ex-\d+-\d+)\n" + OPTIONS + r"\n(?P<body>.*\S)\n:::\Z", re.S)
MARK = re.compile(r"(★☆☆|★★☆|★★★) · (paper|code)( · open question)?")
DIRECTIVE = re.compile(r"^:::\{(exercise|solution)\}", re.M)
OLD = re.compile(r"\*\*Exercise \d+\.\d+\.\*\*|\{admonition\} Solution")


def option(options: str, name: str) -> str | None:
    found = re.search(rf"^:{name}: (.*)$", options, re.M)
    return found.group(1).strip() if found else None


def problems(cells: list, chapter: int) -> list[str]:
    """What is wrong with the exercise markup of one chapter's cells."""
    found, expected = [], 1
    for i, cell in enumerate(cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = cell["source"]
        if cell["cell_type"] != "markdown":
            continue
        if OLD.search(source):
            found.append(f"cell {i}: old hand-numbered markup")
        if "exercise" in tags:
            match = EXERCISE.match(source)
            if not match:
                found.append(f"cell {i}: an exercise cell holds exactly one :::{{exercise}} block")
                continue
            label, mark = option(match["options"], "label"), match["mark"]
            if label != f"ex-{chapter}-{expected}":
                found.append(f"cell {i}: label {label}, expected ex-{chapter}-{expected}")
            if not MARK.fullmatch(mark):
                found.append(f"cell {i}: mark {mark!r} is not 'difficulty · paper|code[ · open question]'")
            if bool(mark.endswith("open question")) != (option(match["options"], "class") == "open-question"):
                found.append(f"cell {i}: 'open question' in the mark and :class: open-question go together")
            after = cells[i + 1] if i + 1 < len(cells) else None
            solution = SOLUTION.match(after["source"]) if after else None
            if not (after and "solution" in after.get("metadata", {}).get("tags", []) and solution):
                found.append(f"cell {i}: exercise {label} is not followed by a cell tagged 'solution'")
            elif solution["label"] != label or option(solution["options"], "class") != "dropdown":
                found.append(f"cell {i + 1}: solution of {label} must be ':::{{solution}} {label}' folded "
                             f"(:class: dropdown)")
            expected += 1
        elif "solution" in tags:
            if not SOLUTION.match(source):
                found.append(f"cell {i}: a solution cell holds exactly one :::{{solution}} block")
        elif DIRECTIVE.search(source):
            found.append(f"cell {i}: an exercise or solution outside a cell tagged 'exercise'/'solution'")
    return found


def load(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercise_markup(path):
    chapter = int(path.stem[:2])
    assert problems(load(path), chapter) == []


def test_every_chapter_has_exercises():
    counts = {path.stem: sum("exercise" in c.get("metadata", {}).get("tags", []) for c in load(path))
              for path in CHAPTERS}
    assert all(n >= 2 for name, n in counts.items() if name != "00_package_tour"), counts


def test_cross_references_to_exercises_resolve():
    labels = {f"ex-{path.stem[:2].lstrip('0')}-{n}" for path in CHAPTERS
              for n in range(1, 1 + sum("exercise" in c.get("metadata", {}).get("tags", []) for c in load(path)))}
    refs = {ref for path in CHAPTERS for c in load(path) if c["cell_type"] == "markdown"
            for ref in re.findall(r"\{(?:ref|numref)\}`(ex-[\d-]+)`", c["source"])}
    assert refs and refs <= labels, refs - labels


# --- each rule reports a planted violation --------------------------------------------------------

def markdown(source: str, *tags: str) -> dict:
    return {"cell_type": "markdown", "source": source, "metadata": {"tags": list(tags)}}


GOOD = [markdown(":::{exercise} ★☆☆ · paper\n:label: ex-4-1\n\nCompute $v_1$.\n:::", "exercise"),
        markdown(":::{solution} ex-4-1\n:class: dropdown\n\n$v_1 = 1$.\n:::", "solution")]


def test_checker_accepts_the_markup():
    assert problems(GOOD, 4) == []


@pytest.mark.parametrize(("cells", "report"), [
    ([GOOD[0], {**GOOD[1], "metadata": {}}], "not followed by a cell tagged 'solution'"),
    ([GOOD[0], markdown(GOOD[1]["source"].replace(":class: dropdown\n", ""), "solution")], "folded"),
    ([markdown(GOOD[0]["source"].replace("ex-4-1", "ex-4-2"), "exercise"), GOOD[1]], "expected ex-4-1"),
    ([markdown(GOOD[0]["source"].replace("★☆☆ · paper", "hard"), "exercise"), GOOD[1]], "is not 'difficulty"),
    ([markdown(GOOD[0]["source"].replace("paper", "paper · open question"), "exercise"), GOOD[1]], "go together"),
    ([markdown("**Exercise 4.1.** Compute $v_1$.")], "old hand-numbered markup"),
    ([markdown("Text.\n\n" + GOOD[1]["source"])], "outside a cell tagged"),
])
def test_checker_reports_a_planted_defect(cells, report):
    assert any(report in problem for problem in problems(cells, 4)), problems(cells, 4)
