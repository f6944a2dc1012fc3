"""Student copies of the course: notebooks without solutions, quizzes without readable answers.

In the instructor's notebooks, mark what students must write themselves:
- a code cell tagged ``solution`` is replaced by a stub that keeps its leading comment lines
  and sets the names it defines to "not attempted" placeholders (no error: Run All goes on);
- lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are replaced by a stub;
- a cell tagged ``instructor`` is removed.
Outputs are cleared. Quizzes are released with :func:`coursekit.quiz.release_quizzes`
(practice: hashed answers; assessed: none). The copy is built in a temporary folder
and moved into place at the end, so a failed release leaves nothing half-written, and an
existing folder is never overwritten unless asked.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import CoursekitError

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$", re.S | re.M)


class ReleaseError(CoursekitError, ValueError):
    """The release cannot be written (names the folder or notebook)."""


def _stub_cell(source: str) -> str:
    """The exercise's comments, what to define, and "not attempted" placeholders: Run All goes on."""
    from .exercises.stubs import stub_source

    return stub_source(source)


def student_notebook(nb):
    """A copy of notebook ``nb`` (nbformat) with solutions stubbed and outputs cleared."""
    import copy

    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "instructor" in tags:
            continue
        if cell.cell_type == "code":
            if "solution" in tags:
                cell.source = _stub_cell(cell.source)
            else:
                cell.source = _BLOCK.sub(lambda m: "\n".join(m.group(1) + line for line in STUB.splitlines()),
                                         cell.source)
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    out.cells = cells
    return out


def release_course(out_dir, notebooks_dir="notebooks", quizzes_dir="quizzes", mode: str | None = None,
                   overwrite: bool = False) -> list[Path]:
    """Write ``out_dir/notebooks/*.ipynb`` and ``out_dir/quizzes/*.yml`` for students."""
    import nbformat

    from .quiz import release_quizzes

    out_dir, notebooks_dir, quizzes_dir = Path(out_dir), Path(notebooks_dir), Path(quizzes_dir)
    sources = sorted(notebooks_dir.glob("*.ipynb"))
    if not sources:
        raise ReleaseError(f"{notebooks_dir}: no notebooks to release")
    resolved = out_dir.resolve()
    if resolved in (notebooks_dir.resolve(), quizzes_dir.resolve(), notebooks_dir.resolve().parent):
        raise ReleaseError(f"{out_dir}: refusing to write the student copy over the instructor's files")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise ReleaseError(f"{out_dir} already exists and is not empty; choose a new folder or pass --overwrite")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=out_dir.parent))
    try:
        (staging / "notebooks").mkdir()
        for path in sources:
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - name the notebook
                raise ReleaseError(f"{path}: not a readable notebook ({exc.__class__.__name__}: {exc})") from exc
            nbformat.write(student_notebook(nb), staging / "notebooks" / path.name)
        release_quizzes(quizzes_dir, staging / "quizzes", mode=mode)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
