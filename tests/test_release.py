"""`coursekit release`: student notebooks without solutions, quizzes without answers."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
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
    released = "\n".join(sources)  # sources, not json.dumps(out): random cell ids may contain "41"
    assert "6 * 7" not in released and "x + 41" not in released and "grading notes" not in released
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
        release_course(tmp_path / "student", notebooks, ROOT / "quizzes", project_dir=ROOT)
    assert not (tmp_path / "student").exists()
    assert not list(tmp_path.glob(".release-*"))


# --------------------------------------------------------------------------- the student repository

def _secret_sentences() -> list[str]:
    """Sentences that exist only in the instructor keys: explanations, rubric points, wrong options' whys."""
    from coursekit.quiz import load_quizzes

    found = []
    for quiz in load_quizzes(ROOT / "quizzes").values():
        for question in quiz.questions:
            texts = [question.explanation or ""] + [i.explanation or "" for i in question.items]
            texts += [p.point for p in question.rubric] + [o.why or "" for o in question.options]
            for text in texts:
                found += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 25]
    return found


def assert_no_key_material(folder: Path) -> int:
    """Every file under ``folder``: no quiz key, no explanation or rubric sentence, no answer
    field in a quiz copy, nothing at all to answer with in an assessed copy. Returns the
    number of files checked."""
    from coursekit.quiz import read_quiz_data

    sentences = [" ".join(s.split()).lower() for s in _secret_sentences()]
    checked = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        checked += 1
        raw = path.read_bytes()
        text = " ".join(raw.decode("utf-8", "replace").split()).lower()
        for sentence in sentences:
            assert sentence not in text, (path, sentence)
        if path.suffix.lower() in (".yml", ".yaml", ".json"):
            try:
                data = read_quiz_data(path)
            except Exception:  # noqa: BLE001 - not a quiz file at all
                continue
            if isinstance(data, dict) and "questions" in data:
                assert "release" in data, f"{path} is an instructor key"
                blob = json.dumps(data)
                assert '"answer":' not in blob and '"rubric":' not in blob and '"grading":' not in blob, path
                if data["release"]["mode"] == "assessed":
                    assert not re.search(r'"(answer_hash|explanation_locked|salt|hint|why_locked)"', blob), path
    return checked


def test_the_student_repository_has_everything_but_the_keys(tmp_path, capsys):
    out = tmp_path / "student-repo"
    assert main(["release", "--out", str(out), "--notebooks", str(ROOT / "notebooks"),
                 "--quizzes", str(ROOT / "quizzes"), "--quiz-mode", "part3=assessed"]) == 0
    assert "wrote the student repository" in capsys.readouterr().out
    top = sorted(p.name for p in out.iterdir())
    assert top == [".gitignore", "README.md", "azureml", "benchmarks", "coursekit", "environment.yml", "lock",
                   "notebooks", "pyproject.toml", "quizzes"]
    assert (out / "coursekit" / "quiz" / "validate.py").is_file() and (out / "coursekit" / "quiz" / "gradebook").is_dir()
    assert (out / "coursekit" / "data" / "womens_clothing_reviews.csv.gz").stat().st_size > 2_000_000
    assert not list(out.rglob("__pycache__")) and not list(out.rglob("test_*.py"))
    readme = (out / "README.md").read_text()
    assert "conda env create -f environment.yml" in readme and "pip install --no-deps -e ." in readme
    assert "pip install --require-hashes --no-deps -r lock/cuda.txt" in readme and (out / "lock" / "cuda.txt").is_file()
    kernels = {nbformat.read(p, as_version=4).metadata.kernelspec.name for p in (out / "notebooks").glob("*.ipynb")}
    assert kernels == {"coursekit"} and "--name coursekit" in readme  # one kernel name everywhere
    assert "notebooks/04_deploy_azure.ipynb" in readme and "- `part4`: practice" in readme
    assert "- `part3`: assessed" in readme
    assert assert_no_key_material(out) > 100


def test_a_key_inside_the_package_stops_the_release(tmp_path):
    project = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    for name in ("pyproject.toml", "environment.yml"):
        shutil.copy(ROOT / name, project / name)
    (project / "coursekit").mkdir()
    (project / "coursekit" / "__init__.py").write_text("")
    shutil.copy(ROOT / "quizzes" / "part2.yml", project / "coursekit" / "bundled.yml")
    with pytest.raises(ReleaseError, match="coursekit/bundled.yml is an instructor quiz key"):
        release_course(tmp_path / "student", project / "notebooks", ROOT / "quizzes")
    assert not (tmp_path / "student").exists() and not list(tmp_path.glob(".release-*"))


def test_the_copy_holds_no_solution_and_every_path_it_cites(tmp_path):
    from coursekit.release_checks import dead_references, leaked_solutions, solution_lines

    out = tmp_path / "student"
    release_course(out, ROOT / "notebooks", ROOT / "quizzes")
    lines = solution_lines(sorted((ROOT / "notebooks").glob("*.ipynb")))
    # each exercise's distinctive lines are looked for, lesson 02's Trainer among them
    assert {'learning_rate=2e-5,', 'eval_dataset=tokenized["validation"],',
            'callbacks=[EarlyStoppingCallback(early_stopping_patience=2)],'} <= set(lines)
    assert {nb for nb in lines.values()} == {"01_fundamentals.ipynb", "02_finetune_sentiment.ipynb", "03_evaluate.ipynb",
                                             "05_cheaper_finetuning.ipynb"}
    assert leaked_solutions(out, lines) == [] and dead_references(out) == []
    exercises = (out / "coursekit" / "exercises" / "training.py").read_text()
    assert "reference_trainer" not in exercises and "EarlyStoppingCallback(" not in exercises
    for lesson in ("02_finetune_sentiment.ipynb", "04_deploy_azure.ipynb"):  # what the lessons cite is shipped
        text = (out / "notebooks" / lesson).read_text()
        assert "benchmarks/RESULTS.md" in text
    assert (out / "benchmarks" / "train_throughput.py").is_file() and (out / "benchmarks" / "RESULTS.md").is_file()


@pytest.mark.parametrize("planted", ["solution", "dead link"])
def test_a_solution_or_a_dead_link_in_the_copy_stops_the_release(tmp_path, planted):
    project = tmp_path / "course"
    for name in ("notebooks", "coursekit", "azureml", "benchmarks"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "environment.yml"):
        shutil.copy(ROOT / name, project / name)
    if planted == "solution":  # a "fallback" that spells lesson 01's answer out
        (project / "coursekit" / "fallback.py").write_text(
            "least_central = summary.all_sentences[int(np.argmin(summary.scores))]  # the answer\n")
        match = r"holds solution code: coursekit/fallback.py: .*least_central.*01_fundamentals.ipynb"
    else:
        (project / "coursekit" / "NOTES.md").write_text("See [the table](../benchmarks/missing.md) and `docs/gone.md`.\n")
        match = r"cites files it does not hold: coursekit/NOTES.md: link ../benchmarks/missing.md; coursekit/NOTES.md: path docs/gone.md"
    with pytest.raises(ReleaseError, match=match):
        release_course(tmp_path / "student", project / "notebooks", ROOT / "quizzes")
    assert not (tmp_path / "student").exists() and not list(tmp_path.glob(".release-*"))


VENV_CHECK = r"""
import json, os, sys
from pathlib import Path
import coursekit
from coursekit.errors import CoursekitError
from coursekit.quiz import build_quiz
report = {"coursekit": coursekit.__file__, "quizzes": {}}
for path in sorted(Path("../quizzes").glob("*.yml")):
    view = build_quiz(path.stem, submissions_dir=os.environ["SUBS"], student_id="s1")
    quiz = view.quiz
    report["quizzes"][quiz.id] = {
        "mode": quiz.mode, "source": quiz.source, "title_note": view.widget.children[1].value,
        "answers": [q.id for q in quiz.questions if q.answer is not None or q.explanation or q.rubric
                    or any(i.answer or i.explanation for i in q.items)],
    }
from coursekit.data import DataReport, load_reviews, shop_reviews_path  # the course's data, from the wheel
shop = load_reviews(shop_reviews_path(), report=DataReport())
report["shop"] = {"path": str(shop_reviews_path()), "rows": len(shop)}
os.chdir(os.environ["ELSEWHERE"])
try:
    build_quiz("part1")
    report["elsewhere"] = "found a quiz"
except CoursekitError as exc:
    report["elsewhere"] = str(exc)
print(json.dumps(report))
"""


def test_the_student_repository_installs_alone_and_shows_no_keys(tmp_path):
    """Build the student repository, install it into a fresh virtualenv, open every quiz.

    A fresh ``python -m venv`` with every dependency installed from the index would take
    many minutes (torch alone is hundreds of MB) and needs the network. So: the venv is
    made ``--without-pip`` from the *base* interpreter (not from the shared .venv, so it
    has no site-packages of its own and no coursekit); the student repository is really
    installed into it (``pip install --no-deps --target`` builds its wheel from the
    repository's own pyproject.toml); and a ``.pth`` file appends the shared .venv's
    site-packages for the third-party dependencies only. That folder is added as a plain
    path, so its own ``.pth`` files (among them the editable install of the instructor's
    coursekit) are not run: ``import coursekit`` can only find the student package, which
    the test checks, along with ``python -I`` (no PYTHONPATH, no user site, no cwd) and a
    working directory inside the student repository."""
    import subprocess
    import sysconfig

    student = tmp_path / "student-repo"
    release_course(student, ROOT / "notebooks", ROOT / "quizzes", mode={"part3": "assessed"})
    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    assert not any(site.iterdir()), "a fresh venv must start empty"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                    "--no-compile", "--quiet", "--target", str(site), str(student)],
                   check=True, env=env, capture_output=True)
    (site / "zz_shared_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(python), "-I", "-c", VENV_CHECK], cwd=student / "notebooks", capture_output=True,
                         text=True, env={**env, "HOME": str(tmp_path / "home"), "SUBS": str(tmp_path / "subs"),
                                         "ELSEWHERE": str(elsewhere), "MPLBACKEND": "Agg"})
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(report["coursekit"]).is_relative_to(site)
    from coursekit.data import DataReport, load_reviews, shop_reviews_path

    in_checkout = len(load_reviews(shop_reviews_path(), report=DataReport()))  # labelled, non-empty rows
    assert Path(report["shop"]["path"]).is_relative_to(site) and report["shop"]["rows"] == in_checkout > 19_000
    modes = {quiz_id: info["mode"] for quiz_id, info in report["quizzes"].items()}
    assert modes == {"part1": "practice", "part2": "practice", "part3": "assessed", "part4": "practice",
                     "part5": "practice"}
    for info in report["quizzes"].values():
        assert info["answers"] == [] and "Instructor copy" not in info["title_note"]
        assert Path(info["source"]).resolve().is_relative_to(student.resolve())
    assert report["elsewhere"].startswith("no quiz folder found")
    installed = [p for p in site.iterdir() if p.name.startswith("coursekit")]
    assert {p.name for p in installed} == {"coursekit", "coursekit-0.1.0.dist-info"}
    for folder in (student, *installed):
        assert_no_key_material(folder)
