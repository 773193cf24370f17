"""Sphinx extension: keep the built site free of the Thebe loader.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script declaring
``THEBE_JS_URL`` (an unpkg.com address) and ``sphinx-thebe.js`` to every page, even with
launch buttons off. The inline script is added twice per page, so browsers report
"Identifier 'THEBE_JS_URL' has already been declared", and the CDN address is dead
weight in an offline site. This book has no live-code buttons, so both scripts are
dropped from every page.
"""

from __future__ import annotations

from typing import Any


def _is_thebe(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "")
    return getattr(script, "filename", None) == "sphinx-thebe.js" or "THEBE_JS_URL" in body


def drop_thebe(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [script for script in context["script_files"] if not _is_thebe(script)]


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
