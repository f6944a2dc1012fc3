"""The notebook widgets driven from pytest: set values, click, read the feedback."""
from __future__ import annotations

import json
import shutil

import ipywidgets
import pytest
from quiz_support import QUIZ_DIR, reflection

from coursekit.errors import CoursekitError
from coursekit.quiz.quizfile import release_quizzes
from coursekit.quiz.widgets import build_quiz, show_quiz


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    ipywidgets.Widget.close_all()


@pytest.fixture()
def subs(tmp_path):
    return tmp_path / "subs"


def test_key_quiz_feedback_score_and_saving(subs):
    view = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s1")
    assert "coursekit-quiz" in view.widget._dom_classes
    assert "coursekit-check" in view.check_button._dom_classes
    view.question("benefit").inputs[""].value = "a"
    view.question("new-head").inputs[""].value = "a"
    view.question("why-fine-tune").inputs["a"].value = True
    view.check_button.click()

    benefit = view.question("benefit").feedback
    assert "Correct." in benefit.value and "pre-trained model already knows" in benefit.value
    assert "coursekit-correct" in benefit._dom_classes and "coursekit-feedback" in benefit._dom_classes
    assert "coursekit-hint" not in benefit.value
    wrong = view.question("new-head").feedback
    assert "Incorrect." in wrong.value and "classifier.*" in wrong.value
    assert "<div class='coursekit-hint'>Hint: The lesson counted the new weights" in wrong.value
    assert "coursekit-incorrect" in wrong._dom_classes and "coursekit-correct" not in wrong._dom_classes
    assert "coursekit-incorrect" in view.question("why-fine-tune").feedback._dom_classes
    assert "Not answered yet." in view.question("deploy-runtime").feedback.value
    assert "Score: 1 / 7 auto-graded points; 2 unanswered" in view.score.value

    saved = json.loads((subs / "s1__part1.json").read_text())
    assert saved["answers"] == {"benefit": "a", "new-head": "a", "why-fine-tune": ["a"]}
    assert saved["question_fingerprints"] == view.quiz.fingerprints
    assert "check 1" in view.status.value

    # fix the answer and check again: feedback flips, the history grows
    view.question("new-head").inputs[""].value = "b"
    view.check_button.click()
    assert "coursekit-correct" in view.question("new-head").feedback._dom_classes
    assert "coursekit-incorrect" not in view.question("new-head").feedback._dom_classes
    assert len(json.loads((subs / "s1__part1.json").read_text())["history"]) == 2


def test_choice_per_item_widgets(subs):
    view = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s1")
    app = view.question("application")
    app.inputs["legal-summarization"].value = "bert"
    app.justifications["legal-summarization"].value = "full BERT handles dense legal language"
    app.inputs["sentiment-analysis"].value = "distilbert"
    app.inputs["image-captioning"].value = "resnet50"
    app.justifications["image-captioning"].value = "it sees images well"
    result = view.check()
    assert result["application"].score == pytest.approx(1)
    text = app.feedback.value
    assert "Sentiment analysis of customer reviews: add a one-line justification" in text
    assert "Image captioning: ResNet-50 (image classifier): not the best fit" in text
    assert all("coursekit-justification" in box._dom_classes for box in app.justifications.values())


def test_reflection_live_word_count(subs):
    view = build_quiz("part2", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s1")
    question = view.question("reflection")
    assert question.word_count.value == "0 words (aim for 180 to 220)"
    question.inputs[""].value = "Overfitting is when the model memorises."
    assert question.word_count.value == "6 words (aim for 180 to 220)"
    assert "coursekit-word-count" in question.word_count._dom_classes
    question.inputs[""].value = reflection(190)
    view.check_button.click()
    assert "190 words: within the 180 to 220 word range" in question.feedback.value
    assert "coursekit-saved" in question.feedback._dom_classes
    assert "reflections (4 points) are graded by your instructor" in view.score.value


def test_practice_copy_in_the_notebook(tmp_path, subs, monkeypatch):
    instructor, student = tmp_path / "instructor", tmp_path / "student"
    shutil.copytree(QUIZ_DIR, instructor)
    release_quizzes(instructor, student, mode="practice")
    monkeypatch.setenv("COURSEKIT_QUIZ_DIR", str(student))
    monkeypatch.setenv("COURSEKIT_STUDENT_ID", "s2")
    view = build_quiz("part1", submissions_dir=subs)
    assert view.quiz.mode == "practice" and view.student.value == "s2"
    view.question("benefit").inputs[""].value = "b"
    view.question("deploy-runtime").inputs[""].value = "a"
    view.check_button.click()
    wrong, right = view.question("benefit").feedback, view.question("deploy-runtime").feedback
    assert "Not quite. Try again." in wrong.value and "coursekit-explanation" not in wrong.value
    assert "Hint: Think about what the pre-trained weights already hold" in wrong.value
    assert "Correct." in right.value and "ONNX format" in right.value
    assert (subs / "s2__part1.json").exists()


def test_assessed_copy_only_saves(tmp_path, subs):
    instructor, student = tmp_path / "instructor", tmp_path / "student"
    shutil.copytree(QUIZ_DIR, instructor)
    release_quizzes(instructor, student, mode="assessed")
    view = build_quiz("part3", quiz_dir=student, submissions_dir=subs, student_id="s3")
    view.question("metrics-still-needed").inputs[""].value = False
    view.check_button.click()
    feedback = view.question("metrics-still-needed").feedback
    assert "feedback comes with your grade" in feedback.value and "coursekit-saved" in feedback._dom_classes
    assert "1 of 6 questions answered and saved" in view.score.value
    view.question("imbalanced-metric").inputs[""].value = "a"  # wrong, but an assessed copy gives no hint
    view.check_button.click()
    assert "coursekit-hint" not in view.question("imbalanced-metric").feedback.value


def test_no_student_id_shows_feedback_but_does_not_save(subs):
    view = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs)
    view.question("benefit").inputs[""].value = "a"
    view.check_button.click()
    assert "Correct." in view.question("benefit").feedback.value
    assert "Not saved" in view.status.value and "enter your student id" in view.status.value
    assert "coursekit-error" in view.status._dom_classes
    assert not subs.exists()
    view.student.value = "s4"
    view.check_button.click()
    assert "coursekit-error" not in view.status._dom_classes and (subs / "s4__part1.json").exists()


def test_submit_button_and_restoring_answers(subs):
    view = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s5")
    view.question("benefit").inputs[""].value = "a"
    view.question("why-fine-tune").inputs["b"].value = True
    app = view.question("application")
    app.inputs["legal-summarization"].value = "bert"
    app.justifications["legal-summarization"].value = "dense legal language"
    view.submit_button.click()
    assert "Hand in this file" in view.status.value
    saved = json.loads((subs / "s5__part1.json").read_text())
    assert saved["submitted_at"] is not None and saved["history"][-1]["event"] == "submit"

    ipywidgets.Widget.close_all()
    again = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s5")
    assert again.question("benefit").inputs[""].value == "a"
    assert again.question("why-fine-tune").inputs["b"].value is True
    assert again.question("application").justifications["legal-summarization"].value == "dense legal language"
    assert "Restored your saved answers" in again.status.value


def test_show_quiz_displays_the_widget(capsys):
    show_quiz("part3", quiz_dir=QUIZ_DIR, student_id="s6")
    assert "VBox" in capsys.readouterr().out


def test_typing_the_student_id_later_restores_saved_answers(subs):
    first = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s6")
    first.question("benefit").inputs[""].value = "a"
    first.check_button.click()
    ipywidgets.Widget.close_all()

    later = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="")
    assert later.question("benefit").inputs[""].value != "a"
    later.student.value = "s6"  # typed after the quiz appeared
    assert later.question("benefit").inputs[""].value == "a"
    assert "Restored your saved answers" in later.status.value

    ipywidgets.Widget.close_all()
    busy = build_quiz("part1", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="")
    busy.question("benefit").inputs[""].value = "b"  # already answering: nothing is overwritten
    busy.student.value = "s6"
    assert busy.question("benefit").inputs[""].value == "b"


def test_long_options_wrap_with_their_buttons(subs):
    """The quiz carries CSS that lets radio and checkbox labels wrap (issue 16: a long right
    answer overflowed onto the next option and hid its button); the browser test checks
    the result on screen."""
    view = build_quiz("part2", quiz_dir=QUIZ_DIR, submissions_dir=subs, student_id="s1")
    style = view.widget.children[0]
    assert "coursekit-style" in style._dom_classes and style.value.startswith("<style>")
    for rule in (".coursekit-quiz .jupyter-widget-radio-box label", "white-space: normal",
                 "align-items: flex-start", ".coursekit-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic"):
        assert rule in style.value
    long_option = view.question("test-split").inputs[""]
    assert any(len(label) > 120 for label, _ in long_option.options)


def test_a_key_found_by_searching_is_shown_as_the_student_copy(tmp_path, subs, monkeypatch):
    """Only an explicit location shows the instructor key; the nearest quizzes/ folder
    holding keys gives the practice copy, and nothing falls back to the repository."""
    monkeypatch.delenv("COURSEKIT_QUIZ_DIR", raising=False)
    course = tmp_path / "course"
    shutil.copytree(QUIZ_DIR, course / "quizzes")
    (course / "notebooks").mkdir()
    monkeypatch.chdir(course / "notebooks")
    searched = build_quiz("part1", submissions_dir=subs, student_id="s7")
    assert searched.quiz.mode == "practice" and searched.quiz.question("benefit").answer is None
    assert "Instructor copy" not in searched.widget.children[1].value
    explicit = build_quiz("part1", quiz_dir=course / "quizzes", submissions_dir=subs, student_id="s7")
    assert explicit.quiz.is_key and "Instructor copy" in explicit.widget.children[1].value
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(CoursekitError, match="no quiz folder found"):
        build_quiz("part1", submissions_dir=subs, student_id="s7")
