"""What a reader sees, checked in the browser's rendered page (not in the HTML source).

Each function takes a Playwright page that has loaded and typeset its math
(``offline_browser.wait_for_math``) and returns a list of problems, one string each,
empty when the page is fine. They are used on every page of the built site
(``test_readers.py``) and on the deliberately broken pages in ``fixtures/``
(``test_checks_fail.py``), which show that every check can fail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

# A figure caption starts with its number: "Fig. 4.1" (English), "图 4.1" (Chinese).
NUMBERED_CAPTION = re.compile(r"\s*(Fig\.|图) \d+(\.\d+)?")

ROOT = Path(__file__).resolve().parents[2]
BOOK_STYLE = ROOT / "momentum" / "book.mplstyle"

# The article of a page (sphinx-book-theme), else the main landmark, else the body.
ARTICLE = "article.bd-article, main, body"

# --- 1. visible text ------------------------------------------------------------------

# Every text node of the article outside code and typeset math. Folded content
# (dropdown solutions) counts: a reader unfolds it. Math that MathJax/KaTeX failed to
# typeset stays in the text (its raw TeX is exactly what a reader would see). In the API
# reference, signatures (dt.sig) and parameter names (``**grid``) are code too.
_VISIBLE_TEXT_JS = """(selector) => {
  const root = document.querySelector(selector.split(',').map(s => s.trim()).find(s => document.querySelector(s)));
  const skip = 'pre, code, .highlight, .cell_input, mjx-container, .katex, .katex-display, '
             + 'script, style, template, noscript, textarea, dl.py > dt.sig, dl.py dl.field-list strong';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    parts.push(node.nodeValue);
  }
  return parts.join('');
}"""

# What must never reach a reader as text: raw TeX, Markdown and MyST syntax.
RAW_SYNTAX = {
    "raw $ (untypeset TeX)": r"\$",
    "raw TeX command": r"\\[A-Za-z]+|\\[()\[\]{}]",
    "code fence": r"```",
    "MyST role": r"\{[A-Za-z][\w:.-]*\}`",
    "MyST directive fence": r":::",
    "literal ** (Markdown bold left raw)": r"\*\*",
}


def visible_text(page) -> str:
    return page.evaluate(_VISIBLE_TEXT_JS, ARTICLE)


def visible_text_problems(page) -> list[str]:
    text = visible_text(page)
    problems = []
    for name, pattern in RAW_SYNTAX.items():
        for match in re.finditer(pattern, text):
            context = " ".join(text[max(0, match.start() - 40): match.end() + 40].split())
            problems.append(f"{name}: …{context}…")
    return problems


def math_problems(page) -> list[str]:
    """Every math element typeset (MathJax's mjx-container or KaTeX's .katex), no TeX errors."""
    counts = page.evaluate("""() => {
      const math = Array.from(document.querySelectorAll('div.math, span.math'));
      const typeset = math.filter(e => e.matches('.katex, .katex-display') ||
                                       e.querySelector('mjx-container, .katex'));
      return {math: math.length, typeset: typeset.length,
              errors: document.querySelectorAll('mjx-merror, .katex-error').length};
    }""")
    problems = []
    if counts["errors"]:
        problems.append(f"{counts['errors']} math elements with a TeX error")
    if counts["typeset"] < counts["math"]:
        problems.append(f"{counts['math']} math elements but only {counts['typeset']} typeset")
    return problems


# --- 3. figures -------------------------------------------------------------------------

MIN_TEXT_PX = {1280: 11.0, 390: 8.0}  # smallest figure text a reader can read, by viewport width


@cache
def book_style() -> dict[str, float]:
    """The smallest text size (pt) and the dpi of the book's figure style.

    ``momentum/book.mplstyle`` (loaded by the chapters with ``plt.style.use("momentum.book")``)
    if it exists, else matplotlib's defaults. The smallest size is font.size or any of the
    text sizes derived from it (tick labels, legend, titles) if the style makes one smaller.
    """
    import matplotlib
    from matplotlib.font_manager import font_scalings

    if BOOK_STYLE.exists():
        rc = matplotlib.rc_params_from_file(str(BOOK_STYLE), use_default_template=True)
    else:
        rc = matplotlib.rcParamsDefault
    base = float(rc["font.size"])
    sizes = [base]
    for key in ("xtick.labelsize", "ytick.labelsize", "legend.fontsize", "axes.labelsize", "axes.titlesize"):
        value = rc[key]
        sizes.append(base * font_scalings[value] if isinstance(value, str) and value in font_scalings
                     else float(value) if value is not None else base)
    dpi = rc["savefig.dpi"]
    dpi = float(rc["figure.dpi"]) if dpi in ("figure", None) else float(dpi)
    return {"text_pt": min(sizes), "dpi": dpi}


def image_dpi(site: Path, src: str) -> float:
    """The resolution the image was rendered at: the PNG's own pHYs chunk (matplotlib
    writes it), else the book style's dpi."""
    from PIL import Image

    path = site / unquote(urlparse(src).path).lstrip("/")
    try:
        with Image.open(path) as image:
            dpi = image.info.get("dpi")
    except OSError:
        dpi = None
    return float(dpi[0]) if dpi and dpi[0] > 1 else book_style()["dpi"]


def looks_like_a_path(alt: str) -> bool:
    """A file name or path (``../_images/3fc0….png``, ``_images/abc.png``, ``plot.svg``),
    not a description that happens to contain a slash (``v_t / eta``)."""
    alt = alt.strip()
    return bool(re.fullmatch(r"\S*[/\\]\S*|\S+\.(png|jpe?g|svg|gif|webp)", alt, flags=re.IGNORECASE)
                or re.match(r"(\.\./|\./|/)?_images\b", alt))


def figures(page) -> list[dict]:
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy images load too
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")
    return page.evaluate("""(selector) => {
      const root = document.querySelector(selector.split(',').map(s => s.trim()).find(s => document.querySelector(s)));
      return Array.from(root.querySelectorAll('img')).map(img => {
        const figure = img.closest('figure');
        const caption = figure ? figure.querySelector('figcaption') : null;
        const link = img.closest('a[href]');
        return {src: img.currentSrc || img.src, alt: img.getAttribute('alt'),
                natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                caption: caption ? caption.innerText : null,
                opens: (link && link.href === (img.currentSrc || img.src)) || img.hasAttribute('data-zoom')};
      });
    }""", ARTICLE)


def figure_problems(page, site: Path, width: int, size_only: bool = False) -> list[str]:
    """Alt text, numbered caption, opens full size on click (unless ``size_only``), and the
    size figure text renders at in this viewport width."""
    style = book_style()
    problems = []
    for image in figures(page):
        name = Path(urlparse(image["src"]).path).name[:16]
        alt = (image["alt"] or "").strip()
        if size_only:
            pass
        elif not alt:
            problems.append(f"{name}: no alt text")
        elif looks_like_a_path(alt):
            problems.append(f"{name}: alt text is a file path ({alt[:40]})")
        if not size_only and not NUMBERED_CAPTION.match(image["caption"] or ""):
            problems.append(f"{name}: no numbered caption (figcaption with 'Fig. 4.1' or, in Chinese, '图 4.1')")
        if not size_only and not image["opens"]:
            problems.append(f"{name}: does not open full size on click")
        if image["natural"] and image["shown"]:
            px = style["text_pt"] * image_dpi(site, image["src"]) / 72 * image["shown"] / image["natural"]
            if px < MIN_TEXT_PX[width]:
                px = math.floor(px * 10) / 10  # shown rounded down: 7.98 px is not "8.0 px"
                problems.append(f"{name}: figure text renders at {px:.1f} px < {MIN_TEXT_PX[width]:g} px "
                                f"(shown {image['shown']:.0f} of {image['natural']} px wide at a {width}-px viewport)")
    return problems


# --- 4. sideways scrolling ----------------------------------------------------------------

def sideways_problems(page, tables: bool = False) -> list[str]:
    """The page itself does not scroll sideways (code, math and tables may, inside their box);
    names the elements that stick out. The width is the viewport's as set (a phone's browser
    widens its layout viewport to overflowing content, so ``innerWidth`` would hide it).
    With ``tables``, every table of the article also fits the article's width (no sideways
    scrolling inside its box either)."""
    result = page.evaluate("""([selector, width]) => {
      const doc = document.documentElement;
      const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o !== 'visible' && p !== doc && p !== document.body) return true; }
        return false; };
      const out = Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
        .filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().right > width + 1))
        .map(e => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} right edge at ` +
                  `${Math.round(e.getBoundingClientRect().right)} px`);
      const root = document.querySelector(selector.split(',').map(s => s.trim()).find(s => document.querySelector(s)));
      const right = root.getBoundingClientRect().right;
      const tables = Array.from(root.querySelectorAll('table'))
        .filter(t => t.getBoundingClientRect().width > 0 && t.getBoundingClientRect().right > right + 1)
        .map(t => `table ${Math.round(t.getBoundingClientRect().width)} px wide in a ` +
                  `${Math.round(root.getBoundingClientRect().width)}-px article: ` +
                  t.innerText.slice(0, 40).replace(/\\s+/g, ' '));
      return {scrollWidth: doc.scrollWidth, width, out: out.slice(0, 5), tables};
    }""", [ARTICLE, page.viewport_size["width"]])
    problems = []
    if result["scrollWidth"] > result["width"]:
        problems.append(f"page is {result['scrollWidth']} px wide in a {result['width']}-px viewport: "
                        + "; ".join(result["out"]))
    return problems + (result["tables"] if tables else [])


def code_problems(page) -> list[str]:
    """Every code cell of the article fits it without sideways scrolling (its ``pre`` is no
    wider than its box); names the first line of each that does not."""
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('.bd-article .cell_input pre'))
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => `${pre.scrollWidth} px of code in a ${pre.clientWidth}-px box: ` +
                    pre.innerText.split('\\n').sort((a, b) => b.length - a.length)[0].slice(0, 60))""")
    return [f"code cell scrolls sideways: {line}" for line in wide]


# --- 5. accessibility ---------------------------------------------------------------------

# The contrast of typeset math and code, measured here instead of by axe-core: KaTeX draws
# a formula as a tree of spans (8,400 on chapter 5), Pygments a line of code and Sphinx an
# API signature as a span per token, and axe's color-contrast rule measures each span on
# its own (60% of the rule's time on chapter 5). Their colours are plain (no images,
# shadows or overlaps behind them), so WCAG's formula applies directly: the text colour
# (blended, if translucent) against the backgrounds behind it (translucent ones blended over
# the first opaque one; white if none is) must reach 4.5:1. A formula is drawn in one
# colour (the book never colours math); code is checked once per pair of colours. Folded
# content (a solution) counts: its colours are the same when a reader unfolds it.
DRAWN_MATH = ".katex-html"  # hidden from screen readers, which read KaTeX's MathML instead
CODE = ["div.highlight pre", "dt.sig"]  # highlighted blocks (not their copy buttons), API signatures
_MATH_AND_CODE_CONTRAST_JS = """([math, code]) => {
  const rgba = c => { const v = (c.match(/[\\d.]+/g) || []).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const blend = (top, under) => under.map((c, i) => top[i] * top[3] + c * (1 - top[3]));
  const luminance = v => v.slice(0, 3).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const backdrops = new Map();
  const backdrop = e => {
    if (!e) return [255, 255, 255];
    if (!backdrops.has(e)) {
      const own = rgba(getComputedStyle(e).backgroundColor);
      backdrops.set(e, own[3] >= 1 ? own.slice(0, 3) : own[3] > 0 ? blend(own, backdrop(e.parentElement))
                                                                  : backdrop(e.parentElement));
    }
    return backdrops.get(e);
  };
  const contrast = (colour, e) => {
    const under = backdrop(e), text = blend(rgba(colour), under);
    const [a, b] = [luminance(text), luminance(under)].sort((x, y) => y - x);
    return [(a + 0.05) / (b + 0.05), `${colour} on rgb(${under.map(Math.round).join(', ')})`];
  };
  const problems = [];
  for (const formula of document.querySelectorAll(math)) {
    const colour = getComputedStyle(formula).color, [ratio, colours] = contrast(colour, formula);
    const odd = [...formula.querySelectorAll('*')].find(e => getComputedStyle(e).color !== colour);
    const text = formula.closest('.katex').textContent.trim().slice(0, 40);
    if (ratio < 4.5) problems.push(`math contrast ${ratio.toFixed(2)}:1 < 4.5:1 (${colours}): ${text}`);
    else if (odd) problems.push(`math drawn in two colours (${colour}, ${getComputedStyle(odd).color}): ${text}`);
  }
  const pairs = new Set();
  for (const block of document.querySelectorAll(code.join(', '))) {
    for (const e of [block, ...block.querySelectorAll('*')]) {
      if (![...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
      if (e.closest('a.headerlink')) continue;  // the permalink, shown on hover only (axe skips it too)
      const [ratio, colours] = contrast(getComputedStyle(e).color, e);
      if (ratio < 4.5 && !pairs.has(colours)) {
        pairs.add(colours);
        problems.push(`code contrast ${ratio.toFixed(2)}:1 < 4.5:1 (${colours}): ${e.textContent.trim().slice(0, 40)}`);
      }
    }
  }
  return problems;
}"""


MATHML = ".katex-mathml"  # what screen readers read; drawn nowhere (clipped to nothing)
MATH_BOXES = "div.math, .katex-display"  # displayed math, which scrolls inside its box when too wide
# axe's scrollable-region-focusable rule, for the boxes of displayed math (whose width it no
# longer sees once the drawn math is set aside): a box that scrolls sideways must be reachable
# by keyboard (focusable itself, or holding something focusable), or a keyboard user cannot
# scroll it.
_UNREACHABLE_SCROLLING_MATH_JS = """(boxes) => [...document.querySelectorAll(boxes)]
  .filter(box => ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.scrollWidth > box.clientWidth + 1)
  .filter(box => box.tabIndex < 0 && !box.closest('[tabindex]:not([tabindex="-1"])')
                 && !box.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
  .map(box => box.textContent.trim().slice(0, 40))"""
# Elements taken out of the page while axe-core runs (each swapped for an empty comment) and
# put back afterwards (the last set aside first): axe copies the whole page into its own tree
# before every run, excluded parts too, and the drawn math alone is 44% of chapter 5's elements.
_SET_ASIDE_JS = """selector => { (window.__setAside ||= []).push([...document.querySelectorAll(selector)]
  .map(element => { const mark = document.createComment(''); element.replaceWith(mark); return [mark, element]; }));
}"""
_PUT_BACK_JS = """() => { for (const [mark, element] of window.__setAside.pop()) mark.replaceWith(element); }"""


@contextmanager
def set_aside(page, selectors: list[str]) -> Iterator[None]:
    """The elements matching ``selectors`` out of the page for the block, then back in place."""
    page.evaluate(_SET_ASIDE_JS, ", ".join(selectors))
    try:
        yield
    finally:
        page.evaluate(_PUT_BACK_JS)


def axe_problems(page, rules: list[str] | None = None) -> list[str]:
    """Every axe-core violation, of any impact (of the named ``rules`` only, if given), one
    line per rule with its first targets.

    axe never sees the drawn math (``DRAWN_MATH``), which is set aside while it runs
    (``set_aside``): screen readers skip it and read the MathML, which axe checks. Its
    color-contrast rule sees neither math nor code: for that run the MathML (never drawn) and
    the code (``CODE``) are set aside too, and the drawn math and code are measured by
    ``_MATH_AND_CODE_CONTRAST_JS`` instead. Formulas too wide for their box are checked by
    ``_UNREACHABLE_SCROLLING_MATH_JS`` (axe's scrollable-region-focusable rule needs them
    drawn). Chapter 5's checks took 18 s with math and code in place and excluded, 8 s so."""
    from axe_playwright_python.sync_playwright import Axe

    def run(options: dict) -> list[dict]:
        return Axe().run(page, options={"resultTypes": ["violations"]} | options).response["violations"]

    problems, violations = [], []
    contrast = rules is None or "color-contrast" in rules
    if contrast and (own := page.evaluate(_MATH_AND_CODE_CONTRAST_JS, [DRAWN_MATH, CODE])):
        problems.append(f"color-contrast ({len(own)} formulas or code colours): {own[:3]}")
    if (rules is None or "scrollable-region-focusable" in rules) and (
            wide := page.evaluate(_UNREACHABLE_SCROLLING_MATH_JS, MATH_BOXES)):
        problems.append(f"scrollable-region-focusable ({len(wide)} formulas): a formula scrolls sideways in a box "
                        f"that a keyboard cannot reach: {wide[:3]}")
    with set_aside(page, [DRAWN_MATH]):
        if rules is None:
            violations += run({"rules": {"color-contrast": {"enabled": False}}})
        elif others := [rule for rule in rules if rule != "color-contrast"]:
            violations += run({"runOnly": {"type": "rule", "values": others}})
        if contrast:
            with set_aside(page, [MATHML, *CODE]):
                violations += run({"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        problems.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
                        f"{violation['help']} — {targets}")
    return problems


# --- 6. images and links load ------------------------------------------------------------

def image_problems(page) -> list[str]:
    """Images that did not load (scrolled to the end first, so lazy ones load too)."""
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy images load too
    sizes = page.evaluate("""() => Array.from(document.images).map(img => ({src: img.currentSrc || img.src,
        complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}))""")
    return [f"image did not load: {s['src'][:80]}" for s in sizes
            if not (s["complete"] and s["width"] > 0 and s["height"] > 0)]


def link_problems(page, server: str, site: Path) -> list[str]:
    """Links within the site (served from ``site`` at ``server``) that lead to no page."""
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    missing = []
    for href in hrefs:
        if not href.startswith(server):
            continue
        path = urlparse(href).path.lstrip("/")
        target = site / path / "index.html" if path.endswith("/") or not path else site / path
        if not target.exists():
            missing.append(f"link to a missing page: {href}")
    return missing


# --- 7. licence ---------------------------------------------------------------------------

def licence_problems(page) -> list[str]:
    footer = page.evaluate("() => Array.from(document.querySelectorAll('footer, .bd-footer'))"
                           ".map(e => e.innerText).join(' ')")
    problems = []
    if "CC BY 4.0" not in footer and "Creative Commons Attribution 4.0" not in footer:
        problems.append("footer does not name the text's licence (CC BY 4.0)")
    if "MIT" not in footer:
        problems.append("footer does not name the code's licence (MIT)")
    return problems


# --- 8. the Chinese edition ---------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The article's prose: without code, math, outputs, API signatures and the language link.
_PROSE_JS = """() => {
  const article = document.querySelector('main .bd-article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('pre, code, .katex, .math, .cell_output, .output, dt.sig, .edition-switch, '
    + '.momentum-explorer, .citation, .bibtex, table').forEach(e => e.remove());
  return copy.innerText;
}"""
# Latin words the Chinese footer keeps: names, not English.
FOOTER_NAMES = {"CC", "BY", "MIT"}
# Interface labels that stay English in every edition: written into sphinx-book-theme's
# templates and sphinx-togglebutton's script, not taken from a catalogue.
UPSTREAM_ENGLISH = {"Main", "Page", "Toggle hidden content", "Toggle primary sidebar", "Toggle secondary sidebar"}
# The interface's labels: not those of cross-references, which carry their target's own name
# (an API object, a cited work in its own language).
_LABELS_JS = """() => [...document.querySelectorAll('[title], [aria-label], [placeholder], [data-bs-title]')]
  .filter(e => !e.matches('a.reference'))
  .flatMap(e => ['title', 'aria-label', 'placeholder', 'data-bs-title'].map(a => e.getAttribute(a)))
  .filter(Boolean)"""


def chinese_share(text: str) -> float:
    """Chinese characters against Latin words (a Chinese character is about a word)."""
    cjk, latin = len(CJK.findall(text)), len(LATIN_WORD.findall(text))
    return cjk / max(cjk + latin, 1)


def chinese_edition_problems(page, server: str, site: Path, path: str, prose: bool = True) -> list[str]:
    """A page of the Chinese edition (``zh/`` + ``path``, served at ``server`` from ``site``):
    at least 60% of its prose in Chinese (if ``prose``: the bibliography lists works in their
    own language), no English in the footer (tools/build_book.py's EDITION_SETTINGS) nor in
    the interface's labels (locales/zh_CN/LC_MESSAGES/sphinx.po), and a language link to the
    same page in English, which links back."""
    problems = []
    if prose and (share := chinese_share(page.evaluate(_PROSE_JS))) < 0.6:
        problems.append(f"only {share:.0%} of the prose is Chinese")
    footer = page.locator("footer.bd-footer-content").inner_text()
    if english := set(LATIN_WORD.findall(footer)) - FOOTER_NAMES:
        problems.append(f"English in the footer ({sorted(english)}): {footer!r}")
    labels = {label for label in page.evaluate(_LABELS_JS) if LATIN_WORD.search(label) and not CJK.search(label)}
    if english := sorted(labels - UPSTREAM_ENGLISH - FOOTER_NAMES):
        problems.append(f"English interface labels (title, aria-label, placeholder): {english[:5]}")
    link = page.locator("p.edition-switch a")
    if not link.count() or link.get_attribute("hreflang") != "en":
        return [*problems, "no language link to the English page (hreflang=en)"]
    if (target := page.evaluate("() => document.querySelector('p.edition-switch a').href")) != server + path:
        problems.append(f"the language link goes to {target}, not to {server + path}")
    twin = site / path
    if f'href="{"../" * path.count("/")}zh/{path}"' not in (twin.read_text() if twin.exists() else ""):
        problems.append(f"{path} does not link back to zh/{path}")
    return problems
