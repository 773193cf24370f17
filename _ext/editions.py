"""Sphinx extension: the book's two editions, English (the site root) and Chinese (``zh/``).

Both are built from the same chapters; the Chinese one with ``language: zh_CN``, which
makes Sphinx render the translations in ``locales/zh_CN/LC_MESSAGES`` (see README,
"The Chinese edition"). This extension

* puts a link to the same page in the other edition at the top of every page (and
  ``<link rel="alternate" hreflang>`` in its head), so a reader can switch language
  anywhere: ``chapters/04_worked_example.html`` <-> ``zh/chapters/04_worked_example.html``;
* lets glued numbers ({glue:text}`key`) work inside translated paragraphs: Sphinx parses
  a translation as a fresh document, in which myst-nb finds no notebook and reports "No
  key found in glue data"; there the role is read as a reference to the same notebook's
  glue (``file.ipynb::key``), which myst-nb resolves once the page is written;
* translates what the catalogues cannot hold: the three words of the exercise marks
  (``★★☆ · paper``: a directive's title argument is not a message, and sphinx-exercise
  copies it into the solutions' titles), from ``MARKS``, and the sidebar's part captions
  (from _toc.yml), from ``TOC_CAPTIONS``. sphinx-exercise translates "Exercise" and
  "Solution to" itself;
* keeps the Chinese build fast (Sphinx 7.4, measured in README, "The Chinese edition"):
  each translated node points back to the document its message was parsed in, whose
  settings hold the whole build environment, so every page's pickled doctree carried a
  copy of it (1–2.6 MB per page instead of 0.1–0.2 MB) — ``detach_translations``; and
  the Chinese search indexer looks each Latin word up in a list that grows by every word
  of every page (quadratic) — ``LatinTerms`` makes it a set, with the same answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from myst_nb.ext.glue import roles as glue_roles
from sphinx import addnodes
from sphinx.search import zh as chinese_search

EDITIONS = {"en": ("English", "en", ""), "zh_CN": ("中文", "zh-CN", "zh/")}  # name, hreflang, folder
MARKS = {"zh_CN": {"open question": "开放题", "paper": "纸笔", "code": "编程"}}
# The search box's placeholder, a setting of Jupyter Book's (html_theme_options.search_bar_text)
# rather than a translatable string of the theme's.
SEARCH_BAR_TEXT = {"zh_CN": "搜索本书……"}
TOC_CAPTIONS = {"zh_CN": {"Momentum": "动量法", "Theory and practice": "理论与实践",
                          "For readers and teachers": "读者与教师", "Reference": "参考资料", "Appendix": "附录"}}


def edition(language: str | None) -> str:
    return "zh_CN" if (language or "en").startswith("zh") else "en"


def other_page(pagename: str, language: str) -> tuple[str, str, str]:
    """(relative URL of the same page in the other edition, its name, its hreflang)."""
    here, there = edition(language), "en" if edition(language) == "zh_CN" else "zh_CN"
    up = "../" * (pagename.count("/") + (1 if EDITIONS[here][2] else 0))
    name, hreflang, folder = EDITIONS[there]
    return f"{up}{folder}{pagename}.html", name, hreflang


def add_switch(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" not in context:
        return
    context["body"] = translate_marks(context["body"], app.config.language)
    if app.builder.name != "html":  # the single page (printed) has no twin page to link to
        return
    url, name, hreflang = other_page(pagename, app.config.language)
    context["body"] = (f'<p class="edition-switch"><a href="{url}" hreflang="{hreflang}" lang="{hreflang}">'
                       f"{name}</a></p>\n") + context["body"]
    context["metatags"] = context.get("metatags", "") + f'\n<link rel="alternate" hreflang="{hreflang}" href="{url}" />'


MARK = re.compile(r"(★[★☆]{2}) · (paper|code)( · open question)?")


def translate_marks(body: str, language: str) -> str:
    """The exercise marks of a page (in exercise and solution titles) in ``language``."""
    words = MARKS.get(edition(language))
    if not words:
        return body
    return MARK.sub(lambda m: f"{m[1]} · {words[m[2]]}" + (f" · {words['open question']}" if m[3] else ""), body)


def translate_toc_captions(app, doctree) -> None:
    """The part captions of the sidebar (from _toc.yml, which the catalogues do not see)."""
    captions = TOC_CAPTIONS.get(edition(app.config.language))
    if captions:
        for toctree in doctree.findall(addnodes.toctree):
            toctree["caption"] = captions.get(toctree.get("caption"), toctree.get("caption"))


def detach_translations(app, doctree) -> None:
    """Let every node that Sphinx's i18n transform parsed from a translated message find
    its document through its parent (the page) rather than the message's own document
    (``node._document``), whose settings hold the build environment: otherwise pickling
    the page's doctree pickles the environment once per message document."""
    for node in doctree.findall():
        if node._document is not None and node._document is not doctree:
            node._document = None


class LatinTerms(set):
    """``SearchChinese.latin_terms`` as a set: Sphinx keeps it as a class-level list that
    ``split`` extends by every Latin word of every page and ``stem`` searches for each word
    (``word in latin_terms``), quadratic in the size of the book."""

    extend = set.update


def glue_in_translations(role_class: type) -> None:
    """Make ``role_class`` (a myst-nb glue role) read a key as ``this-notebook::key`` in a
    document without a notebook (a translated message, parsed on its own)."""
    run = role_class.run

    def run_anywhere(self):
        env = getattr(self.document.settings, "env", None)
        if env is not None and "nb_renderer" not in self.document and "::" not in self.text:
            # {glue:text} reads "key:format" (format "s" by default) before "doc::key"
            default_format = ":s" if role_class is glue_roles.PasteTextRole and ":" not in self.text else ""
            self.text = f"{Path(env.doc2path(env.docname)).name}::{self.text}{default_format}"
        return run(self)

    role_class.run = run_anywhere


def translate_search_bar(app, config) -> None:
    """The search box's placeholder in the edition's language."""
    if text := SEARCH_BAR_TEXT.get(config.language):
        config.html_theme_options = {**config.html_theme_options, "search_bar_text": text}


def setup(app) -> dict[str, Any]:
    for role_class in (glue_roles.PasteRoleAny, glue_roles.PasteTextRole, glue_roles.PasteMarkdownRole):
        glue_in_translations(role_class)
    app.connect("config-inited", translate_search_bar)
    app.connect("html-page-context", add_switch)
    app.connect("doctree-read", translate_toc_captions)
    app.connect("doctree-read", detach_translations)
    chinese_search.SearchChinese.latin_terms = LatinTerms()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
