"""The course as students see it: the quizzes in JupyterLab, in headless Chromium.

A real ``jupyter lab`` server (temporary HOME, token, loopback port) serves a fresh copy
of ``notebooks/01_fundamentals.ipynb``; Chromium runs every cell from the Run menu,
answers a quiz question wrongly and then rightly by clicking, and the test checks the
feedback on the page and the answers in the submission file. A second test opens the
Part 2 quiz and measures, on the page, that long options wrap with their buttons beside
their first line (issue 16). Screenshots go to ``$COURSEKIT_ARTIFACTS`` (default
``artifacts/``). Every process started here is stopped by PID.
"""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from browser.artifacts import artifacts_dir, publish_to_docs
from browser.chromium import launch, require_chromium
from browser.jupyter_lab import start_jupyter_lab
from browser.lab_page import cell_prompts, open_notebook, run_all_cells
from browser.processes import ChildReaper

REPO = Path(__file__).resolve().parents[1]
PART1_NOTEBOOK = REPO / "notebooks" / "01_fundamentals.ipynb"
QUIZ_DIR = REPO / "quizzes"
STUDENT = "browser-student"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fresh_copy(source: Path, target: Path) -> None:
    """``source`` without outputs or execution counts (Run All is then unambiguous)."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)


def student_quiz_dir(target: Path) -> Path:
    """The student copies of the quizzes (as released to a class), in ``target``."""
    from coursekit.quiz import release_quizzes

    release_quizzes(QUIZ_DIR, target)
    return target


def first_single_choice(quiz_id: str, student_dir: Path):
    """The first single-choice question: the question, a wrong and the right option
    (from the instructor key), and the feedback the student copy gives for each."""
    from coursekit.quiz import grade_question, load_quiz

    key = load_quiz(QUIZ_DIR / f"{quiz_id}.yml")
    question = next(q for q in key.questions if q.kind == "single_choice")
    right = next(o for o in question.options if o.id == question.answer)
    wrong = next(o for o in question.options if o.id != question.answer)
    student_copy = load_quiz(student_dir / f"{quiz_id}.yml")
    student_question = next(q for q in student_copy.questions if q.id == question.id)
    feedback = {o.id: grade_question(student_copy, student_question, o.id) for o in (wrong, right)}
    assert feedback[wrong.id].correct is False and feedback[right.id].correct is True
    return question, wrong, right, feedback


def answer_wrong_then_right(page, question, wrong, right, shots: Path) -> dict:
    """Type a student id, click a wrong option and Check, then the right one and Check,
    waiting each time for the kernel's feedback and saved-file message on the page."""
    quiz = page.locator(".coursekit-quiz-part1")
    quiz.wait_for(state="visible", timeout=30_000)  # the widget rendered from the kernel
    box = quiz.locator(f".coursekit-question-{question.id}")
    feedback = box.locator(".coursekit-feedback")
    status = quiz.locator(".coursekit-status")
    quiz.locator(".coursekit-student-id input").fill(STUDENT)
    seen = {}
    for label, option, state, check_no in (("wrong", wrong, "incorrect", 1), ("right", right, "correct", 2)):
        box.get_by_role("radio", name=option.text, exact=True).check()
        quiz.locator(".coursekit-check").click()
        box.locator(f".coursekit-feedback.coursekit-{state}").wait_for(timeout=30_000)
        status.filter(has_text=f"(check {check_no})").wait_for(timeout=30_000)
        seen[label] = feedback.inner_text()
        box.scroll_into_view_if_needed()
        page.screenshot(path=shots / f"jupyterlab-quiz-{state}.png")
    seen["score"] = quiz.locator(".coursekit-score").inner_text()
    seen["prompts"] = cell_prompts(page)
    return seen


def test_part1_quiz_in_jupyterlab(tmp_path):
    from playwright.sync_api import sync_playwright

    from coursekit.quiz import read_submission
    from coursekit.quiz.submissions import submission_path

    chromium = require_chromium()
    shots = artifacts_dir()
    root = tmp_path / "lab-root"
    root.mkdir()
    assert PART1_NOTEBOOK.is_file(), f"{PART1_NOTEBOOK} is missing: the browser test opens it"
    notebook_name = PART1_NOTEBOOK.name
    fresh_copy(PART1_NOTEBOOK, root / notebook_name)
    submissions = tmp_path / "submissions"
    student_quizzes = student_quiz_dir(tmp_path / "student-quizzes")
    question, wrong, right, expected = first_single_choice("part1", student_quizzes)
    started = time.monotonic()

    with ChildReaper() as reaper:
        lab = start_jupyter_lab(root, tmp_path / "lab", extra_env={
            "COURSEKIT_SUBMISSIONS_DIR": str(submissions),
            "COURSEKIT_QUIZ_DIR": str(student_quizzes),
            "COURSEKIT_PROFILE": "offline",
            "COURSEKIT_STUDENT_ID": "",
        })
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright, chromium)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                try:
                    open_notebook(page, lab, notebook_name)
                    run_all_cells(page)
                    page.screenshot(path=shots / "jupyterlab-part1-after-run-all.png")
                    seen = answer_wrong_then_right(page, question, wrong, right, shots)
                except Exception:
                    page.screenshot(path=shots / "jupyterlab-failure.png")
                    print(f"screenshot of the failure: {shots / 'jupyterlab-failure.png'}\n"
                          f"jupyter lab log (tail):\n{lab.log()[-3000:]}")
                    raise
                finally:
                    browser.close()
        finally:
            lab.stop()
    elapsed = time.monotonic() - started

    assert lab.process.poll() is not None, "jupyter lab still running after stop()"
    wrong_text, right_text, score_text = seen["wrong"], seen["right"], seen["score"]
    print(f"browser test: {len(seen['prompts'])} code cells ran, {elapsed:.1f} s, "
          f"stopped leftover PIDs {reaper.stopped}, screenshots in {shots}")

    assert wrong_text.startswith("\u2718 " + expected[wrong.id].feedback), wrong_text
    assert "Hint: " + " ".join(question.hint.split()) in " ".join(wrong_text.split()), wrong_text  # issue 16
    assert right_text.startswith("\u2714 " + expected[right.id].feedback), right_text
    explanation = expected[right.id].explanation
    assert explanation and " ".join(explanation.split()) in " ".join(right_text.split())
    assert score_text.strip(), "no score line after Check"

    saved = read_submission(submission_path(submissions, STUDENT, "part1"))
    assert saved.student_id == STUDENT
    assert saved.answers[question.id] == right.id
    assert [h["answers"][question.id] for h in saved.history] == [wrong.id, right.id]
    assert [h["event"] for h in saved.history] == ["check", "check"]

    publish_to_docs(shots / "jupyterlab-quiz-correct.png", "quiz-jupyterlab.png")


QUIZ_NOTEBOOK = "quiz_part2.ipynb"

# For every radio option and checkbox of a question box: the button's and the label's
# boxes, the line height, and whether the button is the element drawn at its centre.
MEASURE_OPTIONS = """(box) => [...box.querySelectorAll(
        '.widget-radio-box label, .jupyter-widget-radio-box label, .widget-checkbox label.widget-label-basic,'
        + ' .jupyter-widget-checkbox label.jupyter-widget-label-basic')].map(label => {
    const input = label.querySelector('input');
    const l = label.getBoundingClientRect(), i = input.getBoundingClientRect();
    const hit = document.elementFromPoint(i.left + i.width / 2, i.top + i.height / 2);
    return {text: label.textContent.trim(), checked: input.checked, top: l.top, bottom: l.bottom,
            left: l.left, right: l.right, inputTop: i.top, inputBottom: i.bottom, inputLeft: i.left,
            inputRight: i.right, line: parseFloat(getComputedStyle(label).lineHeight) || 18,
            boxRight: box.getBoundingClientRect().right, inputOnTop: hit === input || input.contains(hit)};
})"""


def quiz_notebook(target: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (coursekit)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('from coursekit.quiz import build_quiz\n\nbuild_quiz("part2")')]
    nbformat.write(nb, target)


def assert_options_wrap_and_align(options: list[dict], question: str) -> None:
    assert len(options) >= 2, f"{question}: no options found on the page"
    for option in options:
        assert option["inputOnTop"], f"{question}: the button of {option['text'][:40]!r} is covered"
        assert option["inputLeft"] < option["left"] + 24, f"{question}: button not at the left of its text"
        # the button sits on the first line of its own text, not below it
        assert option["top"] - 2 <= option["inputTop"] <= option["top"] + option["line"], (question, option)
        assert option["right"] <= option["boxRight"] + 1, f"{question}: {option['text'][:40]!r} overflows"
    for upper, lower in zip(options, options[1:]):
        assert upper["bottom"] <= lower["top"] + 1, f"{question}: {upper['text'][:40]!r} runs into the next option"


def test_long_quiz_options_wrap_beside_their_buttons(tmp_path):
    """Issue 16: in the Part 2 quiz, Q2's right answer is longer than one line; it ran over
    option d, its radio button fell below and no filled circle showed when chosen."""
    from playwright.sync_api import sync_playwright

    from coursekit.quiz import load_quiz

    chromium = require_chromium()
    shots = artifacts_dir()
    root = tmp_path / "lab-root"
    root.mkdir()
    quiz_notebook(root / QUIZ_NOTEBOOK)
    student_quizzes = student_quiz_dir(tmp_path / "student-quizzes")
    key = load_quiz(QUIZ_DIR / "part2.yml")
    long_question = key.question("test-split")
    right = next(o for o in long_question.options if o.id == long_question.answer)
    assert len(right.text) > 120

    with ChildReaper():
        lab = start_jupyter_lab(root, tmp_path / "lab", extra_env={
            "COURSEKIT_SUBMISSIONS_DIR": str(tmp_path / "submissions"),
            "COURSEKIT_QUIZ_DIR": str(student_quizzes),
            "COURSEKIT_STUDENT_ID": "wrap-student",
        })
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright, chromium)
                page = browser.new_page(viewport={"width": 1280, "height": 900})  # the file browser stays open
                try:
                    open_notebook(page, lab, QUIZ_NOTEBOOK)
                    run_all_cells(page)
                    quiz = page.locator(".coursekit-quiz-part2")
                    quiz.wait_for(state="visible", timeout=30_000)
                    box = quiz.locator(".coursekit-question-test-split")
                    box.get_by_role("radio", name=right.text, exact=True).check()
                    quiz.locator(".coursekit-check").click()
                    box.locator(".coursekit-feedback.coursekit-correct").wait_for(timeout=30_000)
                    box.scroll_into_view_if_needed()
                    radios = box.evaluate(MEASURE_OPTIONS)
                    box.screenshot(path=shots / "quiz-part2-wrapped.png")
                    signs = quiz.locator(".coursekit-question-overfitting-signs")
                    signs.scroll_into_view_if_needed()
                    checkboxes = signs.evaluate(MEASURE_OPTIONS)
                except Exception:
                    page.screenshot(path=shots / "jupyterlab-wrap-failure.png")
                    print(f"jupyter lab log (tail):\n{lab.log()[-3000:]}")
                    raise
                finally:
                    browser.close()
        finally:
            lab.stop()

    chosen = next(o for o in radios if o["text"] == right.text)
    assert chosen["checked"] and chosen["bottom"] - chosen["top"] > 1.5 * chosen["line"], chosen  # wrapped
    assert_options_wrap_and_align(radios, "test-split")
    assert_options_wrap_and_align(checkboxes, "overfitting-signs")
    publish_to_docs(shots / "quiz-part2-wrapped.png", "quiz-part2-wrapped.png")
