"""The chapters' kernelspec is the one JupyterLab 4 writes when it opens them.

JupyterLab replaces a notebook's kernelspec by the running kernel's spec on open; with
ipykernel's spec ("Python 3 (ipykernel)") against a committed "Python 3", every chapter a
student opens is marked changed and autosaved. The expected spec is ipykernel's own
(``ipykernel.kernelspec.get_kernel_dict``), which is what ``jupyter kernelspec`` installs.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import get_kernel_dict

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("[0-9][0-9]_*.ipynb"))


def expected_kernelspec() -> dict[str, str]:
    spec = get_kernel_dict()
    return {"display_name": spec["display_name"], "language": spec["language"], "name": "python3"}


def kernelspec_problems(notebook) -> list[str]:
    """Differences between the notebook's kernelspec and the one JupyterLab writes."""
    found = dict(notebook.metadata.get("kernelspec", {}))
    return [f"kernelspec {key}: {found.get(key)!r}, JupyterLab writes {value!r}"
            for key, value in expected_kernelspec().items() if found.get(key) != value]


def test_expected_spec_is_ipykernels():
    assert expected_kernelspec() == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_kernelspec_is_jupyterlabs(path):
    assert kernelspec_problems(nbformat.read(path, as_version=4)) == []


def test_check_reports_the_old_display_name():
    notebook = copy.deepcopy(nbformat.read(CHAPTERS[0], as_version=4))
    notebook.metadata["kernelspec"]["display_name"] = "Python 3"
    assert kernelspec_problems(notebook) == [
        "kernelspec display_name: 'Python 3', JupyterLab writes 'Python 3 (ipykernel)'"]
    del notebook.metadata["kernelspec"]
    assert len(kernelspec_problems(notebook)) == 3
