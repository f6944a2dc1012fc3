"""`coursekit release`: student notebooks without solutions, quizzes without answers."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursekit.cli import main
from coursekit.release import ReleaseError, release_course, student_notebook

ROOT = Path(__file__).resolve().parents[1]


def lesson():
    nb = new_notebook()
    solution = new_code_cell("# Exercise: compute the answer.\nanswer = 6 * 7\nanswer")
    solution.metadata["tags"] = ["solution"]
    instructor = new_code_cell("print('grading notes')")
    instructor.metadata["tags"] = ["instructor"]
    inline = new_code_cell("x = 1\n### BEGIN SOLUTION\ny = x + 41\n### END SOLUTION\nprint(y)")
    ran = new_code_cell("1 + 1", execution_count=3, outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"})])
    nb.cells = [new_markdown_cell("# Lesson"), solution, instructor, inline, ran]
    return nb


def test_student_notebook_stubs_solutions_and_clears_outputs():
    out = student_notebook(lesson())
    sources = [c.source for c in out.cells]
    assert len(out.cells) == 4  # the instructor cell is gone
    assert sources[1] == ("# Exercise: compute the answer.\n# Define: answer — the ✅ Check cell below tests it.\n"
                          "# YOUR CODE HERE: replace the placeholder line below with your solution, then run this cell.\n"
                          "from coursekit.exercises import not_attempted\n\nanswer = not_attempted('answer')")
    assert "6 * 7" not in json.dumps(out) and "41" not in json.dumps(out) and "grading notes" not in json.dumps(out)
    assert sources[2] == "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()\nprint(y)"
    assert out.cells[3].outputs == [] and out.cells[3].execution_count is None


def test_release_of_the_real_course(tmp_path):
    out = tmp_path / "student"
    assert main(["release", "--out", str(out), "--notebooks", str(ROOT / "notebooks"),
                 "--quizzes", str(ROOT / "quizzes")]) == 0
    released = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert released == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for path in (out / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
        for cell in solutions:  # every marked solution is replaced by a stub
            body = {line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")}
            stub = nb.cells[[c.id for c in nb.cells].index(cell.id)].source.splitlines()
            assert body and not body & set(stub)
            assert "not_attempted(" in stub[-1] and "NotImplementedError" not in "".join(stub)  # Run All goes on
    quiz_text = "".join(p.read_text() for p in (out / "quizzes").glob("*.yml"))
    assert "It reduces the need for computational resources" in quiz_text  # the options stay
    assert "rubric" not in quiz_text  # the rubrics do not


def test_release_never_overwrites(tmp_path):
    out = tmp_path / "student"
    out.mkdir()
    (out / "keep.txt").write_text("a student's work")
    with pytest.raises(ReleaseError, match="not empty"):
        release_course(out, ROOT / "notebooks", ROOT / "quizzes")
    assert (out / "keep.txt").read_text() == "a student's work"
    with pytest.raises(ReleaseError, match="instructor"):
        release_course(ROOT, ROOT / "notebooks", ROOT / "quizzes", overwrite=True)


def test_a_broken_notebook_leaves_nothing_behind(tmp_path):
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    (notebooks / "bad.ipynb").write_text("{not json")
    with pytest.raises(ReleaseError, match="bad.ipynb"):
        release_course(tmp_path / "student", notebooks, ROOT / "quizzes")
    assert not (tmp_path / "student").exists()
    assert not list(tmp_path.glob(".release-*"))
