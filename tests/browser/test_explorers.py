"""The live explorers (``{explorer}`` directive, ``assets/explorers``) in headless Chromium, offline.

Each explorer is set to at least 20 settings (random with a fixed seed, plus the seed's
setting, critical damping, the edge of the stability region and divergent ones) through
its documented API (``window.momentumExplorers[name].set/read``, see ``core.js``) and,
for some, through its real controls; the numbers the page computed are compared with
``momentum.run`` and ``momentum.theory`` for the same settings: trajectories to 1e-12
relative (both float64), steps to tolerance, regime labels and divergence steps exactly.
Also: keyboard operation, the 390-px layout, dark mode (screenshots in
``test-artifacts/``), no console errors or outside requests, and that ``core.js``
carries the formula comments of the package's update rules.

An explorer is tested on the chapter page that embeds it; one that no page of the site
embeds yet is tested on a page made of the site's own explorer files (``HARNESS``), and
``test_explorers_are_embedded`` names the pages where each must appear.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from urllib.parse import urljoin

import numpy as np
import pytest
from conftest import PageVisit
from sites import ARTIFACTS, ROOT, SITE

import momentum as m
from momentum import optimizers

_spec = importlib.util.spec_from_file_location("explorers_ext", ROOT / "_ext" / "explorers.py")
EXT = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(EXT)

PAGES = {"theta-squared": ["chapters/04_worked_example.html"],
         "valley": ["chapters/01_why_momentum.html", "chapters/07_comparisons.html"],
         "region": ["chapters/05_theory.html"], "eigen": ["chapters/05_theory.html"]}
HARNESS = "explorer-harness.html"
RTOL = 1e-12


def harness_html() -> str:
    """A page with every explorer, loading the site's files in the order the extension does."""
    scripts = [f"_static/d3/{name}.min.js" for name in EXT.D3_MODULES]
    scripts += [f"_static/explorers/{name}" for name in ["core.js", "ui.js", *EXT.EXPLORERS.values()]]
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>explorers</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            + "".join(f"<script defer src='{src}'></script>" for src in scripts)
            + "<link rel='stylesheet' href='_static/explorers/explorers.css'></head><body><main>"
            + "".join(f"<div class='momentum-explorer' data-explorer='{name}'></div>" for name in EXT.EXPLORERS)
            + "</main></body></html>")


def page_with(name: str) -> str:
    """The first page of the built site that embeds explorer ``name``, else the harness."""
    for path in PAGES[name]:
        html = SITE / path
        if html.exists() and f'data-explorer="{name}"' in html.read_text():
            return path
    return HARNESS


class ExplorerVisit(PageVisit):
    """A :class:`PageVisit` (of the site, or of the harness page served in place) that waits
    until every explorer of the page is mounted."""

    def __init__(self, browser, server: str, path: str, width: int = 1280, mode: str = "light") -> None:
        super().__init__(browser, server, path, width, mode)
        # The site loads explorer files only when the reader scrolls near one (loader.js).
        self.page.evaluate("() => document.querySelectorAll('.momentum-explorer').forEach(e => e.scrollIntoView())")
        self.page.wait_for_function("""() => { const all = document.querySelectorAll('.momentum-explorer');
            return all.length > 0 && Array.from(all).every(e => e.dataset.ready === 'true'); }""")

    def _route(self, route) -> None:
        if route.request.url == urljoin(self.server, HARNESS):
            route.fulfill(body=harness_html(), content_type="text/html")
        else:
            super()._route(route)

    def set(self, name: str, values: dict) -> dict:
        return self.page.evaluate("([name, values]) => window.momentumExplorers[name].set(values)", [name, values])

    def read(self, name: str) -> dict:
        return self.page.evaluate("(name) => window.momentumExplorers[name].read()", name)

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.errors] + [f"failed request: {f}" for f in self.failed]
                + [f"request outside the site: {b}" for b in self.blocked])


@pytest.fixture
def open_page(browser, server):
    visits = []

    def open_(path: str, width: int = 1280, mode: str = "light") -> ExplorerVisit:
        visits.append(ExplorerVisit(browser, server, path, width, mode))
        return visits[-1]

    yield open_
    for visit in visits:
        visit.context.close()


# --- comparison helpers ---------------------------------------------------------------------

def relative_difference(js, py) -> float:
    """Largest per-step difference relative to the package's value at that step (vector norm
    over the parameters); 0 where both are exactly zero."""
    js, py = np.asarray(js, dtype=float), np.asarray(py, dtype=float)
    assert js.shape == py.shape, f"shapes differ: page {js.shape}, package {py.shape}"
    if js.size == 0:
        return 0.0
    diff, scale = js - py, np.abs(py)
    if js.ndim > 1:
        diff, scale = np.linalg.norm(diff, axis=-1), np.linalg.norm(py, axis=-1)
    diff = np.abs(diff)
    return float(np.max(np.where(diff == 0, 0.0, diff / np.where(scale == 0, np.inf, scale)), initial=0.0))


def compare_run(js: dict, run: m.trajectory.Trajectory, tol: float, keys=("params", "velocity")) -> float:
    """Check one run of the page against the package's run (on_divergence="mark"): the same
    divergence step, the iterates up to it, steps to ``tol``. Returns the largest relative
    difference."""
    diverged = int(run.diverged_at)
    assert js["diverged_at"] == diverged
    count = diverged if diverged >= 0 else run.params.shape[0]
    worst = 0.0
    for key in keys:
        worst = max(worst, relative_difference(js[key], getattr(run, key)[:count]))
    assert js["steps_to"] == int(run.steps_to(tol))
    return worst


def check(worst: float, name: str, settings: list) -> None:
    print(f"{name}: {len(settings)} settings, largest relative difference {worst:.3g}")
    assert len(settings) >= 20
    assert worst <= RTOL


# --- the settings ---------------------------------------------------------------------------

def theta_settings() -> list[dict]:
    rng = np.random.default_rng(14)
    settings = [
        {"lr": 0.1, "momentum": 0.9, "x0": 5.0},                                   # the seed's setting
        {"lr": 0.1, "momentum": float(m.theory.critical_momentum(0.1, 2.0)), "x0": 5.0},  # critical damping
        {"lr": 1.1, "momentum": 0.1, "x0": 5.0},             # on the stability edge ηλ = 2(1 + γ)
        {"lr": 1.1 - 1e-9, "momentum": 0.1, "x0": 5.0},      # just inside
        {"lr": 1.2, "momentum": 0.0, "x0": 10.0},            # divergent (|1 − 2η| = 1.4)
        {"lr": 0.5, "momentum": 0.0, "x0": 5.0},             # one step to the minimum
        {"lr": 0.5, "momentum": 0.5, "x0": -3.0},
    ]
    for _ in range(18):
        settings.append({"lr": float(rng.uniform(0.005, 1.2)), "momentum": float(rng.uniform(0, 0.99)),
                         "x0": float(rng.uniform(-10, 10))})
    return settings


METHODS = {"gradient descent": lambda lr, g: m.GradientDescent(lr), "heavy ball": m.HeavyBall,
           "EMA momentum": m.EMAMomentum, "Nesterov": m.Nesterov}


def valley_settings() -> list[dict]:
    rng = np.random.default_rng(141)
    hb50 = m.theory.tune_heavy_ball(1.0, 50.0)
    settings = [
        {"kappa": 50.0, "method": "heavy ball", "lr": hb50.lr, "momentum": hb50.momentum, "steps": 500},  # chapter 1
        {"kappa": 100.0, "method": "heavy ball", "lr": 0.01, "momentum": float(m.theory.critical_momentum(0.01, 1.0)),
         "steps": 1000},                                                              # critical damping of μ
        {"kappa": 100.0, "method": "heavy ball", "lr": 2 * 1.5 / 100.0, "momentum": 0.5, "steps": 500},  # edge
        {"kappa": 100.0, "method": "gradient descent", "lr": 0.03, "momentum": 0.0, "steps": 500},  # divergent
        {"kappa": 1000.0, "method": "Nesterov", "lr": 0.003, "momentum": 0.9, "steps": 2000},        # divergent
        {"kappa": 1.0, "method": "EMA momentum", "lr": 0.5, "momentum": 0.3, "steps": 100},
    ]
    names = list(METHODS)
    for _ in range(18):
        kappa = float(10 ** rng.uniform(0, 3))
        settings.append({"kappa": kappa, "method": names[rng.integers(4)],
                         "lr": float(10 ** rng.uniform(-4, np.log10(4 / kappa))),
                         "momentum": float(rng.uniform(0, 0.99)), "steps": int(rng.integers(1, 201)) * 10})
    return settings


def region_settings() -> list[dict]:
    rng = np.random.default_rng(142)
    settings = [
        {"eta_lambda": 0.2, "momentum": 0.9},                                       # the seed's ηλ = 2 · 0.1
        {"eta_lambda": 0.2, "momentum": float(m.theory.critical_momentum(0.2, 1.0))},   # critical damping
        {"eta_lambda": 1.5, "momentum": float(m.theory.critical_momentum(1.5, 1.0))},   # critical, ηλ > 1
        {"eta_lambda": 2 * (1 + 0.25), "momentum": 0.25},                            # on the stability edge
        {"eta_lambda": 2 * (1 + 0.25) + 1e-6, "momentum": 0.25},                     # just outside
        {"eta_lambda": (1 - np.sqrt(0.64)) ** 2, "momentum": 0.64},                  # edge of the complex region
        {"eta_lambda": 4.2, "momentum": 0.0},                                        # divergent
    ]
    for _ in range(18):
        settings.append({"eta_lambda": float(rng.uniform(0.01, 4.2)), "momentum": float(rng.uniform(0, 0.99))})
    return settings


def eigen_settings() -> list[dict]:
    rng = np.random.default_rng(143)
    settings = []
    for kappa in (100.0, 10.0, 1000.0):                                           # tuned; 100 is chapter 5's
        gd, hb = m.theory.tune_gradient_descent(1.0, kappa), m.theory.tune_heavy_ball(1.0, kappa)
        settings.append({"kappa": kappa, "lr_gd": gd.lr, "lr": hb.lr, "momentum": hb.momentum})
    settings += [
        {"kappa": 100.0, "lr_gd": 0.01, "lr": 0.01, "momentum": float(m.theory.critical_momentum(0.01, 1.0))},
        {"kappa": 100.0, "lr_gd": 0.02, "lr": 2 * 1.6 / 100, "momentum": 0.6},      # top eigenvalue on the edge
        {"kappa": 100.0, "lr_gd": 0.025, "lr": 0.05, "momentum": 0.2},              # both divergent
    ]
    for _ in range(16):
        kappa = float(10 ** rng.uniform(0, 3))
        settings.append({"kappa": kappa, "lr_gd": float(10 ** rng.uniform(-4, np.log10(2.5 / kappa))),
                         "lr": float(10 ** rng.uniform(-4, np.log10(5 / kappa))),
                         "momentum": float(rng.uniform(0, 0.99))})
    return settings


# --- numbers against the package --------------------------------------------------------------

def test_theta_squared_agrees_with_the_package(open_page):
    visit = open_page(page_with("theta-squared"))
    problem, worst, settings = m.problems.Parabola(), 0.0, theta_settings()
    regimes = set()
    for setting in settings:
        js = visit.set("theta-squared", setting)
        lr, gamma, x0, steps = setting["lr"], setting["momentum"], setting["x0"], js["settings"]["steps"]
        assert js["settings"] == {**setting, "curvature": 2.0, "steps": steps, "tol": 1e-6}
        for key, optimizer, momentum in [("heavy_ball", m.HeavyBall(lr, gamma), gamma),
                                         ("gradient_descent", m.GradientDescent(lr), 0.0)]:
            run = m.run(optimizer, problem, x0, steps, on_divergence="mark")
            worst = max(worst, compare_run(js[key], run, 1e-6))
            count = len(js[key]["params"])
            worst = max(worst, relative_difference(js[key]["gradients"][:count - 1],
                                                   problem.grad(run.params[:count - 1])))
            worst = max(worst, relative_difference(js[key]["spectral_radius"],
                                                   m.theory.spectral_radius(lr, momentum, 2.0)))
            assert js[key]["regime"] == m.theory.regime(lr, momentum, 2.0)
            regimes.add(js[key]["regime"])
        rows = np.array(js["table"])
        hb = m.run(m.HeavyBall(lr, gamma), problem, x0, len(rows) - 1, on_divergence="mark")
        assert rows[:, 0].tolist() == list(range(len(rows)))
        worst = max(worst, relative_difference(rows[:, 1:], np.stack([problem.grad(hb.params), hb.velocity,
                                                                      hb.params], axis=1)))
    assert regimes == set(m.theory.REGIMES)
    check(worst, "theta-squared", settings)
    # the seed's setting: the hand computation of chapter 4, and the chapter's counts
    seed = visit.set("theta-squared", settings[0])
    assert [round(row[3], 4) for row in seed["table"][:4]] == [5.0, 4.0, 2.3, 0.31]
    assert [round(row[2], 4) for row in seed["table"][:4]] == [0.0, 1.0, 1.7, 1.99]
    shown = visit.page.locator(".momentum-explorer[data-explorer='theta-squared'] tbody tr")
    assert [shown.nth(t).locator("td").nth(3).inner_text() for t in range(4)] == ["5", "4", "2.3", "0.31"]
    summary = visit.page.locator(".momentum-explorer[data-explorer='theta-squared'] .mx-summary").inner_text()
    assert f"{seed['heavy_ball']['steps_to']} steps" in summary and "under-damped" in summary
    diverged = visit.set("theta-squared", settings[4])["heavy_ball"]["diverged_at"]
    assert diverged > 0
    assert f"diverged at step {diverged}" in visit.page.locator(
        ".momentum-explorer[data-explorer='theta-squared'] .mx-summary").inner_text()
    assert visit.problems() == []


def test_valley_agrees_with_the_package(open_page):
    visit = open_page(page_with("valley"))
    worst, settings, divergent = 0.0, valley_settings(), 0
    for setting in settings:
        js = visit.set("valley", setting)
        kappa, method = setting["kappa"], setting["method"]
        lr, gamma = setting["lr"], 0.0 if method == "gradient descent" else setting["momentum"]
        valley = m.problems.Quadratic.from_eigenvalues([1.0, kappa], m.problems.rotation_2d(np.pi / 6))
        worst = max(worst, relative_difference(js["A"], valley.A))
        optimizer = METHODS[method](lr, gamma)
        run = m.run(optimizer, valley, [-4.0, -1.5], setting["steps"], on_divergence="mark")
        worst = max(worst, compare_run(js, run, 1e-6, keys=("params", "velocity", "loss")))
        rate = m.theory.convergence_rate(optimizer, np.array([1.0, kappa]))
        worst = max(worst, relative_difference(js["rate"], rate))
        divergent += js["diverged_at"] >= 0
    assert divergent >= 2
    check(worst, "valley", settings)
    # the chapter's numbers, and the "optimal tuning" button for each method and κ
    assert visit.set("valley", settings[0])["steps_to"] == int(m.run(
        m.HeavyBall(settings[0]["lr"], settings[0]["momentum"]),
        m.problems.Quadratic.from_eigenvalues([1.0, 50.0], m.problems.rotation_2d(np.pi / 6)),
        [-4.0, -1.5], 1000).steps_to(1e-6))
    root = visit.page.locator(".momentum-explorer[data-explorer='valley']")
    for kappa in (50.0, 1000.0):
        hb = m.theory.tune_heavy_ball(1.0, kappa)
        expected = {"gradient descent": (m.theory.tune_gradient_descent(1.0, kappa).lr, 0.0),
                    "heavy ball": (hb.lr, hb.momentum),
                    "EMA momentum": (lambda e: (e.lr, e.beta))(m.convert(m.HeavyBall(hb.lr, hb.momentum),
                                                                         m.EMAMomentum)),
                    "Nesterov": tuple(m.theory.tune_nesterov(1.0, kappa)[:2])}
        for method, (lr, gamma) in expected.items():
            visit.set("valley", {"kappa": kappa, "method": method, "lr": 0.001, "momentum": 0.1, "steps": 500})
            root.get_by_role("button", name="optimal tuning").click()
            js = visit.read("valley")
            assert js["settings"]["lr"] == pytest.approx(lr, rel=1e-15)
            assert js["settings"]["momentum"] == pytest.approx(gamma, rel=1e-15, abs=0)
    assert visit.problems() == []


def test_region_agrees_with_the_package(open_page):
    visit = open_page(page_with("region"))
    worst, settings, regimes = 0.0, region_settings(), set()
    for setting in settings:
        js = visit.set("region", setting)
        h, gamma = setting["eta_lambda"], setting["momentum"]
        r1, r2 = m.theory.characteristic_roots(h, gamma, 1.0)
        page_roots = np.array(js["roots"])
        expected = np.array([[r1.real, r1.imag], [r2.real, r2.imag]])
        worst = max(worst, float(np.max(np.abs(page_roots - expected)) / np.max(np.abs(expected))))
        worst = max(worst, relative_difference(js["spectral_radius"], m.theory.spectral_radius(h, gamma, 1.0)))
        assert js["regime"] == m.theory.regime(h, gamma, 1.0)
        regimes.add(js["regime"])
        run = m.run(m.HeavyBall(h, gamma), m.problems.Parabola(1.0), 1.0, js["settings"]["steps"],
                    on_divergence="mark")
        worst = max(worst, compare_run(js, run, 1e-6))
    assert regimes == set(m.theory.REGIMES)
    assert any(visit.set("region", s)["diverged_at"] > 0 for s in settings)
    check(worst, "region", settings)
    # dragging the point moves the setting to where it was dropped
    plane = visit.page.locator(".momentum-explorer[data-explorer='region'] svg.mx-chart").first
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    moved = visit.read("region")["settings"]
    assert 1.5 < moved["eta_lambda"] < 2.7 and 0.3 < moved["momentum"] < 0.7
    assert visit.problems() == []


def test_eigen_agrees_with_the_package(open_page):
    visit = open_page(page_with("eigen"))
    worst, settings = 0.0, eigen_settings()
    for setting in settings:
        js = visit.set("eigen", setting)
        eigenvalues = np.array(js["eigenvalues"])
        worst = max(worst, relative_difference(eigenvalues, np.geomspace(1.0, setting["kappa"], 10)) / 10)
        problem = m.problems.Quadratic.from_eigenvalues(eigenvalues)
        tol = 1e-6 * np.linalg.norm(np.ones(10))
        assert js["settings"]["tol"] == pytest.approx(tol, rel=1e-15)
        for key, lr, gamma in [("gradient_descent", setting["lr_gd"], 0.0),
                               ("heavy_ball", setting["lr"], setting["momentum"])]:
            optimizer = m.GradientDescent(lr) if gamma == 0.0 else m.HeavyBall(lr, gamma)
            run = m.run(optimizer, problem, np.ones(10), js["settings"]["steps"], on_divergence="mark")
            worst = max(worst, compare_run(js[key], run, js["settings"]["tol"], keys=("params",)))
            worst = max(worst, relative_difference(js[key]["spectral_radius"],
                                                   m.theory.spectral_radius(lr, gamma, eigenvalues)))
            assert js[key]["regime"] == m.theory.regime(lr, gamma, eigenvalues).tolist()
    check(worst, "eigen", settings)
    # chapter 5's spectrum and tuning at the start
    seed = visit.set("eigen", settings[0])
    assert seed["eigenvalues"] == pytest.approx(np.geomspace(1.0, 100.0, 10), rel=1e-15)
    assert visit.problems() == []


# --- the page a reader sees ----------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXT.EXPLORERS))
def test_explorers_are_embedded(name):
    """Each explorer is on the chapter pages that discuss it, and only pages with an explorer
    load the explorer files."""
    missing = [path for path in PAGES[name] if f'data-explorer="{name}"' not in (SITE / path).read_text()]
    assert missing == [], f"explorer {name} is missing from {missing}"


def loader_scripts(text: str) -> list[str]:
    """The files a built page's explorer loader fetches (its data-scripts), in order."""
    found = re.findall(r'<script[^>]*data-scripts="([^"]*)"[^>]*src="[^"]*explorers/loader\.js', text)
    found += re.findall(r'<script[^>]*src="[^"]*explorers/loader\.js[^"]*"[^>]*data-scripts="([^"]*)"', text)
    return found[0].split() if found else []


def test_only_pages_with_an_explorer_load_its_files():
    for html in sorted(SITE.glob("chapters/*.html")):
        text = html.read_text()
        names = set(re.findall(r'data-explorer="([\w-]+)"', text))
        scripts = loader_scripts(text)
        assert ("explorers/loader.js" in text) == bool(names), html.name
        assert "_static/d3/" not in text and "_static/explorers/core.js" not in text, html.name  # only via the loader
        if names:
            assert scripts == EXT.page_scripts(sorted(names, key=list(EXT.EXPLORERS).index)), html.name


def test_explorer_files_load_only_when_the_reader_comes_near(browser, server):
    """Chapter 5's two explorers sit far down the page: its cold load fetches no d3 and no
    explorer module; scrolling to the first explorer loads and mounts both."""
    visit = PageVisit(browser, server, PAGES["region"][0])
    try:
        fetched = visit.page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
        assert not [url for url in fetched if "/_static/d3/" in url or url.endswith("core.js")], fetched
        visit.page.locator(".momentum-explorer").first.scroll_into_view_if_needed()
        visit.page.wait_for_function("""() => Array.from(document.querySelectorAll('.momentum-explorer'))
            .every(e => e.dataset.ready === 'true')""")
        assert visit.errors == [] and visit.failed == [] and visit.blocked == []
    finally:
        visit.close()


@pytest.mark.parametrize("name", ["theta-squared", "valley"])
def test_keyboard_moves_a_slider_and_the_plot(open_page, name):
    visit = open_page(page_with(name))
    root = visit.page.locator(f".momentum-explorer[data-explorer='{name}']")
    before = visit.read(name)
    path_before = root.locator("path.mx-c1").first.get_attribute("d")
    slider = root.locator("input[type=range][data-control=momentum]")
    slider.focus()
    visit.page.keyboard.press("ArrowRight")
    after = visit.read(name)
    assert after["settings"]["momentum"] == pytest.approx(round(before["settings"]["momentum"], 2) + 0.01, abs=1e-9)
    assert root.locator("input[data-control=momentum] + output").inner_text() == str(after["settings"]["momentum"])
    assert root.locator("path.mx-c1").first.get_attribute("d") != path_before
    assert visit.problems() == []


@pytest.mark.parametrize("name", list(EXT.EXPLORERS))
def test_explorer_fits_a_phone(open_page, name):
    visit = open_page(page_with(name), width=390)
    page = visit.page
    root = page.locator(f".momentum-explorer[data-explorer='{name}']")
    root.scroll_into_view_if_needed()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    box = root.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    for chart in root.locator("svg.mx-chart").all():
        chart_box = chart.bounding_box()
        assert chart_box["x"] >= box["x"] - 1 and chart_box["x"] + chart_box["width"] <= box["x"] + box["width"] + 1
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / f"explorer-{name}-390.png"))
    assert visit.problems() == []


@pytest.mark.parametrize("name", list(EXT.EXPLORERS))
def test_explorer_in_dark_mode(open_page, name):
    path = page_with(name)
    visit = open_page(path, mode="dark")
    page = visit.page
    if path != HARNESS:
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    else:  # the harness has no theme: set the attribute the theme sets
        page.evaluate("() => { document.documentElement.dataset.theme = 'dark';"
                      " document.body.style.background = '#121212'; document.body.style.color = '#ced6dd'; }")
    root = page.locator(f".momentum-explorer[data-explorer='{name}']")
    # text and axes are drawn in the theme's light text colour on the dark background
    colours = page.evaluate("""(root) => [getComputedStyle(root).color,
        getComputedStyle(root.querySelector('.mx-axis text')).fill,
        getComputedStyle(root.querySelector('.mx-title')).fill]""", root.element_handle())
    for colour in colours:
        r, g, b = (int(x) for x in re.findall(r"\d+", colour)[:3])
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 150, f"dark text in dark mode: {colours}"
    ARTIFACTS.mkdir(exist_ok=True)
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(ARTIFACTS / f"explorer-{name}-dark.png"))
    assert visit.problems() == []


def test_explorers_are_hidden_in_print(open_page):
    visit = open_page(page_with("theta-squared"))
    visit.page.emulate_media(media="print")
    assert visit.page.locator(".momentum-explorer").first.is_hidden()


# --- the core mirrors the package ------------------------------------------------------------

CORE = ROOT / "assets" / "explorers" / "core.js"


def python_comments(function) -> list[str]:
    return [c.strip() for c in re.findall(r"#\s*(.*)$", inspect.getsource(function), flags=re.M)]


def js_comments(source: str, function: str, method: str) -> list[str]:
    """The // comments of ``method`` inside ``function name(...)`` of core.js."""
    body = re.search(rf"\n  function {function}\(.*?\n  }}\n", source, flags=re.S)
    assert body, f"core.js has no function {function}"
    block = re.search(rf"\n      {method}\(.*?\n      }},?\n", body.group(0), flags=re.S)
    assert block, f"core.js: {function} has no {method}"
    return [c.strip() for c in re.findall(r"//\s*(.*)$", block.group(0), flags=re.M)]


def core_comments(source: str) -> dict[str, list[str]]:
    return {"GradientDescent": js_comments(source, "gradientDescent", "update"),
            "HeavyBall": js_comments(source, "heavyBall", "update"),
            "EMAMomentum": js_comments(source, "emaMomentum", "update"),
            "Nesterov": js_comments(source, "nesterov", "gradientPoint")}


def package_comments() -> dict[str, list[str]]:
    return {"GradientDescent": python_comments(optimizers.GradientDescent._update),
            "HeavyBall": python_comments(optimizers.HeavyBall._update),
            "EMAMomentum": python_comments(optimizers.EMAMomentum._update),
            "Nesterov": python_comments(optimizers.Nesterov._gradient_point)}


def test_core_carries_the_package_formulas():
    """Each update of core.js has the formula comments of the package's ``_update`` (and
    Nesterov's look-ahead point), in the same order; Nesterov reuses the heavy ball's update."""
    source = CORE.read_text()
    assert core_comments(source) == package_comments()
    assert optimizers.Nesterov._update is optimizers.HeavyBall._update
    assert re.search(r"update: same\.update, // _update = HeavyBall\._update", source)


def test_core_comment_check_can_fail():
    planted = CORE.read_text().replace("// v ← γ v", "// v ← β v", 1)
    assert core_comments(planted) != package_comments()


def test_core_is_documented():
    """The test API is documented at the top of core.js and in the README."""
    head = CORE.read_text()[:3000]
    assert "window.momentumExplorers[name]" in head and ".set(" in head and ".read()" in head
    readme = (ROOT / "README.md").read_text()
    assert "momentumExplorers" in readme and "assets/explorers" in readme


def test_page_weight_of_the_explorers():
    """Explorer code plus library add at most 300 KB (uncompressed) to a page."""
    d3 = sum((SITE / "_static" / "d3" / f"{name}.min.js").stat().st_size for name in EXT.D3_MODULES)
    explorers = SITE / "_static" / "explorers"
    shared = sum((explorers / name).stat().st_size for name in ["core.js", "ui.js", "explorers.css"])
    modules = [(explorers / name).stat().st_size for name in EXT.EXPLORERS.values()]
    heaviest_page = d3 + shared + sum(sorted(modules)[-2:])  # chapter 5 has two explorers
    print(f"d3 {d3} B, core + ui + css {shared} B, modules {modules} B: at most {heaviest_page} B per page")
    assert heaviest_page <= 300_000
