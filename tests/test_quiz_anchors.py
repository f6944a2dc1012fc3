"""Each quiz asks only what its lesson taught: every question's taught_in anchor is in the lesson's text."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from coursekit.errors import QuizError
from coursekit.quiz import load_quizzes
from coursekit.quiz.anchors import anchor_problems
from coursekit.quiz.quizfile import parse_quiz, release_quiz

ROOT = Path(__file__).resolve().parents[1]


def test_every_question_of_every_quiz_is_anchored_in_taught_text():
    quizzes = load_quizzes(ROOT / "quizzes")
    assert anchor_problems(quizzes.values(), ROOT / "notebooks") == []
    assert all(q.taught_in for quiz in quizzes.values() for q in quiz.questions)
    # the three questions the lessons did not teach before (issue 22.3): each is taught in its own lesson now
    for quiz_id, question_id, lesson in (("part1", "deploy-runtime", "01_fundamentals"),
                                         ("part2", "label-names", "02_finetune_sentiment"),
                                         ("part3", "azure-monitoring", "03_evaluate")):
        assert quizzes[quiz_id].question(question_id).taught_in["lesson"] == lesson


def _with_anchor(quiz, question_id, **anchor):
    raw = copy.deepcopy(quiz.raw)
    for question in raw["questions"]:
        if question["id"] == question_id:
            question["taught_in"] = anchor
    return parse_quiz(raw, quiz.source)


def test_an_anchor_in_code_only_later_lessons_or_missing_is_a_problem():
    part2 = load_quizzes(ROOT / "quizzes")["part2"]
    code_only = _with_anchor(part2, "label-names", lesson="02_finetune_sentiment",
                             text='result.model.config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}')
    later = _with_anchor(part2, "test-split", lesson="04_deploy_azure", text="The endpoint costs money")
    nowhere = _with_anchor(part2, "stratified-split", lesson="02_finetune_sentiment", text="never said")
    problems = anchor_problems([code_only, later, nowhere], ROOT / "notebooks")
    assert "part2/label-names: 02_finetune_sentiment's text does not say" in problems[0]
    assert "part2/test-split: taught in 04_deploy_azure, after the quiz of part 2" in problems
    assert any(p.startswith("part2/stratified-split: 02_finetune_sentiment's text does not say") for p in problems)
    raw = copy.deepcopy(part2.raw)
    del raw["questions"][0]["taught_in"]
    assert anchor_problems([parse_quiz(raw)], ROOT / "notebooks") == \
        ["part2/eval-strategy: no taught_in (the lesson passage that teaches it)"]


def test_a_malformed_anchor_is_refused_and_students_do_not_get_it():
    part1 = load_quizzes(ROOT / "quizzes")["part1"]
    raw = copy.deepcopy(part1.raw)
    raw["questions"][0]["taught_in"] = {"lesson": "lesson one", "text": "x"}
    with pytest.raises(QuizError, match="taught_in.*lesson.*notebook name such as 01_fundamentals"):
        parse_quiz(raw)
    assert all("taught_in" not in q for q in release_quiz(part1, "practice")["questions"])
