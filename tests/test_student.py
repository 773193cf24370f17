"""The student notebooks (`make student`, tools/student.py): every chapter without its
solutions, every exercise kept, and each copy still runs from top to bottom."""

from __future__ import annotations

import json

import nbformat
import pytest
import student
from nbclient import NotebookClient

CHAPTERS = student.chapters()
WITH_EXERCISES = [path for path in CHAPTERS if student.exercise_labels(nbformat.read(path, as_version=4))]


def text_of(notebook: nbformat.NotebookNode) -> str:
    """Everything a student sees in ``notebook``: cell sources and outputs, whitespace folded."""
    parts = [cell.source for cell in notebook.cells]
    parts += [json.dumps(cell.get("outputs", []), ensure_ascii=False) for cell in notebook.cells]
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, tuple[nbformat.NotebookNode, nbformat.NotebookNode]]:
    """{chapter file name: (chapter, student copy as written by tools/student.py)}."""
    folder = tmp_path_factory.mktemp("student")
    written = student.write_student(CHAPTERS, folder)
    return {path.name: (nbformat.read(path, as_version=4), nbformat.read(copy, as_version=4))
            for path, copy in zip(CHAPTERS, written, strict=True)}


def test_the_chapters_have_tagged_solutions():
    # Guards the checks below against passing vacuously: the book has exercises and
    # their solutions are tagged.
    assert len(WITH_EXERCISES) >= 8
    for path in WITH_EXERCISES:
        notebook = nbformat.read(path, as_version=4)
        solutions = [cell for cell in notebook.cells if "solution" in cell.metadata.get("tags", [])]
        assert len(solutions) == len(student.exercise_labels(notebook)), path.name


def test_no_solution_cell_or_directive(copies):
    for name, (_, copy) in copies.items():
        for number, cell in enumerate(copy.cells, 1):
            assert "solution" not in cell.metadata.get("tags", []), f"{name}: cell {number} is tagged solution"
            assert not student.SOLUTION_MARKUP.search(cell.source), f"{name}: cell {number} holds a solution"
            assert "{solution" not in cell.source, f"{name}: cell {number} holds a solution directive"


def test_no_solution_text(copies):
    checked = 0
    for name, (chapter, copy) in copies.items():
        text = text_of(copy)
        for number, phrases in student.solution_phrases(chapter).items():
            assert phrases, f"{name}: no phrase found to look for from solution cell {number}"
            for _, phrase in phrases:
                assert phrase not in text, f"{name}: the student copy says {phrase!r} (solution cell {number})"
                checked += 1
    assert checked >= 100


def test_every_exercise_and_every_other_cell_kept(copies):
    for name, (chapter, copy) in copies.items():
        kept = [cell for cell in chapter.cells if "solution" not in cell.metadata.get("tags", [])]
        assert student.exercise_labels(copy) == student.exercise_labels(chapter), name
        assert [cell.source for cell in copy.cells] == [cell.source for cell in kept], name
        assert [cell.get("outputs") for cell in copy.cells] == [cell.get("outputs") for cell in kept], name


def test_an_untagged_solution_is_refused(tmp_path):
    # A solution cell whose tag was forgotten would be handed out: the tool refuses it.
    notebook = nbformat.v4.new_notebook()
    exercise = nbformat.v4.new_markdown_cell(":::{exercise} ★☆☆ · paper\n:label: ex-1-1\n\nWhat is 1 + 1?\n:::")
    exercise.metadata["tags"] = ["exercise"]
    notebook.cells = [exercise, nbformat.v4.new_markdown_cell("````{solution} ex-1-1\n:class: dropdown\n\n2.\n````")]
    path = tmp_path / "01_planted.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(student.UntaggedSolutionError, match=r"01_planted.ipynb: cell\(s\) 2 of 2 hold a solution"):
        student.write_student([path], tmp_path / "out")
    assert not (tmp_path / "out" / path.name).exists()


def runs(chapter: nbformat.NotebookNode, copy: nbformat.NotebookNode, folder) -> list:
    """The errors of the student copy run from top to bottom, in ``folder``.

    A copy whose code cells are the chapter's own, in the same order, runs exactly as the
    chapter does, which `make notebooks` (nbval) executes and compares in every `make test`:
    it is not executed a second time. A copy whose code differs (a code cell tagged
    solution, say) is executed here."""
    code = [cell.source for cell in chapter.cells if cell.cell_type == "code"]
    if [cell.source for cell in copy.cells if cell.cell_type == "code"] == code:
        return []
    client = NotebookClient(copy, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except Exception as error:  # nbclient raises on the first failing cell
        return [str(error).strip().splitlines()[-1]]
    return [output for cell in copy.cells for output in cell.get("outputs", []) if output.output_type == "error"]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda path: path.stem)
def test_student_copy_runs(path, tmp_path):
    # Removing the solutions removed nothing a later cell needs.
    assert runs(nbformat.read(path, as_version=4), student.student_notebook(path), tmp_path) == []


def test_a_copy_missing_a_code_cell_is_run_and_fails(tmp_path):
    chapter = nbformat.v4.new_notebook()
    chapter.cells = [nbformat.v4.new_code_cell("x = 2"), nbformat.v4.new_code_cell("print(x + 1)")]
    chapter.cells[0].metadata["tags"] = ["solution"]
    path = tmp_path / "01_planted.ipynb"
    nbformat.write(chapter, path)
    errors = runs(chapter, student.student_notebook(path), tmp_path)
    assert errors and "NameError" in str(errors)
