"""The Chinese catalogues hold exactly the messages of the English text as it is now.

``make translations-check`` extracts the English messages afresh (Sphinx's gettext
builder, into _build/gettext-build) and runs this test: a message the English has and the
catalogue lacks (an English sentence changed or was added without `make translations`
and a translation) fails, and so does a catalogue message the English no longer has. With
tests/test_translation.py (every catalogue message translated, none fuzzy) this means a
changed English sentence fails `make test` until its translation is updated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "_build" / "gettext-build" / "_build" / "gettext"
PO = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"


def ids(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def templates() -> list[Path]:
    return sorted(POT.rglob("*.pot"))


def out_of_step(pot: Path, po: Path) -> tuple[set[str], set[str]]:
    """(English messages the catalogue lacks, catalogue messages the English lacks)."""
    english, catalogue = ids(pot), ids(po) if po.exists() else set()
    return english - catalogue, catalogue - english


def test_the_english_messages_were_extracted():
    assert len(templates()) >= 15, f"no fresh extraction in {POT}: run `make translations-check`"


@pytest.mark.parametrize("pot", templates(), ids=lambda p: str(p.relative_to(POT).with_suffix("")))
def test_catalogue_matches_the_english(pot):
    po = PO / pot.relative_to(POT).with_suffix(".po")
    new, gone = out_of_step(pot, po)
    assert not new, (f"{po.relative_to(ROOT)} lacks {len(new)} English message(s), e.g. {sorted(new)[:2]}: "
                     "run `make translations`, then translate the new and fuzzy entries")
    assert not gone, f"{po.relative_to(ROOT)} has {len(gone)} message(s) the English no longer has: `make translations`"


def test_a_changed_sentence_is_reported(tmp_path):
    pot, po = tmp_path / "page.pot", tmp_path / "page.po"
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgid "The heavy ball needs 65 steps."\nmsgstr ""\n')
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "The heavy ball needs 64 steps."\nmsgstr "重球法需要 64 步。"\n')
    assert out_of_step(pot, po) == ({"The heavy ball needs 65 steps."}, {"The heavy ball needs 64 steps."})
