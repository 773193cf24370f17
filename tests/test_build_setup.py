"""The build's set-up and recovery (issue 11, items 12 and 13), checked without a build.

Each test runs the real Makefile (or tools/build_book.py) in a temporary folder holding
copies of the few files make looks at, with fake tools where a real one would install
or build something: no network, no venv, no book build.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import textwrap
import traceback
import types
from pathlib import Path

import build_book  # tools/ (pytest's pythonpath)
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

MAKE = shutil.which("make")
# The file the npm rule copies (the math assets): the target whose prerequisite is assets/package.json.
_RULE = re.search(r"^\$\((\w+)\):\s*assets/package\.json", (ROOT / "Makefile").read_text(), re.MULTILINE)
NPM_MADE = re.search(rf"^{_RULE[1]}\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)[1]
BASE_PYTHON = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the Makefile and the files its rules depend on."""
    for name in ["Makefile", "pyproject.toml", "constraints.txt", "_config.yml", "assets/package.json",
                 "assets/package-lock.json", "tools/build_book.py", "tools/build_slides.py", "references.bib"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def fake_tool(folder: Path, name: str, script: str) -> Path:
    """An executable shell script ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    path.chmod(0o755)
    return path


def tools_folder(tmp_path: Path, *, python: str | None = "real", npm: bool = True, node: bool = True) -> Path:
    """A PATH folder with only what the test gives it. ``python``: "real" (a python3 that
    records, and refuses, any attempt to create a venv: the set-up must not start),
    "old" (a Python 3.9) or None (no python3 at all)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    if python == "real":
        fake_tool(bin_, "python3", f"""\
            if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then : > "{tmp_path}/venv-attempted"; exit 1; fi
            exec "{BASE_PYTHON}" "$@"
            """)
    elif python == "old":
        fake_tool(bin_, "python3", """\
            if [ "$1" = "--version" ]; then echo "Python 3.9.2"; exit 0; fi
            exit 1
            """)
    if npm:
        fake_tool(bin_, "npm", "exit 0\n")
    if node:
        fake_tool(bin_, "node", "exit 0\n")
    return bin_


def make(project: Path, *args: str, path: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MAKEFLAGS": "", "MAKELEVEL": ""}
    if path is not None:
        env["PATH"] = str(path)
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=60)


# --- item 12: tools checked first, with a remedy ---------------------------------------
def test_missing_npm_fails_before_any_set_up_with_a_remedy(project, tmp_path):
    done = make(project, "book", path=tools_folder(tmp_path, npm=False))
    assert done.returncode != 0
    assert "npm not found" in done.stderr and "apt-get install npm" in done.stderr
    assert not (tmp_path / "venv-attempted").exists() and not (project / ".venv").exists()


def test_missing_node_fails_first_with_a_remedy(project, tmp_path):
    done = make(project, "book", path=tools_folder(tmp_path, node=False))
    assert done.returncode != 0
    assert "node not found" in done.stderr and "apt-get install nodejs" in done.stderr
    assert not (tmp_path / "venv-attempted").exists()


def test_missing_npm_is_fine_once_the_npm_files_are_copied(project, tmp_path):
    """npm is needed for the copy from the npm package only: with the copy in place
    (newer than the npm manifests) the check passes and the set-up starts."""
    copied = project / NPM_MADE
    copied.parent.mkdir(parents=True)
    copied.write_text("")
    done = make(project, "book", path=tools_folder(tmp_path, npm=False))
    assert "npm not found" not in done.stderr
    assert (tmp_path / "venv-attempted").exists()  # got as far as creating the venv


@pytest.mark.parametrize(("python", "message"), [(None, "python3 not found"), ("old", "python3 is Python 3.9.2")])
def test_missing_or_old_python_fails_first_with_a_remedy(project, tmp_path, python, message):
    done = make(project, "book", path=tools_folder(tmp_path, python=python))
    assert done.returncode != 0
    assert message in done.stderr and "Python >= 3.11" in done.stderr
    assert not (project / ".venv").exists()


# --- item 12: a venv whose Python is gone is rebuilt ---------------------------------
def stamp_everything(project: Path) -> None:
    """Set-up stamps (today's names and the old single one) and the copy from the npm
    package, all newer than what they are made from: make would consider the set-up done."""
    copied = project / NPM_MADE
    copied.parent.mkdir(parents=True)
    copied.write_text("")
    (project / ".venv").mkdir(exist_ok=True)
    for stamp in [".book-setup-done", ".test-setup-done", ".lab-setup-done", ".setup-done"]:
        (project / ".venv" / stamp).touch()


def test_venv_with_a_dangling_python_is_rebuilt(project):
    (project / ".venv/bin").mkdir(parents=True)
    (project / ".venv/bin/python").symlink_to("/nonexistent/python3.11")
    stamp_everything(project)
    done = make(project, "-n", "book")
    assert done.returncode == 0, done.stderr
    plan = done.stdout.splitlines()
    assert "rm -rf .venv" in plan
    assert plan.index("rm -rf .venv") < next(i for i, line in enumerate(plan) if "-m venv .venv" in line)
    assert any('-e ".[book]"' in line for line in plan)


def test_working_venv_is_kept(project):
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", project / ".venv"], check=True)
    stamp_everything(project)
    plan = make(project, "-n", "book").stdout
    # the English site (executing the notebooks), then the Chinese edition from their outputs
    assert plan.rstrip().splitlines()[-2:] == [
        ".venv/bin/python tools/build_book.py",
        ".venv/bin/python tools/build_book.py --config _build/config-committed-outputs.yml --language zh_CN"]
    for set_up in ["rm -rf .venv", "-m venv", "pip install", "npm ci"]:
        assert set_up not in plan


def test_clean_removes_the_venv_and_its_stamps(project):
    plan = make(project, "-n", "clean").stdout
    removed = [word for line in plan.splitlines() if line.startswith("rm -rf") for word in line.split()[2:]]
    assert ".venv" in removed


# --- item 13: the book's set-up installs what the book needs, the tests add the rest ----
def test_book_set_up_installs_only_the_book_extra(project):
    plan = make(project, "-n", "book").stdout.replace(str(project), "<project>")  # tmp_path names pytest
    assert '-e ".[book]"' in plan
    for test_only in ["[test]", "[dev]", "torch", "playwright", "pytest"]:
        assert test_only not in plan


def test_test_set_up_adds_the_test_extra_after_the_book(project):
    plan = make(project, "-n", "lint").stdout
    assert plan.index('-e ".[book]"') < plan.index('-e ".[test]"') < plan.index("torch==")
    assert ".venv/.book-setup-done" in plan and ".venv/.test-setup-done" in plan


def test_extras_split_book_and_test_tooling():
    extras = {name: {requirement.split(">")[0].split("=")[0].split("[")[0] for requirement in requirements}
              for name, requirements in load_pyproject()["project"]["optional-dependencies"].items()}
    assert {"jupyter-book", "matplotlib", "ipykernel", "ipywidgets", "scikit-learn"} <= extras["book"]
    assert not extras["book"] & {"pytest", "nbval", "hypothesis", "ruff", "playwright", "torch"}
    assert {"pytest", "pytest-xdist", "hypothesis", "nbval", "ruff", "playwright"} <= extras["test"]


def load_pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_lab_installs_jupyterlab_once(project):
    stamp_everything(project)
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", project / ".venv"], check=True)
    plan = make(project, "-n", "lab").stdout
    assert "pip install" not in plan
    assert "jupyter lab" in plan
    assert ("--allow-root" in plan) == (os.geteuid() == 0)


# --- item 12: build aside, swap on success, say plainly which cell failed --------------
def test_book_builds_into_staging_with_the_wrapper(project):
    stamp_everything(project)
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", project / ".venv"], check=True)
    plan = make(project, "-n", "book").stdout
    assert "tools/build_book.py" in plan and "rm -rf _build/html" not in plan


FAKE_JUPYTER_BOOK = """\
#!{python}
import pickle, sys, types
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--path-output") + 1]) / "_build"
builder = args[args.index("--builder") + 1]
(out / builder).mkdir(parents=True)
(out / builder / "index.html").write_text("{page}")
Path("config-used.txt").write_text(args[args.index("--config") + 1])
(out / ".doctrees").mkdir()
env = types.SimpleNamespace(nb_metadata={records!r})
(out / ".doctrees" / "environment.pickle").write_bytes(pickle.dumps(env))
sys.exit({code})
"""


def run_wrapper(folder: Path, monkeypatch, capsys, *, code: int, page: str,
                records: dict | None = None, options: tuple[str, ...] = ()) -> tuple[int, str]:
    """tools/build_book.py in ``folder`` with a fake jupyter-book that builds a one-page
    site, saves a Sphinx environment holding ``records`` and exits with ``code``."""
    fake = folder / "fake-jupyter-book"
    fake.write_text(FAKE_JUPYTER_BOOK.format(python=sys.executable, page=page, code=code, records=records or {}))
    fake.chmod(0o755)
    monkeypatch.chdir(folder)
    result = build_book.main(["--jupyter-book", str(fake), *options])
    return result, capsys.readouterr().err


def test_successful_build_replaces_the_site(project, monkeypatch, capsys):
    site = project / "_build/html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("old")
    code, _ = run_wrapper(project, monkeypatch, capsys, code=0, page="new")
    assert code == 0
    assert (site / "index.html").read_text() == "new"
    assert not (project / "_build/html.old").exists()
    config = yaml.safe_load(Path(project / (project / "config-used.txt").read_text()).read_text())
    assert config["execute"]["raise_on_error"] is False  # a failing cell is a warning naming its notebook
    assert Path(config["sphinx"]["local_extensions"]["offline_site"]).is_absolute()


def test_single_page_build_replaces_only_the_single_page(project, monkeypatch, capsys):
    (project / "_build/html").mkdir(parents=True)
    (project / "_build/html/index.html").write_text("site")
    code, _ = run_wrapper(project, monkeypatch, capsys, code=0, page="one page", options=("--builder", "singlehtml"))
    assert code == 0
    assert (project / "_build/singlehtml/index.html").read_text() == "one page"
    assert (project / "_build/html/index.html").read_text() == "site"


def test_browser_tests_and_pdf_get_the_single_page_build(project):
    """The browser tests read _build/singlehtml too, and `browser` runs before `pdf`."""
    plan = make(project, "-n", "browser", "pdf").stdout
    single = plan.index("build_book.py --config _build/config-committed-outputs.yml --builder singlehtml")
    assert single < plan.index("pytest tests/browser") < plan.index("tools/print_pdf.py")
    assert [line.endswith("--language zh_CN") for line in plan.splitlines() if "--builder singlehtml" in line] == [
        False, True]  # the English single page once (the browser tests and the PDF share it), then the Chinese


def test_make_test_builds_each_edition_and_single_page_once(project):
    """make test runs in parts (sub-makes); the targets the first part has run are not run
    again by the later ones: each Sphinx build of the committed outputs appears once, nbval
    once, and each edition's handouts are made once and read back once."""
    stamp_everything(project)
    plan = make(project, "-n", "test").stdout.splitlines()
    builds = [line.split("--config _build/config-committed-outputs.yml")[1].strip() for line in plan
              if "tools/build_book.py --config" in line]
    assert sorted(builds) == ["", "--builder singlehtml", "--builder singlehtml --language zh_CN", "--language zh_CN"]
    assert sum("--nbval" in line for line in plan) == 1
    assert sum("pytest tests/browser" in line for line in plan) == 1
    assert [line for line in plan if "tools/handouts.py" in line or "pytest tests/handouts" in line] == [
        ".venv/bin/python tools/handouts.py", ".venv/bin/pytest tests/handouts",
        ".venv/bin/python tools/handouts.py --language zh_CN",
        "MOMENTUM_HANDOUTS_LANGUAGE=zh_CN .venv/bin/pytest tests/handouts"]


def test_failed_build_keeps_the_last_good_site(project, monkeypatch, capsys):
    site = project / "_build/html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("old")
    code, err = run_wrapper(project, monkeypatch, capsys, code=1, page="half-built")
    assert code == 1
    assert (site / "index.html").read_text() == "old"
    assert "the last good site in _build/html is unchanged" in err


def cell_execution_traceback(source: str, ename: str, evalue: str) -> str:
    """What myst-nb records for a failed notebook: the formatted CellExecutionError that
    nbclient raises, quoting the cell and the kernel's (coloured) traceback."""
    from nbclient.exceptions import CellExecutionError

    cell = {"source": source, "outputs": [{"output_type": "stream", "name": "stdout", "text": "before\n"}]}
    kernel_tb = ["\x1b[0;31m----------------------------------------------------------\x1b[0m",
                 f"\x1b[0;31m{ename}\x1b[0m                 Traceback (most recent call last)",
                 "Cell \x1b[0;32mIn[3], line 2\x1b[0m", "\x1b[1;32m      1\x1b[0m import numpy as np",
                 "\x1b[0;32m----> 2\x1b[0m x = np.float64(1) / 0", f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]
    error = CellExecutionError.from_cell_and_msg(types.SimpleNamespace(**cell),
                                                 {"traceback": kernel_tb, "ename": ename, "evalue": evalue})
    return "".join(traceback.format_exception(error))


def write_notebook(path: Path, sources: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = [{"cell_type": "markdown" if s.startswith("#") else "code", "source": s, "metadata": {}} for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_failing_cell_is_named_plainly(project, monkeypatch, capsys):
    failing = "import numpy as np\nx = np.float64(1) / 0\nraise ZeroDivisionError('by zero')"
    write_notebook(project / "chapters/03_x.ipynb", ["# Title", "import momentum", failing, "print(x)"])
    records = {"chapters/03_x": {"exec_data": {"succeeded": False,
                                               "traceback": cell_execution_traceback(failing, "ZeroDivisionError",
                                                                                     "by zero")}},
               "chapters/02_ok": {"exec_data": {"succeeded": True, "traceback": None}}}
    code, err = run_wrapper(project, monkeypatch, capsys, code=1, page="half-built", records=records)
    assert code == 1
    assert "1 chapter(s) raised an error" in err
    assert "chapters/03_x.ipynb: cell 3 of 4 failed" in err
    assert "first line: import numpy as np" in err
    assert "line 2: x = np.float64(1) / 0" in err
    assert "error: ZeroDivisionError: by zero" in err
    assert "\x1b[" not in err


def test_timeout_is_named_plainly(project):
    try:
        raise TimeoutError("A cell timed out while it was being executed, after 120 seconds.")
    except TimeoutError as error:
        text = "".join(traceback.format_exception(error))
    notebook = project / "chapters/07_slow.ipynb"
    write_notebook(notebook, ["x = 1"])
    assert build_book.describe_failure(notebook, text, project) == (
        "chapters/07_slow.ipynb: TimeoutError: A cell timed out while it was being executed, after 120 seconds.")


def test_failures_are_read_from_this_builds_environment_only(project):
    assert build_book.failed_executions(project / "nowhere") == {}
    env = project / "env"
    env.mkdir()
    (env / "environment.pickle").write_bytes(pickle.dumps(types.SimpleNamespace()))
    assert build_book.failed_executions(env) == {}
    failed = {"chapters/01": {"exec_data": {"succeeded": False, "traceback": "ValueError: x"}}}
    (env / "environment.pickle").write_bytes(pickle.dumps(types.SimpleNamespace(nb_metadata=failed)))
    assert build_book.failed_executions(env) == {"chapters/01": "ValueError: x"}
    os.utime(env / "environment.pickle", (1e9, 1e9))  # left by an earlier build: not this build's failures
    assert build_book.failed_executions(env, since=2e9) == {}


def test_edition_settings_replace_only_the_editions_own_values():
    settings = yaml.safe_load((build_book.ROOT / "_config.yml").read_text())
    english_footer = settings["html"]["extra_footer"]
    chinese = build_book.edition_settings(settings, "zh_CN")
    assert (chinese["title"], chinese["author"]) == ("动量法：每个数字都经过检验", "《动量法》编写组")
    assert "许可" in chinese["html"]["extra_footer"] and "licence" not in chinese["html"]["extra_footer"]
    # The rest of html: as in English; the English settings themselves untouched.
    assert {k: v for k, v in chinese["html"].items() if k != "extra_footer"} == {
        k: v for k, v in settings["html"].items() if k != "extra_footer"} != {}
    assert settings["html"]["extra_footer"] == english_footer and settings["author"] == "The Momentum book authors"
    assert build_book.edition_settings(settings, "en") == settings


def test_chinese_build_config_carries_the_editions_footer(tmp_path):
    config = yaml.safe_load(build_book.staged_config(build_book.ROOT / "_config.yml", tmp_path, "zh_CN").read_text())
    assert config["sphinx"]["config"]["language"] == "zh_CN"
    assert "文字与图片" in config["html"]["extra_footer"] and config["execute"]["execute_notebooks"] == "off"
