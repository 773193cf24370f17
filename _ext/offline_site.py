"""Sphinx extension: keep the built site free of the Thebe loader.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script declaring
``THEBE_JS_URL`` (an unpkg.com address) and ``sphinx-thebe.js`` to every page, even with
launch buttons off. The inline script is added twice per page, so browsers report
"Identifier 'THEBE_JS_URL' has already been declared", and the CDN address is dead
weight in an offline site. This book has no live-code buttons, so both scripts, and
sphinx-thebe's stylesheet, are dropped from every page.

It also loads ``lean_pages`` (the file beside this one): math typeset at build time, no
``fontawesome.js``, no unused widget state, so that pages stay light on slow links.
"""

from __future__ import annotations

from typing import Any


def _is_thebe(asset: Any) -> bool:
    body = getattr(asset, "attributes", {}).get("body", "")
    # Sphinx 7 stores local files as "_static/<name>".
    name = (getattr(asset, "filename", None) or "").rsplit("/", 1)[-1]
    return name in ("sphinx-thebe.js", "sphinx-thebe.css") or "THEBE_JS_URL" in body


def drop_thebe(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app) -> dict[str, Any]:
    app.setup_extension("lean_pages")
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
