"""The released student copy, worked through as a student would.

``coursekit release`` builds the copy (solutions become stubs). Each lesson then runs top to
bottom in a real kernel (nbclient), in order, sharing one results folder, so Parts 3 and 4
reuse the model the student's own Trainer trained in Part 2. At every exercise the stub runs
first (its check must say "not attempted" and the lesson must go on), then a wrong answer
(its check must fail with a message), then the instructor's solution (its check must pass).
Every quiz is answered through its widgets, wrongly and then rightly (reflections typed), and
submitted. A second run of the cheap Part 1 leaves the stubs as they are: Run All must reach
the end. Part 4's quiz (``quizzes/part4.yml``) must exist.

The copy itself (issue 22): no solution's code anywhere in it, every relative link and quoted
path it cites present, every quiz question anchored to the text of a lesson that teaches it;
Part 4's speed table, given the same report with a simulated busy machine, must warn that
its ratios are not meaningful; the small-data runs of Part 2 keep no checkpoints and no lock
file sits beside a submission; in Chromium, the released quizzes' widgets fit (option texts,
justification boxes, no overflow at 1,000-1,400 px).
"""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from quiz_support import correct_answers, reflection, wrong_answers

from coursekit.quiz import grade_quiz, load_quiz
from coursekit.release import release_course

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ("01_fundamentals", "02_finetune_sentiment", "03_evaluate", "04_deploy_azure")
CELL_TIMEOUT_S = 1800  # a busy 2-core machine trains Part 2 in minutes; a hung cell still ends
MARK = "WALKTHROUGH"

# A wrong answer a student might write, for every exercise (notebook, solution cell id).
WRONG = {
    ("01_fundamentals", "cell-13"): "least_central = summary.sentences[0]",
    ("02_finetune_sentiment", "cell-07"): 'stars_map = {1: 1, 2: 1, 3: "skip", 4: 0, 5: 0}',
    ("02_finetune_sentiment", "cell-26a"): textwrap.dedent('''\
        # The assignment's code as written: ./results, evaluated on the test split, no tokenizer or metrics.
        training_args = TrainingArguments(output_dir="./results", eval_strategy="epoch", learning_rate=2e-5,
                                          per_device_train_batch_size=16, num_train_epochs=EPOCHS, weight_decay=0.01)
        trainer = Trainer(model=model, args=training_args, train_dataset=tokenized["train"],
                          eval_dataset=tokenized["test"])'''),
    ("02_finetune_sentiment", "cell-36c"): "fixed_run = small_run",
    ("03_evaluate", "cell-15"): "my_precision, my_recall = 0.123, 0.456",
}


def _tags(cell) -> set:
    return set(cell.get("metadata", {}).get("tags", []))


def _cell(source: str, role: str):
    cell = new_code_cell(source)
    cell.metadata["walkthrough"] = role
    return cell


# After Part 4's speed table: the same report on a simulated busy machine (load 4x the cores) must warn.
CONTENTION = textwrap.dedent('''\
    import copy as _copy
    _busy = _copy.deepcopy(report)
    _busy["machine"]["before"]["load_average_1m"] = 4 * _busy["machine"]["cpu_count"]
    _busy.pop("contention")  # recomputed from the figures
    print(format_parity_table(_busy))''')


def _quiz_cells(quiz_id: str) -> list:
    quiz = load_quiz(ROOT / "quizzes" / f"{quiz_id}.yml")
    right = correct_answers(quiz)
    for question in quiz.questions:
        if question.kind == "reflection":
            right[question.id] = reflection((question.min_words + question.max_words) // 2)
    answers = json.dumps({"wrong": wrong_answers(quiz), "right": right})
    source = textwrap.dedent(f'''\
        import json as _json
        _answers = _json.loads({answers!r})
        for _step in ("wrong", "right"):
            for _qid, _answer in _answers[_step].items():
                quiz.question(_qid).set_answer(_answer)
            quiz.check_button.click()
            _result = quiz.last_result
            _graded = [_qid for _qid in _answers[_step] if _result[_qid].kind != "reflection"]
            _verdict = None if quiz.quiz.mode == "assessed" else _step == "right"  # assessed: no feedback at all
            _off = [_qid for _qid in _graded if _result[_qid].correct is not _verdict]
            assert not _off, f"{{_step}} answers graded the other way: {{_off}}"
            print("{MARK} quiz {quiz_id}", _step, "->", _result.score_line())
        _short = [_q for _q in _answers["right"] if _result[_q].kind == "reflection" and not _result[_q].in_range]
        assert not _short, f"reflections out of their word range: {{_short}}"
        quiz.submit_button.click()
        assert "Submitted" in quiz.status.value, quiz.status.value
        print("{MARK} quiz {quiz_id} submitted")''')
    return [_cell(source, f"quiz {quiz_id}")]


def walkthrough(student, instructor, name: str, solve: bool = True):
    """The student notebook with, after each exercise's check, a wrong answer and the solution
    (each followed by the check again), and quiz answers after each quiz."""
    solutions = {c.id: c.source for c in instructor.cells if "solution" in _tags(c)}
    cells, open_exercise = [], None
    for cell in student.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        if cell.id in solutions:
            open_exercise = cell.id
            cell.metadata["walkthrough"] = "stub"
            continue
        if open_exercise:  # the exercise's ✅ Check cell
            cell.metadata["walkthrough"] = "check of the stub"
            if solve:
                wrong = WRONG[(name, open_exercise)]
                attempt = (f"{wrong}\nfrom coursekit.exercises import CheckFailed\ntry:\n"
                           f"{textwrap.indent(cell.source, '    ')}\nexcept CheckFailed as exc:\n"
                           f"    print('{MARK} wrong answer caught:', exc)\nelse:\n"
                           f"    raise AssertionError('the check accepted a wrong answer')")
                cells += [_cell(attempt, "wrong answer"), _cell(solutions[open_exercise], "solution"),
                          _cell(cell.source, "check of the solution")]
            open_exercise = None
        if "print(format_parity_table(report))" in cell.source:
            cells.append(_cell(CONTENTION, "contention"))
        quiz = re.search(r'build_quiz\("(part\d+)"\)', cell.source)
        if quiz and solve:
            cells += _quiz_cells(quiz.group(1))
    student.cells = cells
    return student


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def _run(nb, folder: Path):
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The released student copy, and the environment its kernels share."""
    base = tmp_path_factory.mktemp("walkthrough")
    release_course(base / "student", ROOT / "notebooks", ROOT / "quizzes")
    return {"student": base / "student", "results": base / "results", "submissions": base / "submissions"}


@pytest.fixture()
def student_env(course, monkeypatch):
    monkeypatch.setenv("COURSEKIT_RESULTS", str(course["results"]))
    monkeypatch.setenv("COURSEKIT_SUBMISSIONS_DIR", str(course["submissions"]))
    monkeypatch.setenv("COURSEKIT_STUDENT_ID", "walkthrough-student")
    monkeypatch.setenv("COURSEKIT_USE_AZURE", "0")
    monkeypatch.setenv("COURSEKIT_LATENCY_REPEATS", "2")  # Part 4 times its engines; no check depends on the figures
    monkeypatch.setenv("COURSEKIT_CV_FOLDS", "2")  # CI's size (see the Makefile); students' CPU default is 3
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("COURSEKIT_QUIZ_DIR", raising=False)
    return course


def _solved_lesson(course, name: str):
    student = nbformat.read(course["student"] / "notebooks" / f"{name}.ipynb", as_version=4)
    instructor = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    exercises = [c.id for c in instructor.cells if "solution" in _tags(c)]
    assert set(exercises) == {cid for nb, cid in WRONG if nb == name}, "every exercise needs a wrong answer here"
    nb = _run(walkthrough(student, instructor, name), course["student"] / "notebooks")
    by_role = {}
    for cell in nb.cells:
        by_role.setdefault(cell.metadata.get("walkthrough"), []).append(_text(cell))
    assert all("⏭ not attempted yet" in out for out in by_role.get("stub", []))
    assert all("⏭ not attempted:" in out for out in by_role.get("check of the stub", []))
    assert all(f"{MARK} wrong answer caught:" in out and len(out.strip()) > 60 for out in by_role.get("wrong answer", []))
    assert all("✔ passed:" in out for out in by_role.get("check of the solution", []))
    assert len(by_role.get("stub", [])) == len(exercises)
    for out in by_role.get("contention", []):  # the warning, with the reason it found
        assert "WARNING: these latencies were taken on a busy machine" in out and "1-minute load was" in out, out
    everything = "".join(_text(c) for c in nb.cells if c.metadata.get("walkthrough") != "wrong answer")
    assert "✘ failed" not in everything
    progress = _text(nb.cells[-2] if nb.cells[-1].cell_type == "markdown" else nb.cells[-1])
    assert re.search(r"\d+ passed, 0 not attempted, 0 failed", progress), progress
    for quiz_id in re.findall(r'build_quiz\("(part\d+)"\)', "".join(c.source for c in nb.cells)):
        assert f"{MARK} quiz {quiz_id} submitted" in everything
        saved = json.loads((course["submissions"] / f"walkthrough-student__{quiz_id}.json").read_text())
        graded = grade_quiz(load_quiz(ROOT / "quizzes" / f"{quiz_id}.yml"), saved["answers"])  # the instructor's key
        assert graded.auto_score == graded.auto_max > 0, graded.score_line()
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_worked_through_stub_wrong_right(student_env, name):
    _solved_lesson(student_env, name)
    if name == "02_finetune_sentiment":  # Parts 3 and 4 reuse the model the student's Trainer trained
        card = json.loads((student_env["results"] / "notebook-model" / "metrics.json").read_text())
        assert card["extras"]["trainer"] == "written by the student (Part 2)"
        small = [p for p in student_env["results"].iterdir() if p.name.startswith("small-data")]
        assert len(small) == 2 and not [p for p in small if (p / "checkpoints").exists()], small
    if name == "04_deploy_azure":
        nb = nbformat.read(student_env["student"] / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any("print(format_parity_table(report))" in c.source for c in nb.cells)  # the contention cell ran
    handed_in = [p.name for p in student_env["submissions"].iterdir() if not p.name.startswith(".")]
    assert all(n.endswith(".json") for n in handed_in), handed_in  # no lock file beside a submission


def test_the_copy_holds_no_solution_cites_what_it_ships_and_anchors_every_question(course):
    from coursekit.quiz import load_quizzes
    from coursekit.quiz.anchors import anchor_problems
    from coursekit.release_checks import dead_references, leaked_solutions, solution_lines

    copy = course["student"]
    lines = solution_lines(sorted((ROOT / "notebooks").glob("*.ipynb")))
    assert len(lines) > 20 and leaked_solutions(copy, lines) == []
    assert dead_references(copy) == []
    assert (copy / "benchmarks" / "RESULTS.md").is_file()
    # every question of the keys is taught in the student's own lessons, before its quiz
    assert anchor_problems(load_quizzes(ROOT / "quizzes").values(), copy / "notebooks") == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_released_quizzes_fit_in_chromium(course, tmp_path):
    from browser.quiz_sizes import assert_quiz_sizes, measure_quiz_sizes

    assert_quiz_sizes(measure_quiz_sizes(tmp_path, course["student"] / "quizzes"))


@pytest.mark.slow
def test_run_all_with_the_stubs_left_reaches_the_end(student_env):
    name = "01_fundamentals"
    student = nbformat.read(student_env["student"] / "notebooks" / f"{name}.ipynb", as_version=4)
    instructor = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    nb = _run(walkthrough(student, instructor, name, solve=False), student_env["student"] / "notebooks")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran"
    assert any("build_quiz(" in c.source and c.outputs for c in code), "the quiz was shown"
    checks = [_text(c) for c in code if c.metadata.get("walkthrough") == "check of the stub"]
    assert checks and all("⏭ not attempted:" in out for out in checks)
    assert re.search(r"\d+ passed, 1 not attempted, 0 failed", _text(code[-1])), _text(code[-1])
