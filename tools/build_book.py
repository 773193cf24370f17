"""Build the book beside the last good site, and put it in place only if the build succeeds.

What `make book` (and `build-check`, `singlehtml`) run. Jupyter Book builds into a
staging folder, _build/staging/_build/<builder>; only a build that passes (warnings are
errors) replaces _build/<builder> (_build/html, _build/singlehtml), so a failing chapter
never leaves the reader without a site.

A cell that fails is reported as a warning naming the notebook (myst-nb's
`raise_on_error: false`, set in a copy of the configuration; -W still fails the build,
after every chapter has run), and the build ends with a plain summary: the chapter, the
cell (its number and first line) and the error.

With ``--language zh_CN`` it builds the Chinese edition (the translations in
locales/zh_CN) from the committed outputs — the notebooks are not executed again — into
_build/html/zh (or _build/singlehtml-zh_CN), after the English site is in place.

Usage: python tools/build_book.py [--config FILE] [--builder html|singlehtml] [--language zh_CN]
       [extra jupyter-book build options]
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
STAGING = Path("_build/staging")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
FAILING_LINE = re.compile(r"^Cell In\[\d+\], line (\d+)\n(?:.*\n)*?-*> *\1 (.*)$", re.MULTILINE)
CELL_SOURCE = re.compile(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n", re.DOTALL)


# The Chinese edition's own values of the book's settings (_config.yml): its title, its
# authors' name and the licence line of every page's footer (also on the print's title page).
EDITION_SETTINGS = {"zh_CN": {
    "title": "动量法：每个数字都经过检验",
    "author": "《动量法》编写组",
    "html": {"extra_footer": '<p>文字与图片：<a href="https://creativecommons.org/licenses/by/4.0/deed.zh-hans">'
                             'CC BY 4.0</a> 许可；代码：'
                             '<a href="https://opensource.org/license/mit">MIT 许可</a>。</p>'},
}}
# Sphinx settings of an edition that Sphinx's own translations do not cover.
EDITION_SPHINX = {"zh_CN": {"togglebutton_hint": "显示", "togglebutton_hint_hide": "隐藏"}}


def edition_settings(settings: dict, language: str) -> dict:
    """The book's settings (_config.yml, as a dict) for an edition: the edition's own values
    from ``EDITION_SETTINGS`` on top, section by section (``html: {extra_footer: ...}``
    replaces that one key of ``html``)."""
    merged = dict(settings)
    for key, value in EDITION_SETTINGS.get(language, {}).items():
        merged[key] = {**(merged.get(key) or {}), **value} if isinstance(value, dict) else value
    return merged


def staged_config(config: Path, staging: Path, language: str = "en") -> Path:
    """A copy of the book's configuration in which a failing cell is a warning (naming its
    notebook) instead of an exception, with local extension folders made absolute
    (Jupyter Book resolves them from the configuration file's folder). For another
    language than English: that edition's settings and language, and the committed outputs
    (no execution)."""
    settings = yaml.safe_load(config.read_text()) or {}
    settings.setdefault("execute", {})["raise_on_error"] = False
    if language != "en":
        settings = edition_settings(settings, language)
        settings["execute"]["execute_notebooks"] = "off"
        sphinx = settings.setdefault("sphinx", {}).setdefault("config", {})
        sphinx.update(language=language, **EDITION_SPHINX[language])
    extensions = settings.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in extensions.items():
        extensions[name] = str((config.resolve().parent / folder).resolve())
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / "config.yml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False))
    return path


def swap_in(staged: Path, site: Path) -> None:
    """Replace ``site`` by ``staged`` (two renames; the old site is removed afterwards)."""
    old = site.with_name(site.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    site.parent.mkdir(parents=True, exist_ok=True)
    if site.exists():
        site.rename(old)
    staged.rename(site)
    shutil.rmtree(old, ignore_errors=True)


def failed_executions(doctrees: Path, since: float = 0.0) -> dict[str, str]:
    """{docname: traceback} of the notebooks whose execution failed, read from the Sphinx
    environment that the build saved (myst-nb keeps each notebook's execution record);
    an environment older than ``since`` (left by an earlier build) is ignored."""
    try:
        if (doctrees / "environment.pickle").stat().st_mtime < since:
            return {}
        with open(doctrees / "environment.pickle", "rb") as file:
            env = pickle.load(file)
    except Exception:  # no environment saved (the build stopped early) or an unreadable one
        return {}
    records = getattr(env, "nb_metadata", {}) or {}
    return {docname: (data.get("exec_data") or {}).get("traceback") or ""
            for docname, data in sorted(records.items())
            if (data.get("exec_data") or {}).get("succeeded") is False}


def describe_failure(notebook: Path, traceback: str, root: Path = ROOT) -> str:
    """Which cell of ``notebook`` failed and with what error, from the execution traceback
    (nbclient's CellExecutionError quotes the cell's source and the kernel's traceback)."""
    text = ANSI.sub("", traceback)
    name = notebook.relative_to(root) if notebook.is_relative_to(root) else notebook
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    match = CELL_SOURCE.search(text)
    if not match:  # a timeout, a dead kernel, ...: the exception's own line says what happened
        error = next((line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b", line)),
                     lines[-1] if lines else "unknown error")
        return f"{name}: {error}"
    source = match[1].strip()
    try:
        cells = json.loads(notebook.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        cells = []
    sources = ["".join(cell.get("source", "")).strip() for cell in cells]
    where = f"cell {sources.index(source) + 1} of {len(cells)}" if source in sources else "a cell"
    first_line = source.splitlines()[0] if source else "(empty)"
    report = f"{name}: {where} failed\n    first line: {first_line}\n"
    # IPython marks the cell's failing line: "Cell In[3], line 2" then "----> 2 x = ...".
    if failing := FAILING_LINE.search(text, match.end()):
        report += f"    line {failing[1]}: {failing[2].strip()}\n"
    return report + f"    error: {lines[-1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=Path("_config.yml"), help="the book's configuration file")
    parser.add_argument("--builder", default="html", help="the Sphinx builder (html, singlehtml)")
    parser.add_argument("--language", default="en", choices=["en", *EDITION_SETTINGS],
                        help="the edition: en (the site root) or zh_CN (under zh/)")
    parser.add_argument("--jupyter-book", default=str(Path(sys.executable).with_name("jupyter-book")),
                        help="the jupyter-book command (default: the one beside this Python)")
    args, extra = parser.parse_known_args(argv)
    root = Path.cwd()
    english = args.language == "en"
    stage = STAGING if english else STAGING.with_name(f"{STAGING.name}-{args.language}")
    staging = root / stage
    site = Path("_build") / args.builder
    if not english:
        site = site / "zh" if args.builder == "html" else site.with_name(f"{site.name}-{args.language}")
        if args.builder == "html" and not (root / "_build" / "html" / "index.html").exists():
            print("build the English site first (the Chinese edition goes in _build/html/zh)", file=sys.stderr)
            return 1
    staged_site = staging / "_build" / args.builder
    shutil.rmtree(staged_site, ignore_errors=True)
    config = staged_config(root / args.config, staging, args.language)
    # The single page is written from the Sphinx environment that this edition's html build
    # (same staging folder) has just read; Sphinx still re-reads any chapter changed since.
    fresh = [] if args.builder == "singlehtml" else ["--all"]
    command = [args.jupyter_book, "build", ".", "--config", str(config), "--path-output", str(stage),
               "--builder", args.builder, *fresh, "-W", "--keep-going", *extra]
    print(" ".join(command), flush=True)
    started = time.time()
    code = subprocess.call(command, cwd=root)
    if code == 0 and staged_site.is_dir() and any(staged_site.iterdir()):
        swap_in(staged_site, root / site)
        where = f"{site}/index.html (make serve to read it over http)" if args.builder == "html" else site
        print(f"The book is in {where} (built in {time.time() - started:.0f} s).")
        return 0
    failures = failed_executions(staging / "_build" / ".doctrees", since=started - 1)
    print("\n" + "=" * 80, file=sys.stderr)
    if failures:
        print(f"The book build failed: {len(failures)} chapter(s) raised an error while executing.", file=sys.stderr)
        for docname, traceback in failures.items():
            notebook = next(root.glob(f"{docname}.*"), root / f"{docname}.ipynb")
            print(describe_failure(notebook, traceback, root), file=sys.stderr)
        print("(the full tracebacks are above, in the warnings)", file=sys.stderr)
    else:
        print(f"The book build failed (jupyter-book exit code {code}): see the warnings and errors above.",
              file=sys.stderr)
    kept = f"the last good site in {site} is unchanged" if (root / site).exists() else f"there is no site in {site} yet"
    print(f"Nothing was replaced: {kept}; the failed build is in {staged_site.relative_to(root)}.", file=sys.stderr)
    print("=" * 80, file=sys.stderr)
    return code or 1


if __name__ == "__main__":
    sys.exit(main())
