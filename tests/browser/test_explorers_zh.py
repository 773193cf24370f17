"""The live explorers in the Chinese edition: every label a reader sees is Chinese.

On a page whose document language is Chinese (``<html lang="zh-CN">``) every visible text
of an explorer — slider, select and button labels, chart titles and axis labels, legends,
table captions and headers, the live summary, the status phrases and damping regimes, and
the controls' accessible names — goes through ``momentumUI.t`` (``assets/explorers/ui.js``);
no English word of three or more letters is left but the allowed names. The data of
``read()`` (``status``, ``regime``, ``method``) stays English, since test_explorers.py
compares it with the package, and the English page of the same explorer keeps its English
labels.

Both editions are served from the site (``MOMENTUM_SITE``, which holds the Chinese edition
in ``zh/``; default ``_build/html``; the ``chinese_server`` fixture of conftest.py), so the
check can run against a private copy.
"""

from __future__ import annotations

import re

import pytest
from sites import CHINESE, SITE
from test_explorers import ExplorerVisit

import momentum as m

EXPLORERS = {"chapters/01_why_momentum.html": ["valley"], "chapters/04_worked_example.html": ["theta-squared"],
             "chapters/05_theory.html": ["region", "eigen"], "chapters/07_comparisons.html": ["valley"]}
ALLOWED = {"Nesterov", "EMA", "PyTorch", "log"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
# The book's terms for momentum.theory.REGIMES.
REGIME_ZH = {"over-damped": "过阻尼", "critically damped": "临界阻尼", "under-damped": "欠阻尼", "divergent": "发散"}

# Everything of one explorer a reader sees or hears: its rendered text, the SVG text and the
# options of its selects (in case innerText leaves them out), and the accessible names.
TEXT_JS = """(root) => {
  const parts = [root.innerText];
  root.querySelectorAll('svg text, option').forEach((n) => parts.push(n.textContent));
  root.querySelectorAll('[aria-label], [aria-valuetext], [title]').forEach((n) => {
    for (const a of ['aria-label', 'aria-valuetext', 'title']) if (n.hasAttribute(a)) parts.push(n.getAttribute(a));
  });
  root.querySelectorAll('input, select, button').forEach((n) => {
    const label = n.id && root.querySelector(`label[for="${n.id}"]`);
    parts.push(n.tagName === 'BUTTON' ? n.textContent : label ? label.textContent : `UNLABELLED ${n.tagName} control`);
  });
  return parts.join('\\n');
}"""

# Settings that show every status phrase and every regime (momentum.theory.REGIMES).
SETTINGS = {
    "theta-squared": [{"lr": 0.1, "momentum": 0.9, "x0": 5}, {"lr": 0.1, "momentum": 0.1, "x0": 5},
                      {"lr": 1.2, "momentum": 0.1, "x0": 5}, {"lr": 0.005, "momentum": 0.0, "x0": 5}],
    "valley": [{"method": method, "kappa": 50.0, "lr": 0.03, "momentum": 0.7, "steps": 500}
               for method in ["gradient descent", "heavy ball", "EMA momentum", "Nesterov"]]
    + [{"method": "heavy ball", "kappa": 50.0, "lr": 2.0, "momentum": 0.5, "steps": 500},
       {"method": "heavy ball", "kappa": 50.0, "lr": 0.001, "momentum": 0.1, "steps": 20}],
    "region": [{"eta_lambda": 0.2, "momentum": 0.9}, {"eta_lambda": 0.2, "momentum": 0.1},
               {"eta_lambda": 0.04, "momentum": 0.64}, {"eta_lambda": 4.2, "momentum": 0.0},
               {"eta_lambda": 0.01, "momentum": 0.0}],
    "eigen": [{"kappa": 100.0, "lr_gd": 0.0198, "lr": 0.033, "momentum": 0.67},
              {"kappa": 100.0, "lr_gd": 0.001, "lr": 0.05, "momentum": 0.99},
              {"kappa": 100.0, "lr_gd": 0.03, "lr": 0.05, "momentum": 0.0}],
}
# English labels each explorer shows on the English page (as before the translation).
ENGLISH = {
    "theta-squared": ["learning rate η", "momentum γ", "start θ₀", "critical damping", "seed's setting",
                      "heavy ball (η, γ)", "The first steps of the heavy ball (v₀ = 0)", "|θ_t| on a log scale"],
    "valley": ["condition number κ", "method", "EMA momentum", "optimal tuning", "path over the contour lines of J",
               "loss J(x_t) on a log scale", "worst factor per step"],
    "region": ["momentum γ", "characteristic roots", "stability edge ηλ = 2(1 + γ)", "spectral radius"],
    "eigen": ["spread κ = L/μ", "η, heavy ball", "optimal tuning", "Factor per step in each direction",
              "heavy ball regime", "eigenvalue λ:"],
}


def english_words(text: str) -> list[str]:
    """English words of three or more letters in ``text``, but the allowed names; numbers
    and math (θ_t, g_t, 1e-12, Re r, |1 − ηλ|) have none."""
    return [word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED]


def test_english_words_are_found():
    assert english_words("288 步达到 |θ| ≤ 10⁻⁶；Nesterov 加速梯度，EMA 动量 log g_t v_t 1e-12 Re r") == []
    assert english_words("重球法：not within 100 steps，欠阻尼") == ["not", "within", "steps"]
    assert english_words("optimal tuning") == ["optimal", "tuning"]


def zh_status(status: str) -> str:
    """The Chinese of core.status()'s English phrase (the book's wording)."""
    for pattern, phrase in [(r"(\d+) steps to ", r"\1 步达到"), (r"not within (\d+) steps$", r"\1 步内未达到"),
                            (r"diverged at step (\d+)$", r"在第 \1 步发散")]:
        match = re.match(pattern, status)
        if match:
            return match.expand(phrase)
    raise AssertionError(f"unknown status phrase {status!r}")


def statuses_and_regimes(data, shows_regime: bool = True) -> tuple[list[str], list[str]]:
    """Every ``status`` and every shown ``regime`` string of a read() result (the explorers
    show the heavy ball's regime, not gradient descent's)."""
    statuses, regimes = [], []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "status":
                statuses.append(value)
            elif key == "regime" and shows_regime:
                regimes += value if isinstance(value, list) else [value]
            elif key != "regime":
                more = statuses_and_regimes(value, key != "gradient_descent")
                statuses, regimes = statuses + more[0], regimes + more[1]
    return statuses, regimes


@pytest.fixture
def open_page(browser, chinese_server):
    visits = []

    def open_(path: str, cls=ExplorerVisit) -> ExplorerVisit:
        visits.append(cls(browser, chinese_server, path))
        return visits[-1]

    yield open_
    for visit in visits:
        visit.context.close()


def explorer_text(visit: ExplorerVisit, name: str) -> str:
    return visit.page.locator(f".momentum-explorer[data-explorer='{name}']").evaluate(TEXT_JS)


def english_left(visit: ExplorerVisit, name: str, when: str) -> list[str]:
    words = english_words(explorer_text(visit, name))
    return [f"{name} ({when}): English left: {sorted(set(words))}"] if words else []


@pytest.mark.parametrize("path", list(EXPLORERS))
def test_explorers_speak_chinese_on_the_chinese_page(open_page, path):
    visit = open_page(f"zh/{path}")
    assert visit.page.evaluate("document.documentElement.lang").startswith("zh")
    problems = []
    for name in EXPLORERS[path]:
        root = visit.page.locator(f".momentum-explorer[data-explorer='{name}']")
        problems += english_left(visit, name, "mounted")
        summary = root.locator(".mx-summary")
        assert CJK.search(summary.inner_text()), summary.inner_text()
        # a slider moved with the keyboard, as a reader would, to the end of its range
        before = summary.inner_text()
        slider = root.locator("input[type=range]").first
        slider.focus()
        visit.page.keyboard.press("End")
        assert summary.inner_text() != before
        problems += english_left(visit, name, "slider moved to its end")
        # every status phrase and regime, each shown in the book's words; read() stays English
        seen = set()
        for setting in SETTINGS[name]:
            data = visit.set(name, setting)
            statuses, regimes = statuses_and_regimes(data)
            text = explorer_text(visit, name)
            for status in statuses:
                assert zh_status(status) in text, (name, setting, status, summary.inner_text())
                seen.add(status.split()[0] if status[0].isalpha() else "steps")
            for regime in regimes:
                assert REGIME_ZH[regime] in text, (name, setting, regime)
                seen.add(regime)
            if "method" in setting:
                method_zh = {"gradient descent": "梯度下降", "heavy ball": "重球法", "EMA momentum": "EMA 动量",
                             "Nesterov": "Nesterov 加速梯度"}[setting["method"]]
                assert summary.inner_text().startswith(method_zh + "："), summary.inner_text()
                assert data["settings"]["method"] == setting["method"]
            problems += english_left(visit, name, f"set to {setting}")
        assert {"steps", "not", "diverged"} <= seen, (name, seen)
    # "最优调参" (the chapters' name for the button) sets the theory's tuning
    if "valley" in EXPLORERS[path]:
        root = visit.page.locator(".momentum-explorer[data-explorer='valley']")
        visit.set("valley", {"kappa": 100.0, "method": "heavy ball", "lr": 0.001, "momentum": 0.1, "steps": 500})
        root.get_by_role("button", name="最优调参").click()
        tuned = visit.read("valley")["settings"]
        assert tuned["lr"] == pytest.approx(m.theory.tune_heavy_ball(1.0, 100.0).lr, rel=1e-15)
        assert root.locator("select option:checked").text_content() == "重球法"
    if "eigen" in EXPLORERS[path]:
        visit.page.locator(".momentum-explorer[data-explorer='eigen']").get_by_role("button", name="最优调参").click()
    assert problems == []
    assert visit.problems() == []


def test_theta_squared_status_in_the_books_words(open_page):
    visit = open_page("zh/chapters/04_worked_example.html")
    summary = visit.page.locator(".momentum-explorer[data-explorer='theta-squared'] .mx-summary")
    seed = visit.set("theta-squared", {"lr": 0.1, "momentum": 0.9, "x0": 5})
    steps = seed["heavy_ball"]["steps_to"]
    assert seed["heavy_ball"]["status"] == f"{steps} steps to |θ| ≤ 10⁻⁶"  # read() stays English
    assert summary.inner_text().startswith(f"重球法：{steps} 步达到 |θ| ≤ 10⁻⁶；每步因子（谱半径）")
    assert "欠阻尼" in summary.inner_text()
    visit.set("theta-squared", {"lr": 0.005, "momentum": 0.0, "x0": 5})
    assert "重球法：400 步内未达到；" in summary.inner_text()
    diverged = visit.set("theta-squared", {"lr": 1.2, "momentum": 0.1, "x0": 5})["gradient_descent"]["diverged_at"]
    assert diverged > 0
    assert f"，发散。梯度下降：在第 {diverged} 步发散；" in summary.inner_text()
    assert visit.problems() == []


@pytest.mark.parametrize("path", list(EXPLORERS))
def test_explorers_keep_english_on_the_english_page(open_page, path):
    visit = open_page(path)
    assert visit.page.evaluate("document.documentElement.lang").startswith("en")
    for name in EXPLORERS[path]:
        root = visit.page.locator(f".momentum-explorer[data-explorer='{name}']")
        slider = root.locator("input[type=range]").first
        slider.focus()
        visit.page.keyboard.press("End")
        data = visit.set(name, SETTINGS[name][0])
        text = explorer_text(visit, name)
        assert not CJK.search(text), (name, CJK.findall(text))
        missing = [label for label in ENGLISH[name] if label not in text]
        assert missing == [], (name, missing)
        statuses, regimes = statuses_and_regimes(data)
        assert all(status in text for status in statuses) and all(regime in text for regime in regimes)
    assert visit.problems() == []


class PlantedVisit(ExplorerVisit):
    """A visit whose ui.js lacks the translation of "optimal tuning" (a planted defect)."""

    def _route(self, route) -> None:
        if route.request.url.endswith("/_static/explorers/ui.js"):
            source = (SITE / CHINESE / "_static" / "explorers" / "ui.js").read_text()
            planted = source.replace('"optimal tuning": "最优调参",', "", 1)
            assert planted != source, "the planted defect no longer applies to ui.js"
            route.fulfill(body=planted, content_type="text/javascript")
        else:
            super()._route(route)


def test_a_missing_translation_is_reported(open_page):
    visit = open_page("zh/chapters/01_why_momentum.html", cls=PlantedVisit)
    assert english_left(visit, "valley", "planted") == ["valley (planted): English left: ['optimal', 'tuning']"]
