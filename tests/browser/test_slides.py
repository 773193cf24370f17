"""The lecture decks (``make slides``, tools/build_slides.py) in Debian's Chromium, offline.

Every deck in _build/slides (or ``$MOMENTUM_SLIDES``) is opened at 1280x720 and stepped
through slide by slide with reveal.js's own API (``Reveal.next`` until
``Reveal.isLastSlide``); on each slide: the math is typeset by MathJax (no raw ``$`` or
TeX in the visible text, no MathJax error), nothing sticks out of the 16:9 frame or
scrolls inside its box, and over the whole deck: no console error, no failed request, no
request leaving the served folder. Screenshots of a few slides per deck go to
test-artifacts/slides/. The small broken decks in fixtures/slides/ show that every check
reports what it is for.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from checks import RAW_SYNTAX
from offline_browser import serve
from sites import ARTIFACTS, FIXTURES, ROOT

SLIDES = ROOT / os.environ.get("MOMENTUM_SLIDES", "_build/slides")
SLIDE_FIXTURES = FIXTURES / "slides"
SHOTS = ARTIFACTS / "slides"
CHAPTER_DECKS = [p.stem for p in sorted((ROOT / "chapters").glob("[01][0-9]_*.ipynb")) if 1 <= int(p.name[:2]) <= 10]
FRAME = {"width": 1280, "height": 720}

# Walks the whole deck in the page (one evaluate: fast) and returns, per slide, what a
# check found there, and which slides show display math, a figure, an exercise.
_WALK_JS = r"""(raw) => {
  const patterns = Object.entries(raw).map(([name, source]) => [name, new RegExp(source, 'g')]);
  const skipText = 'pre, code, mjx-container, script, style, aside.notes, .jp-InputArea';
  const frameBox = () => document.querySelector('.reveal .slides').getBoundingClientRect();
  const describe = e => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ?
      '.' + e.className.trim().split(/\s+/)[0] : ''} "${(e.innerText || e.textContent || '').trim().slice(0, 40)}"`;
  function problems(slide) {
    const found = [];
    const frame = frameBox();
    const at = px => Math.round(px / Reveal.getScale());  // slide pixels (the frame is scaled to the window)
    const out = [], scrolls = [];
    for (const e of slide.querySelectorAll('*')) {
      if (e.closest('aside.notes') || (e.parentElement && e.parentElement.closest('mjx-container'))) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom > frame.bottom + 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.left < frame.left - 1)
        out.push(`${describe(e)} at ${at(r.left - frame.left)},${at(r.top - frame.top)}` +
                 `-${at(r.right - frame.left)},${at(r.bottom - frame.top)}`);
      const style = getComputedStyle(e);
      if ((style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1) ||
          (style.overflowY !== 'visible' && e.scrollHeight > e.clientHeight + 1))
        scrolls.push(`${describe(e)} (${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight})`);
    }
    if (out.length) found.push(`overflows the ${Reveal.getConfig().width}x${Reveal.getConfig().height} frame: ` +
                               out.slice(-3).join('; '));
    if (scrolls.length) found.push(`content scrolls inside its box: ${scrolls.slice(0, 3).join('; ')}`);
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    let text = '';
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.closest(skipText)) text += node.nodeValue;
    }
    for (const [name, pattern] of patterns)
      for (const m of text.matchAll(pattern))
        found.push(`${name}: …${text.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}…`);
    const errors = slide.querySelectorAll('mjx-merror').length;
    if (errors) found.push(`${errors} MathJax errors`);
    return found;
  }
  Reveal.slide(0, 0);
  const slides = [];
  const seen = new Set();
  for (let step = 0; step < 2000; step++) {
    const {h, v} = Reveal.getIndices();
    const key = `${h}/${v}`;
    const slide = Reveal.getCurrentSlide();
    if (!seen.has(key)) {
      seen.add(key);
      slides.push({h, v, problems: problems(slide),
                   math: slide.querySelectorAll('mjx-container[display="true"]').length,
                   figure: slide.querySelectorAll('img').length,
                   exercise: /^Exercise \d+\.\d+/m.test(slide.innerText)});
    }
    if (Reveal.isLastSlide() && !Reveal.availableFragments().next) break;
    Reveal.next();
  }
  return {total: Reveal.getTotalSlides(), slides,
          typeset: document.querySelectorAll('.reveal mjx-container').length};
}"""


def open_deck(visit, base: str, name: str):
    deck = visit(name, width=FRAME["width"], base=base)
    deck.page.set_viewport_size(FRAME)
    deck.page.wait_for_function("() => document.body.dataset.slidesReady === 'yes'")
    return deck


def walk(page) -> dict:
    return page.evaluate(_WALK_JS, RAW_SYNTAX)


def deck_problems(deck, result: dict) -> list[str]:
    problems = [f"slide {s['h'] + 1}.{s['v'] + 1}: {p}" for s in result["slides"] for p in s["problems"]]
    if len(result["slides"]) != result["total"]:
        problems.append(f"stepped through {len(result['slides'])} of {result['total']} slides")
    problems += [f"console error: {e}" for e in deck.errors]
    problems += [f"failed request: {f}" for f in deck.failed]
    problems += [f"request outside the served folder: {b}" for b in deck.blocked]
    return problems


def screenshot(page, stem: str, kind: str, slide: dict) -> None:
    page.evaluate("([h, v]) => Reveal.slide(h, v)", [slide["h"], slide["v"]])
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{stem}-{kind}.png"))


@pytest.fixture(scope="session")
def slides_server():
    if not (SLIDES / "index.html").exists():
        pytest.fail(f"no decks in {SLIDES}: run `make slides` first")
    with serve(SLIDES) as base:
        yield base


@pytest.fixture(scope="session")
def slide_fixture_server(tmp_path_factory):
    """The broken decks of fixtures/slides/, next to the decks' own lib/ (reveal.js, MathJax)."""
    if not (SLIDES / "lib").exists():
        pytest.fail(f"no {SLIDES / 'lib'}: run `make slides` first")
    folder = tmp_path_factory.mktemp("slide-fixtures")
    shutil.copytree(SLIDES / "lib", folder / "lib")
    for path in SLIDE_FIXTURES.glob("*.html"):
        shutil.copy2(path, folder / path.name)
    with serve(folder) as base:
        yield base


@pytest.mark.parametrize("stem", CHAPTER_DECKS)
def test_deck(visit, slides_server, stem):
    deck = open_deck(visit, slides_server, f"{stem}.html")
    result = walk(deck.page)
    assert deck_problems(deck, result) == []
    assert result["typeset"] > 0, "no math typeset by MathJax in the deck"
    built = {d["file"]: d for d in json.loads((SLIDES / "decks.json").read_text())}
    assert result["total"] == built[f"{stem}.html"]["slides"], "reveal.js counts other slides than the build"
    exercises = [s for s in result["slides"] if s["exercise"]]
    assert exercises, "the deck shows none of the chapter's exercises"
    shown = deck.page.evaluate("() => document.querySelector('.reveal .slides').innerText")
    assert not re.search(r"\bSolution\b", shown), "a solution is shown on a slide"
    screenshot(deck.page, stem, "1-title", result["slides"][0])
    for kind, key in (("2-equation", "math"), ("3-figure", "figure"), ("4-exercise", "exercise")):
        chosen = next((s for s in result["slides"] if s[key]), None)
        if chosen:
            screenshot(deck.page, stem, kind, chosen)


def test_index_lists_every_deck(visit, slides_server):
    page = visit("index.html", base=slides_server).page
    links = page.evaluate("() => Array.from(document.querySelectorAll('main a')).map(a => a.getAttribute('href'))")
    assert links == [f"{stem}.html" for stem in CHAPTER_DECKS]
    assert all((SLIDES / link).exists() for link in links)


# --- every check can fail: small broken decks (fixtures/slides) -------------------------

def fixture_problems(visit, server: str, name: str) -> list[str]:
    deck = open_deck(visit, server, name)
    return deck_problems(deck, walk(deck.page))


def test_clean_fixture_deck_passes(visit, slide_fixture_server):
    assert fixture_problems(visit, slide_fixture_server, "clean.html") == []


@pytest.mark.parametrize(("name", "expected"), [
    ("overflow.html", r"^slide 2\.1: overflows the 1280x720 frame: "),
    ("wide_code.html", r"^slide 1\.1: content scrolls inside its box: (pre|code)"),
    ("raw_math.html", r"^slide 2\.1: raw \$ \(untypeset TeX\): "),
    ("tex_error.html", r"^slide 1\.1: 1 MathJax errors$"),
    ("console_error.html", r"^console error: .*slides fixture: broken"),
    ("outside_request.html", r"^request outside the served folder: https://cdn\.example\.org/"),
])
def test_deck_check_reports_the_planted_defect(visit, slide_fixture_server, name, expected):
    problems = fixture_problems(visit, slide_fixture_server, name)
    assert any(re.search(expected, p) for p in problems), problems


def test_raw_tex_command_is_reported(visit, slide_fixture_server):
    problems = fixture_problems(visit, slide_fixture_server, "raw_math.html")
    assert any(p.startswith("slide 2.1: raw TeX command: ") and r"\frac" in p for p in problems), problems


def test_walk_reaches_every_slide_and_fragment(visit, slide_fixture_server):
    deck = open_deck(visit, slide_fixture_server, "clean.html")
    result = walk(deck.page)
    assert [(s["h"], s["v"]) for s in result["slides"]] == [(0, 0), (1, 0), (1, 1), (2, 0)]
    assert deck.page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next")


# --- the MyST preprocessor (no browser) ---------------------------------------------------

def test_myst_becomes_plain_markdown_with_the_chapters_glued_values():
    import nbformat
    from build_slides import Book, glue_values, markdown_cells, myst_to_markdown

    chapters = ROOT / "chapters"
    nb = nbformat.read(chapters / "04_worked_example.ipynb", as_version=4)
    glued = glue_values(nb)
    # the value as stored by myst-nb's glue in the cell's outputs, read back independently
    stored = next(json.loads(json.dumps(o["data"]))["application/papermill.record/text/plain"]
                  for c in nb.cells for o in c.get("outputs", [])
                  if o.get("metadata", {}).get("scrapbook", {}).get("name") == "ch4_theta4")
    book = Book(chapters)
    text = ("overshoots to {glue:text}`ch4_theta4:.3f`, see {doc}`03_derivation`, {ref}`ex-6-5`, "
            "{doc}`the tuning chapter <10_tuning>` and {cite}`polyak1964`.")
    assert myst_to_markdown(text, book, glued) == (
        f"overshoots to {float(stored):.3f}, see {book.titles['03_derivation']}, Exercise 6.5, "
        f"the tuning chapter and ({book.citations['polyak1964']}).")
    assert book.citations["polyak1964"] == "Polyak 1964"
    exercise = ":::{exercise} ★★☆ · paper\n:label: ex-4-2\n\nFor which $\\gamma$ is it fastest?\n:::"
    solution = ":::{solution} ex-4-2\n:class: dropdown\n\nAt $\\gamma = 0.3$.\n```python\nprint(1)\n```\n:::"
    assert myst_to_markdown(exercise + "\n\n" + solution, book, glued) == (
        "### Exercise 4.2 (★★☆ · paper)\n\nFor which $\\gamma$ is it fastest?")
    with pytest.raises(KeyError, match="ch4_missing"):
        myst_to_markdown("{glue:text}`ch4_missing`", book, glued, "04_worked_example.ipynb")
    # a long paragraph goes to the speaker notes; a heading inside a cell starts a slide
    cell = nbformat.v4.new_markdown_cell("## One\n\n$$x = 1$$\n\n" + "word " * 60 + "\n\n## Two\n\nShort.")
    made = [(c.metadata["slideshow"]["slide_type"], c.source[:6]) for c in markdown_cells(cell, "slide", book, {}, "")]
    assert made == [("slide", "## One"), ("notes", "word w"), ("slide", "## Two")]
