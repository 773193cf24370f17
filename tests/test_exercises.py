"""The collected exercise pages are exactly what tools/collect_exercises.py writes from
the chapters (so a changed exercise cannot leave a stale hand-out behind)."""

from pathlib import Path

import collect_exercises as collect
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("page", ["exercises.md", "solutions.md"])
def test_collected_page_is_up_to_date(page):
    expected = collect.pages()[ROOT / "chapters" / page]
    assert (ROOT / "chapters" / page).read_text() == expected, "run `python tools/collect_exercises.py`"


def test_every_chapter_has_numbered_exercises():
    counts = {path.stem: len(collect.exercises(path)) for path in collect.chapter_notebooks()}
    assert all(n >= 2 for name, n in counts.items() if name != "00_package_tour"), counts
    assert sum(counts.values()) == 44  # update when a chapter gains or loses an exercise


def fences_not_starting_a_line(text: str) -> list[str]:
    """Lines where a code fence or a MyST directive fence appears after other text (Markdown
    then opens no block, and the rest of the page renders as raw source)."""
    return [line for line in text.splitlines()
            if ("```" in line and not line.lstrip().startswith("```"))
            or (":::" in line and not line.lstrip().startswith(":::"))]


@pytest.mark.parametrize("page", ["exercises.md", "solutions.md"])
def test_every_fence_starts_a_line(page):
    assert fences_not_starting_a_line(collect.pages()[ROOT / "chapters" / page]) == []


def test_fence_check_reports_a_label_in_front_of_a_fence():
    assert fences_not_starting_a_line("**Solution 2.4.** ```python\nx = 1\n```") == ["**Solution 2.4.** ```python"]


def test_label_goes_on_its_own_paragraph_before_a_block():
    assert collect.labelled("Solution 2.4", "```python\nx = 1\n```") == "\n**Solution 2.4.**\n\n```python\nx = 1\n```\n"
    assert collect.labelled("Solution 4.2", "$$\nx\n$$") == "\n**Solution 4.2.**\n\n$$\nx\n$$\n"
    assert collect.labelled("Exercise 3.1", "Show that $x$ falls.") == "\n**Exercise 3.1.** Show that $x$ falls.\n"
