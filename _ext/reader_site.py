"""Sphinx extension: the site as readers need it on a laptop and a phone, offline.

* Serves ``assets/theme/`` (committed, no build step) and loads its ``reader.css``
  on every page: long API signatures wrap, wide tables scroll inside their own box,
  so no page scrolls sideways on a 390-px phone.
* Every image of a page opens full size on click: images not already inside a link
  are wrapped in a link to the image file (built into the HTML, no JavaScript).
* Accessibility: DataFrame tables get no empty header cells, bibliography entries the
  ``listitem`` role of their list, and the theme's book-title link in the primary sidebar sits outside every
  landmark (axe-core's ``region`` rule); ``templates/navbar-logo.html`` puts it in a
  ``<nav>`` landmark.

Tested by ``tests/browser/test_readers.py``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from sphinx.locale import _

THEME = Path(__file__).resolve().parents[1] / "assets" / "theme"
TEMPLATES = Path(__file__).resolve().parent / "templates"

_TAG = re.compile(r"<a\b[^>]*>|</a>|<img\b[^>]*>", flags=re.IGNORECASE)
_SRC = re.compile(r'\bsrc="([^"]+)"')


def link_images(body: str) -> str:
    """Wrap every ``<img>`` that is not inside an ``<a>`` in a link to its own file."""
    out, depth, last = [], 0, 0
    title = html.escape(_("Open the figure full size"))
    for match in _TAG.finditer(body):
        tag = match.group(0)
        if tag.lower().startswith("</a"):
            depth = max(0, depth - 1)
        elif tag.lower().startswith("<a"):
            depth += 1
        elif depth == 0 and (src := _SRC.search(tag)) and not src.group(1).startswith("data:"):
            out.append(body[last:match.start()])
            out.append(f'<a class="reader-full-size" href="{src.group(1)}" title="{title}">{tag}</a>')
            last = match.end()
    out.append(body[last:])
    return "".join(out)


_DATAFRAME = re.compile(r'<table\b[^>]*class="[^"]*\bdataframe\b[^"]*"[^>]*>.*?</table>', flags=re.DOTALL)
_EMPTY_TH = re.compile(r"<th(\s[^>]*)?>(?:\s|&nbsp;|&#160;)*</th>")


def blank_dataframe_corners(body: str) -> str:
    """pandas writes the blank corner of a DataFrame table (and the blank cells of the
    index-name row) as empty ``<th>``: a header that names nothing, which screen readers
    announce as an unnamed column (axe-core ``empty-table-header``). They become ``<td>``."""
    def fix(table: re.Match) -> str:
        return _EMPTY_TH.sub(lambda th: f"<td{th.group(1) or ''}></td>", table.group(0))
    return _DATAFRAME.sub(fix, body)


def citation_roles(body: str) -> str:
    """docutils marks each bibliography entry ``role="doc-biblioentry"`` inside a
    ``role="list"``; that DPUB role is deprecated and not allowed on a ``<div>`` (axe-core
    ``aria-allowed-role``), and a list's items are ``listitem``s."""
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


def add_page_fixes(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = citation_roles(blank_dataframe_corners(link_images(context["body"])))
    # The home link's name, for templates/navbar-logo.html: translated here, from the interface
    # catalogue (locales/<language>/LC_MESSAGES/sphinx.po), since a `_()` in our templates would
    # put it in the gettext builder's sphinx.pot, where `make translations` would obsolete the
    # catalogue's other entries.
    context["reader_home_label"] = _("Book home")


def add_theme_assets(app, config) -> None:
    if str(THEME) not in config.html_static_path:
        config.html_static_path.append(str(THEME))
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", add_theme_assets)
    app.add_css_file("reader.css")
    app.connect("html-page-context", add_page_fixes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
