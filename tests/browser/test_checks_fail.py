"""Every check of ``checks.py`` can fail: each broken page in ``fixtures/`` (small static
HTML files, served like the site) holds one defect a reader once met, and the check must
report it; the clean fixture, which hides the same syntax inside code and typeset math,
must pass every check."""

from __future__ import annotations

import math
import re

import pytest
from checks import (
    axe_problems,
    book_style,
    chinese_edition_problems,
    chinese_share,
    code_problems,
    figure_problems,
    image_problems,
    licence_problems,
    link_problems,
    looks_like_a_path,
    math_problems,
    sideways_problems,
    visible_text_problems,
)
from sites import FIXTURES


@pytest.mark.parametrize(("fixture", "kind", "snippet"), [
    ("raw_dollar.html", "raw $ (untypeset TeX)", "The iterate $x$ is"),
    ("raw_tex.html", "raw TeX command", r"The momentum \gamma was"),
    ("raw_fence.html", "code fence", "Solution 2.4. ```python"),
    ("raw_role.html", "MyST role", "See {doc}`03_derivation`"),
    ("raw_directive.html", "MyST directive fence", ":::{admonition} Solution"),
    ("raw_bold.html", "literal ** (Markdown bold left raw)", "**Exercise 3.1.** Show"),
])
def test_visible_text_check_reports_raw_syntax(visit, fixture_server, fixture, kind, snippet):
    problems = visible_text_problems(visit(fixture, base=fixture_server).page)
    assert any(problem.startswith(f"{kind}: …") and snippet in problem for problem in problems), problems
    assert all(problem.startswith(f"{kind}: …") for problem in problems), problems  # nothing else


def test_math_check_reports_untypeset_math(visit, fixture_server):
    page = visit("untypeset_math.html", base=fixture_server).page
    assert math_problems(page) == ["1 math elements but only 0 typeset"]
    assert any(problem.startswith("raw TeX command: …") and r"A step \(\theta_1" in problem
               for problem in visible_text_problems(page))


def test_figure_check_reports_path_alt_missing_caption_link_and_small_text(visit, fixture_server):
    page = visit("bad_figure.html", base=fixture_server).page
    problems = figure_problems(page, FIXTURES, 1280)
    # figure.png is 1000 px wide at 100 dpi, shown 200 px wide: with matplotlib's default
    # 10 pt text, 10 * 100/72 * 0.2 = 2.8 px (the book style's 11 pt: 3.06 px, shown 3.0)
    px = math.floor(book_style()["text_pt"] * 100 / 72 * 0.2 * 10) / 10
    small = f"figure.png: figure text renders at {px:.1f} px < 11 px (shown 200 of 1000 px wide at a 1280-px viewport)"
    assert problems == [
        "figure.png: alt text is a file path (_images/abc.png)",
        "figure.png: no numbered caption (figcaption with 'Fig. 4.1' or, in Chinese, '图 4.1')",
        "figure.png: does not open full size on click",
        small,
        "figure.png: no alt text",
        "figure.png: no numbered caption (figcaption with 'Fig. 4.1' or, in Chinese, '图 4.1')",
        "figure.png: does not open full size on click",
        small,
    ]


def test_figure_text_size_follows_the_viewport(visit, fixture_server):
    """The clean figure (1000 px, shown at most at the article's width) is readable on a
    laptop, and too small on a phone, where it shrinks to the 390-px screen."""
    assert figure_problems(visit("clean.html", base=fixture_server).page, FIXTURES, 1280) == []
    phone = figure_problems(visit("clean.html", width=390, base=fixture_server).page, FIXTURES, 390, size_only=True)
    assert len(phone) == 1 and "px < 8 px" in phone[0], phone


def test_sideways_check_reports_a_wide_page_and_a_wide_table(visit, fixture_server):
    phone = sideways_problems(visit("wide.html", width=390, base=fixture_server).page)
    assert phone and phone[0].startswith("page is ") and "in a 390-px viewport" in phone[0], phone
    laptop = sideways_problems(visit("wide.html", width=1280, base=fixture_server).page, tables=True)
    assert any(problem.startswith("table 1600 px wide") for problem in laptop), laptop


def test_code_check_reports_a_code_cell_wider_than_the_article(visit, fixture_server):
    problems = code_problems(visit("wide.html", width=1280, base=fixture_server).page)
    assert len(problems) == 1 and "result = m.run(" in problems[0], problems
    assert code_problems(visit("clean.html", width=1280, base=fixture_server).page) == []


def test_axe_reports_violations(visit, fixture_server):
    page = visit("inaccessible.html", base=fixture_server).page
    rules = {problem.split()[0] for problem in axe_problems(page)}
    assert {"image-alt", "color-contrast", "region"} <= rules
    assert {problem.split()[0] for problem in axe_problems(page, rules=["color-contrast"])} == {"color-contrast"}


def test_math_and_code_contrast_is_checked_though_axe_skips_them(visit, fixture_server):
    page = visit("faint_math_and_code.html", base=fixture_server).page
    body = "() => document.body.innerHTML"
    before = page.evaluate(body)
    assert all(part in before for part in ['class="katex-html"', 'class="katex-mathml"', 'class="highlight"'])
    problems = axe_problems(page, rules=["color-contrast"])
    assert page.evaluate(body) == before  # the math and code, set aside while axe ran, are back in place
    assert len(problems) == 1 and problems[0].startswith("color-contrast (3 formulas or code colours): "), problems
    # WCAG: #c8c8c8 has relative luminance 0.578, so (1 + 0.05) / (0.578 + 0.05) = 1.67
    assert "math contrast 1.67:1 < 4.5:1 (rgb(200, 200, 200) on rgb(255, 255, 255)): η" in problems[0]
    assert "math drawn in two colours (rgb(34, 34, 34), rgb(208, 208, 255)): θ=5" in problems[0]
    # #bbbbbb: luminance 0.497; #f8f8f8: 0.939, so (0.939 + 0.05) / (0.497 + 0.05) = 1.81
    assert "code contrast 1.81:1 < 4.5:1 (rgb(187, 187, 187) on rgb(248, 248, 248)): # a comment" in problems[0]


def test_a_wide_formula_out_of_keyboard_reach_is_reported(visit, fixture_server):
    problems = axe_problems(visit("wide_formula.html", base=fixture_server).page)
    assert len(problems) == 1 and problems[0].startswith("scrollable-region-focusable (1 formulas): "), problems
    assert "θ_{t+1} = θ_t − η∇J(θ_t)" in problems[0]


def test_image_and_link_checks_report_what_does_not_load(visit, fixture_server):
    page = visit("broken_links.html", base=fixture_server).page
    assert image_problems(page) == [f"image did not load: {fixture_server}missing-figure.png"]
    assert link_problems(page, fixture_server, FIXTURES) == [
        f"link to a missing page: {fixture_server}no-such-chapter.html"]


def test_visit_records_what_would_fail_offline(visit, fixture_server):
    visited = visit("not_offline.html", base=fixture_server)
    assert visited.blocked == ["https://cdn.example.org/library.js"]
    assert f"{fixture_server}missing-style.css: HTTP 404" in visited.failed  # (and the blocked script, aborted)
    assert any("undefinedFunctionOfAPage" in error for error in visited.errors), visited.errors


def test_licence_check_reports_a_footer_without_licences(visit, fixture_server):
    assert licence_problems(visit("wide.html", base=fixture_server).page) == [
        "footer does not name the text's licence (CC BY 4.0)",
        "footer does not name the code's licence (MIT)",
    ]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_clean_fixture_passes_every_check(visit, fixture_server, mode):
    page = visit("clean.html", mode=mode, base=fixture_server).page
    assert visible_text_problems(page) == []
    assert math_problems(page) == []
    assert figure_problems(page, FIXTURES, 1280) == []
    assert sideways_problems(page, tables=True) == []
    assert axe_problems(page) == []
    assert licence_problems(page) == []
    assert image_problems(page) == [] and link_problems(page, fixture_server, FIXTURES) == []
    assert sideways_problems(visit("clean.html", width=390, base=fixture_server).page) == []


@pytest.mark.parametrize(("alt", "is_path"), [
    ("_images/abc.png", True),
    ("../_images/3fc0edc37852c116cb9605daad18619e.png", True),
    ("trajectory.svg", True),
    ("Log-scale line plot of v_t / eta over 50 steps", False),  # a slash in a description
    ("Flowchart: initialise, gradient, velocity, parameters", False),
])
def test_alt_text_path_detection(alt, is_path):
    assert looks_like_a_path(alt) is is_path


def test_chinese_share_counts_words():
    assert chinese_share("动量法在病态问题上更快") == 1.0
    assert chinese_share("The heavy ball is faster on ill-conditioned problems") == 0.0
    assert 0.6 < chinese_share("重球法（heavy ball）在病态问题上更快") < 0.95


def test_chinese_edition_check_reports_english_and_a_wrong_language_link(visit, fixture_server):
    page = visit("zh/half_translated.html", base=fixture_server).page
    problems = chinese_edition_problems(page, fixture_server, FIXTURES, "half_translated.html")
    assert len(problems) == 5, problems
    assert re.fullmatch(r"only \d+% of the prose is Chinese", problems[0]), problems[0]
    assert problems[1].startswith("English in the footer (['By', 'Copyright', 'Momentum', 'authors', 'book', 'the'])")
    assert problems[2] == "English interface labels (title, aria-label, placeholder): ['Book home']"
    assert problems[3] == (f"the language link goes to {fixture_server}clean.html, "
                           f"not to {fixture_server}half_translated.html")
    assert problems[4] == "half_translated.html does not link back to zh/half_translated.html"
