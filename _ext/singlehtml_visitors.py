"""Sphinx extension: give the singlehtml builder every node visitor the html builder has.

Sphinx falls back to a builder's format ('html') for node visitors only when no
extension registered any visitor under the builder's own name. sphinx-exercise registers
its nodes for 'singlehtml' explicitly, so the html-only visitors of other extensions
(myst-nb's HideCodeCellNode for cells tagged hide-input, ...) go missing and the
single-page build (what the PDF prints) fails with "unknown node type". The missing ones
are copied over (sphinx-proof #65, jupyter-book #2322 report the same clash).
"""

from __future__ import annotations

from typing import Any


def copy_html_visitors(app) -> None:
    handlers = app.registry.translation_handlers
    if "singlehtml" in handlers:
        for node, visitors in handlers.get("html", {}).items():
            handlers["singlehtml"].setdefault(node, visitors)


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", copy_html_visitors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
