"""Execute notebooks in place so that their committed outputs are fresh.

Usage: python tools/refresh_outputs.py [NOTEBOOK ...]   (default: every chapter)

nbval then checks on every test run that a fresh execution reproduces these outputs.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def refresh(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:  # no execution timestamps: they would change every cell on every refresh
        cell.metadata.pop("execution", None)
    started = time.perf_counter()
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    elapsed = time.perf_counter() - started
    notebook.metadata.pop("widgets", None)  # live widget state: meaningless on the website, ~45 KB per page
    nbformat.write(notebook, path)
    return elapsed


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: executed in {refresh(path):.1f} s", flush=True)
