"""The prose cannot state a number that no cell computed, and every worked solution runs.

* Numbers in the chapters' Markdown come from cells through myst-nb's ``glue``
  ({glue:text}`key`), which nbval re-checks on every run. A literal number is allowed only
  if it is an integer from 0 to 10 or is listed, with a reason, in
  ``tests/prose_literals/<chapter>.txt`` (settings the reader chooses, hand derivations,
  fixed facts such as years).
* Every ```python block of an exercise's solution runs on its own (with numpy, matplotlib
  and the package imported), and every number a solution states is printed by its code
  or allow-listed as derived on paper.

Each rule has a planted violation below that it must report.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
LITERALS = Path(__file__).resolve().parent / "prose_literals"
GENERATED = {"references", "api"}  # generated pages
PREAMBLE = ("import numpy as np\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "import momentum as m\n")

SOLUTION = re.compile(r"^:::\{solution\} ex-(\d+)-(\d+)\n(?::[\w-]+:[^\n]*\n)*(.*?)^:::$", re.S | re.M)
FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1[ \t]*$", re.S | re.M)
NUMBER = re.compile(r"(?<![\w.\\{])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE][-+−]?\d+)?%?")
REMOVE = [
    FENCE,
    re.compile(r"\{[\w:-]+\}`[^`]*`"),                 # roles: {glue:text}`key:.3f`, {doc}`x`, {cite}`y`
    re.compile(r"`[^`\n]*`"),                           # inline code
    re.compile(r"^:::.*$|^:[\w-]+:.*$", re.M),          # directive lines and their options
    re.compile(r"\]\([^)]*\)|<https?://[^>]*>"),         # link targets
    re.compile(r"(?i)\b(exercises?|chapters?|sections?|claims?|solutions?|§)\s*\d+(\.\d+)?"),
    re.compile(r"^#+\s*\d+\.", re.M),                   # numbered headings
    re.compile(r"^\s*\d+\.\s", re.M),                   # numbered lists
    re.compile(r"^\s*\|?[-:| ]+\|[-:| ]*$", re.M),      # table rules
]


def numbers(text: str) -> list[str]:
    """The numeric literals of a Markdown text that a reader sees as numbers."""
    for pattern in REMOVE:
        text = pattern.sub(" ", text)
    found = []
    for match in NUMBER.finditer(text):
        token = match.group(0).replace(",", "").replace("−", "-")
        value = float(token.rstrip("%"))
        if not (token.rstrip("%").isdigit() and value <= 10):
            found.append(token)
    return found


def allowed(page: str) -> set[str]:
    path = LITERALS / f"{page}.txt"
    if not path.exists():
        return set()
    entries = set()
    for line in path.read_text().splitlines():
        literal, _, reason = line.partition("#")
        if literal.strip():
            assert reason.strip(), f"{path.name}: '{literal.strip()}' needs a reason after '#'"
            entries.add(literal.strip())
    return entries


def markdown(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text()
    cells = json.loads(path.read_text())["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def pages() -> list[Path]:
    return sorted(p for p in [*CHAPTERS.glob("*.ipynb"), *CHAPTERS.glob("*.md")] if p.stem not in GENERATED)


def solutions() -> list[tuple[str, str]]:
    """``(label, body)`` of every worked solution (a ``{solution} ex-C-N`` block), labelled
    ``chapter:C.N`` by the exercise it solves."""
    found = []
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        for match in SOLUTION.finditer(markdown(path)):
            found.append((f"{path.stem}:{match.group(1)}.{match.group(2)}", match.group(3)))
    return found


def run_solution(body: str) -> str:
    """Run every python block of a solution in one fresh namespace; return what it printed."""
    output = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(output):
        exec(compile(PREAMBLE, "<preamble>", "exec"), namespace)
        for match in FENCE.finditer(body):
            if match.group(0).startswith(("```python", "```{code-cell}")):
                exec(compile(match.group(2), "<solution>", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
    return output.getvalue()


def unprinted(body: str, printed: str, allow: set[str]) -> list[str]:
    """Numbers a solution states that its code did not print and no allow-list explains."""
    shown = {token for token in numbers(printed)} | set(re.findall(r"-?\d+(?:\.\d+)?", printed))
    return [n for n in numbers(body) if n not in allow and n.rstrip("%") not in shown]


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.stem)
def test_prose_numbers_come_from_cells(path):
    text = SOLUTION.sub(" ", markdown(path))  # solutions have their own rule below
    stray = [n for n in numbers(text) if n not in allowed(path.stem)]
    assert not stray, (f"{path.name}: numbers in prose that no cell glues ({len(stray)}): {stray[:30]}; glue them "
                       f"from the cell that computes them, or list a setting in tests/prose_literals/{path.stem}.txt")


@pytest.mark.parametrize(("label", "body"), solutions(), ids=[label for label, _ in solutions()])
def test_solution_runs_and_prints_its_numbers(label, body):
    printed = run_solution(body)
    prose = FENCE.sub(" ", body)
    missing = unprinted(prose, printed, allowed(label.split(":")[0]))
    assert not missing, f"solution {label} states {missing} but its code does not print them"


def test_every_solution_is_found_whole():
    """The extraction above sees every solution block, each with its text (a pattern that
    silently matched less would leave solutions unchecked)."""
    blocks = sum(len(re.findall(r"^:::\{solution\}", markdown(path), re.M)) for path in CHAPTERS.glob("*.ipynb"))
    found = solutions()
    assert len(found) == blocks and len({label for label, _ in found}) == blocks
    assert all("```python" in body or len(body) > 80 for _, body in found)


# --- each rule reports a planted violation --------------------------------------------------------

def test_scanner_reports_a_typed_result_and_accepts_glue_and_settings():
    assert numbers("gradient descent needs 382 steps, the heavy ball 65") == ["382", "65"]
    assert numbers("needs {glue:text}`ch1_gd_steps` steps, see {doc}`05_theory` and Exercise 5.4") == []
    assert numbers("a rate of $0.9487$ and 21,000 settings, 3.9%") == ["0.9487", "21000", "3.9%"]
    assert numbers("```python\nx = 382\n```\n`lr = 0.25` with $t = 3$ steps") == []


def test_solution_check_reports_code_that_fails_and_numbers_it_does_not_print():
    with pytest.raises(ZeroDivisionError):
        run_solution("```python\nprint(1 / 0)\n```")
    printed = run_solution("```python\nprint(round(2 ** 0.5, 4))\n```")
    assert unprinted("so the answer is 1.4142 and not 1.4143", printed, set()) == ["1.4143"]
    assert unprinted("derived: 0.3056", "", {"0.3056"}) == []
