"""Sphinx extension: light pages for readers on slow links (loaded by offline_site.py).

What makes every page of a Jupyter Book 1 site heavy or slow to appear on a slow link,
and what this extension does about it, without changing what the reader sees:

* **Math** is typeset at build time by ``sphinxcontrib.katex`` (``katex_prerender``) with
  the KaTeX pinned in ``assets/package.json``, so pages load no MathJax (1.2 MB) and no
  KaTeX JavaScript, only KaTeX's CSS and the fonts a page uses. A formula KaTeX cannot
  typeset fails the build, naming the page and the formula (sphinxcontrib-katex would
  otherwise print it in red). A relative ``katex_js_path`` is read from the book's
  folder (sphinxcontrib-katex reads it from its own); KaTeX's CSS must be a local file.
  Only the HTML builders use it; the site's PDF is printed from the single-page HTML.
* **Icons**: pydata-sphinx-theme loads Font Awesome as a 1.5 MB script
  (``fontawesome.js``) that swaps every ``<i class="fa-…">`` for an inline SVG. Its CSS
  already draws the same icons from the Font Awesome web font, so the script is dropped
  (a copy of the theme's ``webpack-macros.html`` template without it), the 156 kB solid
  font is replaced by a subset holding only the glyphs the site uses (the icons named in
  the built pages and the theme's scripts, and those the theme's CSS draws), and the
  theme's CSS loses the rules of the icons no page uses (86 of its 397 kB).
* **Before the first paint** less competes with the stylesheets: the theme's ``preload``
  hints for its two deferred scripts go (they load at the end of the page anyway), and so do
  Sphinx's search scripts (``searchindex.js`` grows with the book) on every page but the
  search page, which alone uses them while the theme's search-as-you-type is off.
* **Widget state**: myst-nb writes the saved ipywidgets state (tens of kB of JSON) into
  every page with a widget; the book loads no widget JavaScript (``nb_ipywidgets_js:
  {}``), so that state is never read and is dropped.
* **Figures**: matplotlib writes 24-bit RGBA PNGs; a plot has few colours, so each figure
  of the built site is re-encoded with an adaptive 256-colour palette (Pillow, which
  matplotlib already needs) where that is smaller, which about thirds the image bytes of a
  chapter. The notebooks keep their original outputs.
* **sphinx-design**: Jupyter Book loads its stylesheet (55 kB, render-blocking) and tab
  script on every page; they are dropped from pages that use none of its components.

``benchmarks/page_weight.py`` measures the result.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
ICON_CSS = "lean-icons.css"
ICON_FONT = "vendor/fontawesome/webfonts/fa-solid-900-subset.woff"
_STATIC = Path(__file__).with_name("lean_pages_static")


# --- math: KaTeX at build time --------------------------------------------------------
def configure_katex(app, config) -> None:
    if not getattr(config, "katex_prerender", False):
        return
    if "://" in config.katex_css_path:
        raise ExtensionError(f"katex_css_path must be a file served by the site (offline), not {config.katex_css_path}")
    js = Path(config.katex_js_path)
    if not js.is_absolute():
        js = Path(app.srcdir) / js
    if not js.is_file():
        raise ExtensionError(f"katex_js_path: no KaTeX at {js} (run `make` to install the npm assets)")
    config.katex_js_path = str(js)
    import sphinxcontrib.katex as katex

    # Fail on what KaTeX cannot typeset instead of printing it in red.
    katex.KATEX_DEFAULT_OPTIONS = {**katex.KATEX_DEFAULT_OPTIONS, "throwOnError": True}
    # On a busy machine (CI: two cores, tests in parallel) Node starts slowly: allow it a
    # minute, and connect once it listens. sphinxcontrib-katex 0.9 connects as soon as the
    # socket file exists, which can be before the server listens (ConnectionRefusedError).
    katex.STARTUP_TIMEOUT = katex.RENDER_TIMEOUT = 60.0
    katex.KaTeXServer.start_server_process = classmethod(_start_server_process)


def _start_server_process(cls, rundir, timeout):
    """sphinxcontrib-katex 0.9.11's ``KaTeXServer.start_server_process``, connecting only
    once the server listens: retry while the socket refuses, until ``timeout``."""
    import socket
    import subprocess
    import time

    socket_path = Path(rundir) / "katex.sock"
    process = subprocess.Popen(cls.build_command(socket=socket_path), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while True:
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except ConnectionRefusedError:
                sock.close()
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise cls.timeout_error(timeout)
        time.sleep(0.01)


def _checked(visit):
    def visitor(self, node) -> None:
        import sphinxcontrib.katex as katex

        try:
            visit(self, node)
        except katex.KaTeXError as error:
            where = f"{node.source or self.builder.current_docname}:{node.line or '?'}"
            raise ExtensionError(f"{where}: KaTeX cannot typeset {node.astext()!r}: {error}") from None

    return visitor


# --- icons and the theme's head: no fontawesome.js, a subset of the solid web font --------
_FONTAWESOME_SCRIPT = re.compile(r'[ \t]*<script[^>]*scripts/fontawesome\.js[^>]*></script>\n?')
_PRELOAD = re.compile(r'[ \t]*<link rel="preload" as="script"[^>]*>\n?')
_SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="[^"]*(searchtools|language_data|searchindex)\.js"></script>\n?')
# Jinja: the theme's layout, with the search scripts dropped where they are not used.
_LAYOUT = """{%- extends "!layout.html" %}
{#- Written by _ext/lean_pages.py. #}
{%- block extrahead %}{{ super() | lean_pages_drop_search(pagename) }}{%- endblock %}
"""


def _theme_dir() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"


def lighten_theme_templates(app, config) -> None:
    """Put first on the template path: a copy of the theme's ``static/webpack-macros.html``
    without the Font Awesome script and without the ``preload`` hints for the theme's two
    deferred scripts (they compete with the stylesheets for a slow link before the first
    paint, and load at the end of the page anyway), and a ``layout.html`` that drops
    Sphinx's search scripts (searchindex.js grows with the book) from pages that never use
    them: every page but the search page, unless the theme's search-as-you-type is on."""
    macros = (_theme_dir() / "static" / "webpack-macros.html").read_text()
    if len(_FONTAWESOME_SCRIPT.findall(macros)) != 1 or len(_PRELOAD.findall(macros)) != 2:
        raise ExtensionError("pydata-sphinx-theme's webpack-macros.html changed shape: update _ext/lean_pages.py")
    templates = Path(app.doctreedir).parent / "lean_pages_templates"
    (templates / "static").mkdir(parents=True, exist_ok=True)
    (templates / "static" / "webpack-macros.html").write_text(_PRELOAD.sub("", _FONTAWESOME_SCRIPT.sub("", macros)))
    (templates / "layout.html").write_text(_LAYOUT)
    config.templates_path = [str(templates), *config.templates_path]


def add_template_filter(app) -> None:
    if app.builder.format != "html":
        return
    options = app.builder.theme.get_options(app.builder.theme_options)
    search_as_you_type = str(options.get("search_as_you_type", False)).lower() == "true"

    def drop_search(head: str, pagename: str) -> str:
        if search_as_you_type or pagename == "search":
            return head
        return _SEARCH_SCRIPTS.sub("", head)

    app.builder.templates.environment.filters["lean_pages_drop_search"] = drop_search
    app.config.html_static_path.append(str(_STATIC))
    app.add_css_file(ICON_CSS)


def _codepoints(css: str) -> tuple[dict[str, set[int]], set[int]]:
    """From the theme's CSS: each ``fa-NAME`` class's glyph, and the glyphs the CSS
    draws by itself (icon variables, ``content`` of other rules)."""
    by_name: dict[str, set[int]] = {}
    drawn: set[int] = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        glyphs = {int(code, 16) for code in re.findall(r'"\\([0-9a-f]{4})"', body)}
        glyphs |= {ord(char) for char in re.findall("[\ue000-\uf8ff]", body)}
        if not glyphs:
            continue
        names = _icon_names(selectors)
        if names:
            for name in names:
                by_name.setdefault(name, set()).update(glyphs)
        else:
            drawn |= glyphs
    return by_name, drawn


def _icon_names(selectors: str) -> list[str]:
    """``["bars", "navicon"]`` for ``.fa-bars:before,.fa-navicon:before``; [] for any
    other selector list."""
    names = re.findall(r"^\s*\.fa-([a-z0-9-]+):{1,2}before\s*$", selectors.replace(",", "\n"), re.M)
    return names if len(names) == selectors.count(",") + 1 else []


def lighten_icons(app, exception) -> None:
    """Write the subset of the solid icon font, and the theme's CSS without the rules of
    the ~1900 icons the site does not use (86 of its 397 kB)."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    static = Path(app.outdir) / "_static"
    # Read the theme's own files, not the output's (which an earlier build may have trimmed).
    css = (_theme_dir() / "static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    by_name, drawn = _codepoints(css)
    used: set[str] = set()
    pages = [*Path(app.outdir).rglob("*.html"), *(p for p in static.rglob("*.js") if p.name != "fontawesome.js")]
    for path in pages:
        used |= set(re.findall(r"\bfa-([a-z0-9-]+)", path.read_text(encoding="utf-8", errors="replace")))
    glyphs = set(drawn)
    for name in used & by_name.keys():
        glyphs |= by_name[name]

    def keep(rule: re.Match) -> str:
        names = _icon_names(rule[1])
        return rule[0] if not names or used.intersection(names) else ""

    (static / "styles" / "pydata-sphinx-theme.css").write_text(
        re.sub(r"([^{}]+)\{[^{}]*\}", keep, css), encoding="utf-8")
    options = subset.Options()
    options.flavor = "woff"  # zlib; woff2 would need the brotli module
    options.layout_features = ["*"]
    font = subset.load_font(str(_theme_dir() / "static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.ttf"),
                            options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=glyphs)
    subsetter.subset(font)
    subset.save_font(font, str(static / ICON_FONT), options)
    logger.info(f"lean_pages: Font Awesome subset with {len(glyphs)} glyphs "
                f"({(static / ICON_FONT).stat().st_size / 1e3:.1f} kB) for {len(used & by_name.keys())} icons")


# --- widget state, unused sphinx-design assets -------------------------------------------
_DESIGN_CLASS = re.compile(r'class="(?:[^"]*\s)?sd-')
_DESIGN_ASSETS = ("sphinx-design.min.css", "design-tabs.js")


def _name(asset: Any) -> str:
    return (getattr(asset, "filename", None) or "").rsplit("/", 1)[-1]


def drop_unused_assets(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop the widget state, and sphinx-design's stylesheet (55 kB, render-blocking) and
    tab script from pages that use no sphinx-design component (Jupyter Book loads them on
    every page)."""
    design = bool(_DESIGN_CLASS.search(context.get("body", "")))
    if "script_files" in context:
        context["script_files"] = [
            script for script in context["script_files"]
            if getattr(script, "attributes", {}).get("type") != WIDGET_STATE
            and (design or _name(script) not in _DESIGN_ASSETS)]
    if "css_files" in context and not design:
        context["css_files"] = [css for css in context["css_files"] if _name(css) not in _DESIGN_ASSETS]


def check_katex_errors(app, config) -> None:
    """Wrap sphinxcontrib-katex's HTML visitors (when the book uses it) so that a
    formula KaTeX cannot typeset fails the build with its page and line."""
    registry = app.registry
    if "katex" in registry.html_inline_math_renderers:
        inline, block = registry.html_inline_math_renderers["katex"], registry.html_block_math_renderers["katex"]
        registry.html_inline_math_renderers["katex"] = (_checked(inline[0]), inline[1])
        registry.html_block_math_renderers["katex"] = (_checked(block[0]), block[1])


# --- figures: palette PNGs -------------------------------------------------------------
def palette_images(app, exception) -> None:
    """Re-encode the site's PNG figures with an adaptive 256-colour palette where smaller."""
    if exception is not None or app.builder.format != "html":
        return
    from PIL import Image

    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        with Image.open(path) as image:
            image.load()
            if image.mode == "P":
                continue
            rgb = image.convert("RGB") if image.mode != "RGBA" else _on_white(image)
        quantized = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        smaller = path.with_suffix(".palette.png")
        quantized.save(smaller, optimize=True)
        if smaller.stat().st_size < path.stat().st_size:
            smaller.replace(path)
        else:
            smaller.unlink()


def _on_white(image):
    from PIL import Image

    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", configure_katex)
    app.connect("config-inited", check_katex_errors)
    app.connect("config-inited", lighten_theme_templates)
    app.connect("builder-inited", add_template_filter)
    app.connect("html-page-context", drop_unused_assets, priority=900)
    app.connect("build-finished", lighten_icons)
    app.connect("build-finished", palette_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
