"""The student repository: the course as students get it, with no solutions and no keys.

The course has two faces. The instructor repository holds the solutions, the quiz keys
(answers, explanations, rubrics) and the tests. ``coursekit release --out DIR`` writes the
student repository, which installs and runs on its own::

    README.md          the students' set-up (an Azure ML compute instance) and workflow
    pyproject.toml     the package, as in the instructor repository
    environment.yml    the conda environment
    coursekit/         the package source (it holds no quiz keys)
    azureml/           the reviewed Azure ML specs the deployment lesson uses
    benchmarks/        the measurements the lessons cite (scripts, RESULTS.md, their JSON)
    lock/              every dependency at the version CI tests, with hashes (the pip install path)
    notebooks/         the lessons with solutions stubbed and outputs cleared
    quizzes/           student copies of the quizzes (practice, or assessed if asked)

In the instructor's notebooks, mark what students must write themselves:
- a code cell tagged ``solution`` is replaced by a stub that keeps its leading comment lines
  and sets the names it defines to "not attempted" placeholders (no error: Run All goes on);
- lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are replaced by a stub;
- a cell tagged ``instructor`` is removed.
Quizzes are released with :func:`coursekit.quiz.release_quizzes`. Before anything is
moved into place, every YAML and JSON file of the copy is checked: one that reads as an
instructor key stops the release, and so does any solution's code found in the copy or
any relative link or quoted path it lacks (:mod:`coursekit.release_checks`). The copy is built in a temporary folder and moved into
place at the end, so a failed release leaves nothing half-written, and an existing
folder is never overwritten unless asked.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import CoursekitError, ReleaseError

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$", re.S | re.M)
PROJECT_FILES = ("pyproject.toml", "environment.yml")
# benchmarks: the lessons cite its scripts and RESULTS.md; lock: the pip install path of the student README
PROJECT_FOLDERS = ("coursekit", "azureml", "benchmarks", "lock")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints", ".*")


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


def _copy_project(project_dir: Path, staging: Path) -> None:
    missing = [name for name in (*PROJECT_FILES, "coursekit/__init__.py") if not (project_dir / name).is_file()]
    if missing:
        raise ReleaseError(f"{project_dir}: not the instructor repository (missing {', '.join(missing)}); "
                           "pass --project with the folder that holds pyproject.toml")
    for name in PROJECT_FILES:
        shutil.copy2(project_dir / name, staging / name)
    for name in PROJECT_FOLDERS:
        if (project_dir / name).is_dir():
            shutil.copytree(project_dir / name, staging / name, ignore=_IGNORED)


def _check_no_keys(staging: Path) -> None:
    """Stop the release when any YAML or JSON file of the copy reads as a quiz key."""
    from .quiz.quizfile import read_quiz_data

    for path in sorted(staging.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".yml", ".yaml", ".json"):
            continue
        try:
            data = read_quiz_data(path)
        except CoursekitError:
            continue
        if isinstance(data, dict) and "questions" in data and "release" not in data:
            raise ReleaseError(f"{path.relative_to(staging)} is an instructor quiz key; it must not reach "
                               "students (move it out of the package)")


def _check_copy(staging: Path, sources: list[Path]) -> None:
    """Stop the release when the copy holds a solution's code or cites a file it lacks."""
    from .release_checks import dead_references, leaked_solutions, solution_lines

    for problems, what in ((leaked_solutions(staging, solution_lines(sources)), "holds solution code"),
                           (dead_references(staging), "cites files it does not hold")):
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise ReleaseError(f"the student copy {what}: {'; '.join(problems[:3])}{more}; "
                               "fix the instructor's files and release again")


def student_readme(notebooks: list[Path], quiz_modes: dict[str, str]) -> str:
    """The student repository's README: set-up on a compute instance, lessons, quizzes."""
    lessons = "\n".join(f"{i}. `notebooks/{nb.name}`" for i, nb in enumerate(notebooks, start=1))
    quizzes = "\n".join(f"- `{quiz_id}`: {mode}" for quiz_id, mode in sorted(quiz_modes.items()))
    return f"""# coursekit: cloud-based fine-tuning (student copy)

Fine-tune a pre-trained transformer for sentiment analysis of customer reviews, evaluate it
honestly, answer the quizzes, export the model to ONNX Runtime and deploy it to an Azure
Machine Learning endpoint. This copy has no solutions and no quiz answers: the exercises
are yours to write.

## Set-up on an Azure ML compute instance

Open a terminal on the compute instance (Jupyter > New > Terminal) and run:

```bash
git clone <your course's student repository> coursekit && cd coursekit
conda env create -f environment.yml && conda activate coursekit
pip install --no-deps -e .
python -m ipykernel install --user --name coursekit --display-name "Python (coursekit)"
export COURSEKIT_PROFILE=full      # the assignment's model and data (a GPU instance); or set PROFILE in each notebook
jupyter lab notebooks/
```

Without conda, pip installs the same versions from the lock (Python 3.11 on Linux x86-64, as on
a compute instance; hashes checked):

```bash
python3.11 -m venv .venv && source .venv/bin/activate
pip install --require-hashes --no-deps -r lock/cuda.txt     # every dependency, as CI tests them
pip install --no-deps -e .
python -m ipykernel install --user --name coursekit --display-name "Python (coursekit)"
```

Either way the notebooks ask for the kernel named `coursekit` ("Python (coursekit)"), the one
the `ipykernel` line installs, and open with it: no kernel to choose. On a laptop without
a GPU, skip the `export` line:
the `offline` tier uses small models shipped with the course.

## The lessons, in order

{lessons}

Each starts with its learning objectives; cells marked **Check** test your work.

## Quizzes

Each lesson ends with a quiz (`quizzes/`): enter your student id, answer, press **Check**.

{quizzes}

*practice*: instant feedback (and a hint after a wrong answer); *assessed*: your answers
are saved and feedback comes with your grade. Every Check saves your answers in
`~/coursekit-submissions/` (set `COURSEKIT_SUBMISSIONS_DIR` to change it). When you are
done, press **Submit** (or run `coursekit quiz submit --quiz part1 --student YOUR-ID`)
and hand in the file it names, as your instructor tells you.
"""


def release_course(out_dir, notebooks_dir="notebooks", quizzes_dir="quizzes", mode: str | None = None,
                   overwrite: bool = False, project_dir=None) -> list[Path]:
    """Write the student repository to ``out_dir`` (see the module docstring).

    ``project_dir``: the instructor repository (default: the folder holding ``notebooks_dir``)."""
    import nbformat

    from .quiz import load_quizzes, release_quizzes

    out_dir, notebooks_dir, quizzes_dir = Path(out_dir), Path(notebooks_dir), Path(quizzes_dir)
    project_dir = Path(project_dir) if project_dir else notebooks_dir.resolve().parent
    sources = sorted(notebooks_dir.glob("*.ipynb"))
    if not sources:
        raise ReleaseError(f"{notebooks_dir}: no notebooks to release")
    resolved = out_dir.resolve()
    if resolved in (notebooks_dir.resolve(), quizzes_dir.resolve(), notebooks_dir.resolve().parent,
                    project_dir.resolve()):
        raise ReleaseError(f"{out_dir}: refusing to write the student copy over the instructor's files")
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise ReleaseError(f"{out_dir} already exists and is not empty; choose a new folder or pass --overwrite")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=out_dir.parent))
    try:
        _copy_project(project_dir, staging)
        (staging / "notebooks").mkdir()
        for path in sources:
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - name the notebook
                raise ReleaseError(f"{path}: not a readable notebook ({exc.__class__.__name__}: {exc})") from exc
            nbformat.write(student_notebook(nb), staging / "notebooks" / path.name)
        release_quizzes(quizzes_dir, staging / "quizzes", mode=mode)
        modes = {quiz_id: quiz.mode for quiz_id, quiz in load_quizzes(staging / "quizzes").items()}
        (staging / "README.md").write_text(student_readme(sources, modes), encoding="utf-8")
        (staging / ".gitignore").write_text("__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\nresults/\n"
                                            "coursekit-submissions/\n", encoding="utf-8")
        _check_no_keys(staging)
        _check_copy(staging, sources)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
