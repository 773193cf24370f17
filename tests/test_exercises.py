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
    assert sum(counts.values()) == 33
