"""Sphinx extension: live explorers in the page, offline (no kernel, no network).

In a chapter's Markdown cell::

    ```{explorer} theta-squared
    ```

renders ``<div class="momentum-explorer" data-explorer="theta-squared">`` with a
``<noscript>`` note; the static figure beside it stays as the print and no-script fallback
(the explorers are hidden in print). Explorers: ``theta-squared`` (chapter 4), ``valley``
(chapters 1 and 7), ``region`` and ``eigen`` (chapter 5).

Only pages that use the directive get the explorers: ``explorers.css`` and
``assets/explorers/loader.js``, which fetches the rest when the reader scrolls near an
explorer (so the cold load of a page stays light): d3's modules (npm, pinned in
``assets/package.json``, copied to ``assets/site/d3`` by ``make``), the numerical core
``assets/explorers/core.js`` (the package's equations, line for line), ``ui.js`` and the
module of each explorer on the page, listed in order in the loader's ``data-scripts``.
They are copied to ``_static/explorers`` of the site. Non-HTML builders skip the explorers.

Tested by ``tests/browser/test_explorers.py`` (numbers against ``momentum.run`` and
``momentum.theory``); ``benchmarks/explorer_speed.py`` times a redraw.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util.fileutil import copy_asset

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assets" / "explorers"
D3 = ROOT / "assets" / "site" / "d3"
EXPLORERS = {"theta-squared": "theta-squared.js", "valley": "valley.js", "region": "region.js", "eigen": "eigen.js"}
# UMD builds, in dependency order (each adds itself to window.d3).
D3_MODULES = ["internmap", "d3-array", "d3-color", "d3-interpolate", "d3-format", "d3-time", "d3-time-format",
              "d3-scale", "d3-selection", "d3-axis", "d3-path", "d3-shape"]


class ExplorerNode(nodes.General, nodes.Element):
    """Where an explorer goes; ``node["name"]`` is its name."""


def visit_explorer_html(self, node: ExplorerNode) -> None:
    name = node["name"]
    label = html.escape(_("Live explorer: {name}").format(name=name))
    needs_js = html.escape(_("This live explorer needs JavaScript; the figure beside it shows the same computation."))
    self.body.append(f'<div class="momentum-explorer" data-explorer="{name}" role="group" aria-label="{label}">'
                     f"<noscript><p>{needs_js}</p></noscript></div>\n")
    raise nodes.SkipNode


def skip(self, node: ExplorerNode) -> None:
    raise nodes.SkipNode


class ExplorerDirective(Directive):
    """``{explorer} NAME``: a live explorer (one of ``EXPLORERS``)."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        if name not in EXPLORERS:
            raise self.error(f"unknown explorer {name!r}; known: {', '.join(EXPLORERS)}")
        return [ExplorerNode(name=name)]


def page_scripts(names: list[str]) -> list[str]:
    """The files (relative to ``_static``) the explorers ``names`` need, in loading order."""
    return ([f"d3/{module}.min.js" for module in D3_MODULES]
            + [f"explorers/{script}" for script in ["core.js", "ui.js", *(EXPLORERS[name] for name in names)]])


def add_page_assets(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """On pages that use the directive, and only there: the stylesheet, and the loader that
    fetches the explorer files when the reader comes near an explorer."""
    if doctree is None or app.builder.format != "html":
        return
    names = list(dict.fromkeys(node["name"] for node in doctree.findall(ExplorerNode)))
    if not names:
        return
    app.add_js_file("explorers/loader.js", loading_method="defer", **{"data-scripts": " ".join(page_scripts(names))})
    app.add_css_file("explorers/explorers.css")


def check_d3(app) -> None:
    if app.builder.format != "html":
        return
    missing = [module for module in D3_MODULES if not (D3 / f"{module}.min.js").is_file()]
    if missing:
        raise ExtensionError(f"explorers: d3 modules missing from {D3} ({', '.join(missing)}): run `make` "
                             "(it installs assets/package.json with npm and copies them)")


def copy_sources(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(str(SOURCE), str(Path(app.outdir) / "_static" / "explorers"))


def setup(app) -> dict[str, Any]:
    app.add_node(ExplorerNode, html=(visit_explorer_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive("explorer", ExplorerDirective)
    app.connect("builder-inited", check_d3)
    app.connect("html-page-context", add_page_assets)
    app.connect("build-finished", copy_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
