"""The Chinese edition's catalogues (locales/zh_CN/LC_MESSAGES/**/*.po) say what the
English says: complete, nothing fuzzy, every placeholder kept, one term per concept.

* Completeness: every message has a translation, none is fuzzy (Sphinx would show the
  English) and none is obsolete (a translation of text the book no longer has). That the
  catalogues hold every message of the *current* English text is checked against a fresh
  extraction by ``make translations-check`` (tests/i18n).
* Placeholder integrity, per message: every math span, every role ({glue:text}, {doc},
  {ref}, {numref}, {cite}, ...), every inline code literal, every link target and every
  number of the English appears unchanged in the Chinese, so a translated sentence can
  never state a different number than the cell computed, or lose a cross-reference.
* Terms (locales/zh_CN/terms.yml): a listed variant never appears, and a message that
  uses an English term renders it with the list's Chinese term.

Each rule has a planted violation below that it must report.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locales" / "zh_CN"
CATALOGUES = sorted((LOCALE / "LC_MESSAGES").rglob("*.po"))
TERMS = yaml.safe_load((LOCALE / "terms.yml").read_text())

DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$")
# Docstring messages (autodoc) are written in reST, but Sphinx parses every translation of
# a page with the page's parser (MyST): :math:`x` must be translated as {math}`x`.
REST_ROLE = re.compile(r"(?<![\w`]):([\w.-]+(?::[\w.-]+)?):`")
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
CODE = re.compile(r"``.+?``|`[^`\n]+`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")
# A number: digits not inside a Latin word or name (Chinese characters may touch it).
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:[.,]\d+)*(?![A-Za-z0-9_])")


def role_target(role: str) -> str:
    """A role without its link text: {doc}`the theory <05_theory>` keeps {doc}`05_theory`
    (the text is translated, the target is not)."""
    name, _, content = role.partition("`")
    titled = re.fullmatch(r"(.*\S)\s*<([^<>]+)>`", content, re.S)
    return f"{name}`{titled.group(2)}`" if titled else role


def placeholders(text: str) -> Counter:
    """The parts of a message a translation must keep verbatim, counted."""
    text = REST_ROLE.sub(r"{\1}`", text)
    found: Counter = Counter()
    for pattern in (DISPLAY_MATH, ROLE, INLINE_MATH, CODE):
        found.update(role_target(match.group(0)) if pattern is ROLE else match.group(0)
                     for match in pattern.finditer(text))
        text = pattern.sub(" ", text)
    found.update(a or b for a, b in LINK_TARGET.findall(text))
    text = LINK_TARGET.sub(" ", text)
    found.update(f"number {n}" for n in NUMBER.findall(text))
    return found


def missing_placeholders(english: str, chinese: str) -> list[str]:
    """Placeholders of the English message that the Chinese lacks (or has fewer times)."""
    return sorted((placeholders(english) - placeholders(chinese)).elements())


LATEX_COMMAND = re.compile(r"\\[A-Za-z]+(?:\{[^{}]*\})?")


def prose(text: str) -> str:
    """The words of a message: without math, roles, code, link targets, and LaTeX commands
    (a display-math block is a message of its own, without its $$)."""
    text = REST_ROLE.sub(r"{\1}`", text)
    for pattern in (DISPLAY_MATH, ROLE, INLINE_MATH, CODE, LINK_TARGET, LATEX_COMMAND):
        text = pattern.sub(" ", text)
    return text


LIST_START = re.compile(r"^\s*(\d+[.)]|[-*+])\s", re.M)


def structure_problems(english: str, chinese: str) -> list[str]:
    """A translation that Sphinx would drop silently, showing the English: one that starts
    with a list marker ("1. ", "- "), which parses as a list instead of the paragraph,
    heading or cell the message is (a heading "1. Claim" is translated as "1\\. 说法")."""
    if LIST_START.match(chinese):
        return ["starts with a list marker: escape it (1\\.)"]
    if is_display_math(english) and chinese != english:
        return ["a display-math block must be copied verbatim (Sphinx shows a changed one as '::')"]
    return []


def is_display_math(message: str) -> bool:
    """A message that is a whole display-math block (extracted without its $$): LaTeX
    commands, no inline math (dollars, or reST's :math:`...` in docstrings) and no prose."""
    if "$" in message or "`" in message or not LATEX_COMMAND.search(message):
        return False
    return not re.search(r"[a-z]{3,} [a-z]{3,}", prose(message))


def term_problems(english: str, chinese: str) -> list[str]:
    problems = []
    for term in TERMS:
        problems += [f"variant {bad!r} (use {term['zh']!r})" for bad in term.get("reject", []) if bad in chinese]
        if re.search(rf"\b{re.escape(term['en'])}\b", prose(english), re.I) and term["zh"] not in chinese:
            problems.append(f"{term['en']!r} is not rendered as {term['zh']!r}")
    return problems


def messages(path: Path) -> tuple[list, object]:
    with path.open("rb") as file:
        catalogue = read_po(file)
    return [message for message in catalogue if message.id], catalogue


def ids(path: Path) -> str:
    return str(path.relative_to(LOCALE / "LC_MESSAGES").with_suffix(""))


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 15, CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=ids)
def test_catalogue_is_complete(path):
    found, catalogue = messages(path)
    untranslated = [m.id[:60] for m in found if not m.string]
    fuzzy = [m.id[:60] for m in found if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} of {len(found)} messages untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (the English changed): update their translations, e.g. {fuzzy[:3]}"
    assert not catalogue.obsolete, f"{len(catalogue.obsolete)} obsolete messages: delete them"


def per_message(path: Path, check) -> dict[str, list[str]]:
    """{message (shortened): what ``check(english, chinese)`` reports} for the translated
    messages of ``path`` that it reports something for."""
    found, _ = messages(path)
    reports = {m.id[:70]: check(m.id, m.string) for m in found if m.string}
    return {message: problems for message, problems in reports.items() if problems}


@pytest.mark.parametrize("path", CATALOGUES, ids=ids)
def test_translations_keep_every_placeholder(path):
    broken = per_message(path, missing_placeholders)
    assert not broken, f"{len(broken)} translations lose or change placeholders: {list(broken.items())[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=ids)
def test_translations_keep_the_markdown_structure(path):
    wrong = per_message(path, structure_problems)
    assert not wrong, f"{len(wrong)} translations Sphinx would drop: {list(wrong.items())[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=ids)
def test_translations_use_the_term_list(path):
    wrong = per_message(path, term_problems)
    assert not wrong, f"{len(wrong)} translations break locales/zh_CN/terms.yml: {list(wrong.items())[:5]}"


def test_term_list_has_one_term_per_concept():
    zh = [term["zh"] for term in TERMS]
    assert len(zh) == len(set(zh))
    assert not {bad for term in TERMS for bad in term.get("reject", [])} & set(zh)


# --- each rule reports a planted violation --------------------------------------------------------

ENGLISH = ("With $\\eta = 0.1$ the heavy ball needs {glue:text}`ch4_steps` steps (see {doc}`05_theory` and "
           "`m.run`); the rate is 0.55 at [the critical point](#critical).")
CHINESE = ("在 $\\eta = 0.1$ 时，重球法需要 {glue:text}`ch4_steps` 步（见 {doc}`05_theory` 和 `m.run`）；"
           "在[临界点](#critical)处速率为 0.55。")


def test_placeholder_check_accepts_a_faithful_translation():
    assert missing_placeholders(ENGLISH, CHINESE) == []


@pytest.mark.parametrize(("chinese", "lost"), [
    (CHINESE.replace("0.55", "0.56"), "number 0.55"),
    (CHINESE.replace("$\\eta = 0.1$", "$\\eta=0.1$"), "$\\eta = 0.1$"),
    (CHINESE.replace("{glue:text}`ch4_steps`", "288"), "{glue:text}`ch4_steps`"),
    (CHINESE.replace("{doc}`05_theory`", "第 5 章"), "{doc}`05_theory`"),
    (CHINESE.replace("`m.run`", "m.run"), "`m.run`"),
    (CHINESE.replace("(#critical)", "(#crit)"), "#critical"),
])
def test_placeholder_check_reports_a_changed_placeholder(chinese, lost):
    assert lost in missing_placeholders(ENGLISH, chinese)


def test_term_check_reports_a_variant_and_a_missing_term():
    assert term_problems(ENGLISH, CHINESE) == []
    assert term_problems(ENGLISH, CHINESE.replace("重球法", "重力球")) == [
        "variant '重力球' (use '重球法')", "'heavy ball' is not rendered as '重球法'"]
    assert term_problems("The `momentum` argument", "参数 `momentum`") == []  # code is not prose
    assert term_problems("b_{t+1} = \\text{momentum}\\cdot b_t", "b_{t+1} = \\text{momentum}\\cdot b_t") == []


def test_structure_check_reports_a_translation_sphinx_would_drop():
    assert structure_problems("Claim 1: momentum escapes.", "1\\. 说法：动量能逃离。") == []
    assert structure_problems("Claim 1: momentum escapes.", "1. 说法：动量能逃离。") != []


def test_structure_check_reports_a_changed_display_math_block():
    block = "\\begin{aligned} v_1 &= g_0 \\\\ \\text{and}\\ v_2 &= g_1 \\end{aligned}"
    assert structure_problems(block, block) == []
    assert structure_problems(block, block.replace("and", "且")) != []
    assert structure_problems("The velocity $v_t$ grows.", "速度 $v_t$ 增长。") == []


def test_numbers_touching_chinese_characters_count():
    assert missing_placeholders("needs 288 steps", "需要288步") == []
    assert missing_placeholders("needs 288 steps", "需要289步") == ["number 288"]


def test_a_role_keeps_its_target_and_may_translate_its_text():
    english = "see {doc}`the theory chapter <05_theory>`"
    assert missing_placeholders(english, "见{doc}`理论一章 <05_theory>`") == []
    assert missing_placeholders(english, "见{doc}`理论一章 <06_nesterov>`") == ["{doc}`05_theory`"]


def test_a_rest_role_may_be_written_as_a_myst_role():
    english = "grad :math:`\\nabla J` of :class:`~m.State`"
    assert missing_placeholders(english, "{class}`~m.State` 的梯度 {math}`\\nabla J`") == []
    assert missing_placeholders("grad :math:`\\nabla J`", "梯度 {math}`\\nabla  J`") == ["{math}`\\nabla J`"]
