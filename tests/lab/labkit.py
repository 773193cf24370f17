"""JupyterLab (``make lab``) driven headless: a server on 127.0.0.1 in a temporary copy of
the chapters, and the checks of what a student sees in it.

Each check takes the Playwright page and the id of an open notebook panel and returns a
list of problems, one string each, empty when the notebook is fine. ``test_lab.py`` runs
them on every chapter and on the broken notebooks in ``fixtures/``, which show that each
check can fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
JUPYTER = Path(sys.executable).parent / "jupyter"

# User settings of the test's own JupyterLab: every cell rendered (no windowing, so every
# Markdown cell can be checked), and no announcements (they would fetch news from outside).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """``jupyter lab`` serving ``root`` on a free 127.0.0.1 port with a token, with its own
    (empty) configuration, settings and workspaces under ``state``."""

    def __init__(self, root: Path, state: Path) -> None:
        self.root, self.token, self.port = root, "momentum-lab-test", _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        for name, value in SETTINGS.items():
            (state / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
            (state / "settings" / name).write_text(json.dumps(value))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(state / "config"), JUPYTER_RUNTIME_DIR=str(state / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(state / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"), JUPYTER_PLATFORM_DIRS="1")
        self.log = state / "lab.log"
        command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
                   "--ServerApp.jpserver_extensions={'jupyter_lsp': False}",
                   # no update checks or news from outside; the page exposes `window.jupyterapp`
                   "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{self.base}api/status?token={self.token}", timeout=2)
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"jupyter lab did not start; its log:\n{self.log.read_text()[-3000:]}") from None
                time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"{self.base}lab?token={self.token}"

    def stop(self) -> None:
        """The server and its kernels (one process group); killed if it does not stop in 10 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def copy_notebooks(target: Path) -> Path:
    """The chapters (and the fixtures, in ``fixtures/``) copied to ``target``: the test never
    opens, runs or saves a notebook of the repository. The fixtures get the chapters'
    ``language_info`` (what the kernel reports), so that a fixture differs from a chapter
    only by the defect it plants."""
    shutil.copytree(CHAPTERS, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build"))
    shutil.copytree(FIXTURES, target / "fixtures")
    language_info = json.loads(next(CHAPTERS.glob("[0-9][0-9]_*.ipynb")).read_text())["metadata"]["language_info"]
    for fixture in (target / "fixtures").glob("*.ipynb"):
        notebook = json.loads(fixture.read_text())
        notebook["metadata"]["language_info"] = language_info
        fixture.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return target


# --- driving JupyterLab -----------------------------------------------------------------

_OPEN = """async ([path, shouldStart]) => {
  const widget = await window.jupyterapp.commands.execute('docmanager:open',
                                                          {path, kernelPreference: {shouldStart}});
  await widget.context.ready;
  return widget.id;
}"""

# Per Markdown cell: rendered by jupyterlab-myst (a `.myst` element), not yet rendered, or
# rendered by JupyterLab's own Markdown renderer.
_MARKDOWN_STATE = """(id) => Array.from(document.getElementById(id).querySelectorAll('.jp-MarkdownCell')).map(cell => {
  const myst = cell.querySelector('.myst');
  if (myst) return myst.childElementCount ? 'myst' : 'pending';
  const plain = cell.querySelector('.jp-RenderedMarkdown');
  return plain && plain.childElementCount ? 'plain' : 'pending';
})"""


def open_notebook(page, path: str, kernel: bool = True, timeout_s: float = 60) -> str:
    """Open ``path`` (relative to the server's root) in the page's JupyterLab, starting its
    kernel as JupyterLab does unless ``kernel`` is false (reading only); return the panel's
    DOM id once every Markdown cell has rendered."""
    panel = page.evaluate(_OPEN, [path, kernel])
    deadline = time.monotonic() + timeout_s
    while True:
        states = page.evaluate(_MARKDOWN_STATE, panel)
        if states and "pending" not in states:
            return panel
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: Markdown cells not rendered after {timeout_s:.0f} s: {states}")
        time.sleep(0.2)


def close_notebook(page, panel: str) -> None:
    """Shut the panel's kernel down once it has started (the next notebook gets the CPU) and
    close the panel without saving (the copy is thrown away)."""
    page.evaluate("""async (id) => {
      const widget = window.jupyterapp.shell.widgets('main').find(w => w.id === id);
      if (!widget) return;
      const session = widget.sessionContext;
      const timeout = new Promise(resolve => setTimeout(resolve, 60000));
      await Promise.race([session.ready.then(() => session.shutdown()), timeout]).catch(() => null);
      widget.context.model.dirty = false;
      widget.dispose();
    }""", panel)


# --- checks: what the Markdown cells show ------------------------------------------------

# Visible text of each Markdown cell's rendering outside code and typeset math, with the
# cell's tags (from the notebook model), its solution blocks and their state.
_MARKDOWN_CELLS = """(id) => {
  const panel = window.jupyterapp.shell.widgets('main').find(w => w.id === id);
  const cells = panel.content.widgets;
  const skip = 'pre, code, .katex, .katex-display, script, style';
  return cells.map((cell, index) => {
    if (cell.model.type !== 'markdown') return null;
    const root = cell.node.querySelector('.myst') || cell.node.querySelector('.jp-RenderedMarkdown');
    const parts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.parentElement.closest(skip)) parts.push(walker.currentNode.nodeValue);
    }
    return {index, myst: root.matches('.myst'), tags: cell.model.getMetadata('tags') || [],
            text: parts.join(''), fullText: root.innerText,
            texErrors: root.querySelectorAll('.katex-error').length,
            details: Array.from(root.querySelectorAll('details')).map(d => ({
              open: d.open, summary: (d.querySelector('summary') || {}).innerText || '',
              bodyShown: Array.from(d.children).some(c => c.tagName !== 'SUMMARY' && c.checkVisibility())}))};
  }).filter(cell => cell);
}"""

# What must never reach a reader as text: MyST and Markdown syntax, raw TeX.
RAW_SYNTAX = {
    "MyST directive fence": r":::|```|~~~",
    "MyST role": r"\{[A-Za-z][\w:.-]*\}",
    "raw $ (untypeset TeX)": r"\$",
    "raw TeX command": r"\\[A-Za-z]+",
    "literal ** (Markdown bold left raw)": r"\*\*",
}
# jupyterlab-myst shows a directive it does not know as a box titled "NAME - Unknown Directive".
UNKNOWN_DIRECTIVE = r"(\S+) - Unknown Directive"
# The book's own directive for the website's live explorers (_ext/explorers.py): in JupyterLab
# the chapters' ipywidgets cells play that part, and the box shows (README, known limits).
WEBSITE_ONLY_DIRECTIVES = {"explorer"}
# A glued value ({glue:text}`key:format`) that shows as its key instead of the value.
GLUE_KEY = r"\bch\d+_\w+(?::[^\s,;)]*)?"


def markdown_cells(page, panel: str) -> list[dict]:
    return page.evaluate(_MARKDOWN_CELLS, panel)


def markdown_problems(cells: list[dict]) -> list[str]:
    """Every Markdown cell rendered by jupyterlab-myst, with no raw syntax and no TeX error."""
    problems = []
    for cell in cells:
        where = f"cell {cell['index']}"
        if not cell["myst"]:
            problems.append(f"{where}: not rendered by jupyterlab-myst")
        for name, pattern in RAW_SYNTAX.items():
            for match in re.finditer(pattern, cell["text"]):
                context = " ".join(cell["text"][max(0, match.start() - 40): match.end() + 40].split())
                problems.append(f"{where}: {name}: …{context}…")
        for match in re.finditer(UNKNOWN_DIRECTIVE, cell["fullText"]):
            if match.group(1) not in WEBSITE_ONLY_DIRECTIVES:
                problems.append(f"{where}: MyST error: {match.group()}")
        if cell["texErrors"]:
            problems.append(f"{where}: {cell['texErrors']} math elements with a TeX error")
    return problems


def solution_problems(cells: list[dict]) -> list[str]:
    """Every cell tagged "solution" holds one folded solution (a closed <details> whose
    summary names the solution and whose body is hidden); every cell tagged "exercise"
    shows an exercise title."""
    problems = []
    for cell in cells:
        where = f"cell {cell['index']}"
        if "solution" in cell["tags"]:
            solutions = [d for d in cell["details"] if d["summary"].strip().startswith("Solution")]
            if len(solutions) != 1:
                problems.append(f"{where}: tagged solution but {len(solutions)} foldable solution blocks")
            problems += [f"{where}: solution unfolded by default" for d in solutions if d["open"] or d["bodyShown"]]
        if "exercise" in cell["tags"] and not re.match(r"\s*Exercise\s*\d+", cell["text"]):
            problems.append(f"{where}: tagged exercise but shows no exercise title: {cell['text'][:60]!r}")
    return problems


def glue_problems(cells: list[dict]) -> list[str]:
    """Glued values ({glue:text}) that show as their key (e.g. 'ch4_rho:.3f')."""
    return [f"cell {cell['index']}: glue key shown instead of its value: {match.group()}"
            for cell in cells for match in re.finditer(GLUE_KEY, cell["text"])]


# --- running a notebook and moving a slider ---------------------------------------------------

def run_all(page, panel: str, timeout_s: float = 240) -> bool:
    """Run every cell (Run → Run All Cells) and wait for the end; true if no cell failed."""
    page.evaluate("""(id) => {
      window.jupyterapp.shell.activateById(id);
      window._labTestRun = {done: false};
      window.jupyterapp.commands.execute('notebook:run-all-cells')
        .then(ok => { window._labTestRun = {done: true, ok}; },
              () => { window._labTestRun = {done: true, ok: false}; });
    }""", panel)
    page.wait_for_function("() => window._labTestRun.done", timeout=timeout_s * 1000)
    return page.evaluate("() => window._labTestRun.ok")


def slider_problems(page, panel: str, timeout_s: float = 30) -> list[str]:
    """Move the first slider of the notebook's first ipywidgets `interact` one step to the
    right (keyboard, on the focused handle) and check that its plot is drawn again: the
    output image changes."""
    explorer = page.locator(f"#{panel} .widget-interact").first
    image = explorer.locator(".jp-OutputArea-output img")
    try:
        image.wait_for(timeout=timeout_s * 1000)
    except Exception:
        return ["no ipywidgets interact with a plot"]
    before_src, readout = image.get_attribute("src"), explorer.locator(".widget-readout").first
    before = readout.inner_text().strip()
    handle = explorer.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    problems = []
    if readout.inner_text().strip() == before:
        problems.append(f"the slider did not move (readout {before})")
    try:
        page.wait_for_function("""([panel, before]) => {
          const img = document.querySelector(`#${panel} .widget-interact .jp-OutputArea-output img`);
          // a drawn image (not the empty one that exists while an output is replaced), changed
          return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('data:') && img.src !== before;
        }""", arg=[panel, before_src], timeout=timeout_s * 1000)
    except Exception:
        problems.append(f"the plot was not redrawn within {timeout_s:.0f} s of moving the slider")
    return problems
