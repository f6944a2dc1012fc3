"""Grading in plain Python: each question kind right and wrong, against the key, a
practice copy (hashes) and an assessed copy (no verdict)."""
from __future__ import annotations

import pytest
from quiz_support import QUIZ_DIR, correct_answers, reflection, wrong_answers

from coursekit.quiz.grading import grade_question, grade_quiz, rubric_mentions, word_count
from coursekit.quiz.quizfile import release_quiz
from coursekit.quiz.quizfile import load_quizzes, parse_quiz


@pytest.fixture(scope="module")
def key():
    return load_quizzes(QUIZ_DIR)


def _grade(quiz, qid, answer):
    return grade_question(quiz, quiz.question(qid), answer)


def test_single_choice(key):
    quiz = key["part1"]
    right = _grade(quiz, "benefit", "a")
    assert right.correct is True and right.score == 1 and right.feedback == "Correct."
    assert "pre-trained" in right.explanation
    wrong = _grade(quiz, "benefit", "c")
    assert wrong.correct is False and wrong.score == 0 and wrong.feedback == "Incorrect."
    assert wrong.explanation == right.explanation  # the key explains either way


def test_true_false(key):
    quiz = key["part3"]
    assert _grade(quiz, "metrics-still-needed", False).correct is True
    assert _grade(quiz, "metrics-still-needed", True).correct is False
    assert _grade(quiz, "azure-monitoring", True).score == 1
    assert _grade(quiz, "azure-monitoring", "false").correct is False  # text booleans are read too


def test_multiple_select_is_all_or_nothing(key):
    quiz = key["part1"]
    assert _grade(quiz, "why-fine-tune", ["c", "a", "b"]).correct is True
    for answer in (["a", "b"], ["a", "b", "c", "d"], ["d"]):
        result = _grade(quiz, "why-fine-tune", answer)
        assert result.correct is False and result.score == 0


def test_choice_per_item_scores_each_justified_item(key):
    quiz = key["part1"]
    why = "it fits this task well"
    all_right = {"legal-summarization": {"choice": "bert", "justification": why},
                 "sentiment-analysis": {"choice": "distilbert", "justification": why},
                 "image-captioning": {"choice": "vit-gpt2", "justification": why}}
    result = _grade(quiz, "application", all_right)
    assert result.correct is True and result.score == pytest.approx(3)
    one_wrong = {**all_right, "legal-summarization": {"choice": "distilbert", "justification": why}}
    result = _grade(quiz, "application", one_wrong)
    assert result.correct is False and result.score == pytest.approx(2)
    assert "Legal document summarization: DistilBERT (distilbert-base-uncased): not the best fit" in result.feedback
    unjustified = {**all_right, "image-captioning": {"choice": "vit-gpt2", "justification": "ok"}}
    result = _grade(quiz, "application", unjustified)
    assert result.score == pytest.approx(2) and "Image captioning: add a one-line justification" in result.feedback
    assert [i.justified for i in result.items] == [True, True, False]


def test_reflection_is_counted_not_scored(key):
    quiz = key["part2"]
    question = quiz.question("reflection")
    result = _grade(quiz, "reflection", reflection(200))
    assert result.score is None and result.correct is None and result.needs_review
    assert result.word_count == 200 and result.in_range is True
    assert set(result.rubric_mentioned) == {"metrics", "overfitting", "bias", "context"}
    short = _grade(quiz, "reflection", reflection(50))
    assert short.in_range is False and "aim for at least 180" in short.feedback
    long = _grade(quiz, "reflection", reflection(question.max_words + 1))
    assert long.in_range is False and "too long" in long.feedback


def test_word_count_and_rubric_matching(key):
    assert word_count("Fine-tuning isn't free: it costs GPU time, e.g. 3 hours.") == 10
    assert word_count("") == 0 and word_count(None) == 0
    question = key["part2"].question("reflection")
    assert rubric_mentions("The model may OVERFIT the training set.", question) == ("overfitting",)
    assert rubric_mentions("unbiased", question) == ()  # keywords match at the start of a word


def test_unanswered_and_invalid_answers(key):
    quiz = key["part1"]
    blank = _grade(quiz, "benefit", None)
    assert blank.answered is False and blank.score == 0 and blank.feedback == "Not answered yet."
    invalid = _grade(quiz, "benefit", ["a"])
    assert invalid.correct is False and invalid.score == 0 and "not one of the options" in invalid.problem
    assert _grade(quiz, "why-fine-tune", "a").problem == "'a' is not a list of option ids"


def test_whole_quiz_scores_and_score_line(key):
    for quiz in key.values():
        right = grade_quiz(quiz, correct_answers(quiz))
        assert right.auto_score == pytest.approx(quiz.auto_max)
        wrong = grade_quiz(quiz, wrong_answers(quiz))
        assert wrong.auto_score == 0
    result = grade_quiz(key["part2"], {"eval-strategy": "b"})
    assert result.score_line() == ("Score: 1 / 7 auto-graded points; 7 unanswered; "
                                   "reflections (4 points) are graded by your instructor")


def test_practice_copy_grades_like_the_key_without_the_answers(key):
    for quiz in key.values():
        practice = parse_quiz(release_quiz(quiz, "practice"), source="practice")
        right = grade_quiz(practice, correct_answers(quiz))
        wrong = grade_quiz(practice, wrong_answers(quiz))
        assert right.auto_score == pytest.approx(quiz.auto_max)
        assert wrong.auto_score == 0
        for question in quiz.questions:
            if question.kind == "reflection":
                assert right[question.id].rubric_mentioned == ()  # no rubric in a student copy
                continue
            # the explanation unlocks only with the right answer
            assert right[question.id].explanation.startswith(question.explanation.strip()[:40])
            assert wrong[question.id].explanation is None
            assert "Try again" in wrong[question.id].feedback


def test_assessed_copy_gives_no_verdict(key):
    quiz = parse_quiz(release_quiz(key["part3"], "assessed"), source="assessed")
    result = grade_quiz(quiz, correct_answers(key["part3"]))
    for question_result in result.results:
        if question_result.kind != "reflection":
            assert question_result.correct is None and question_result.explanation is None
            assert question_result.feedback == "Answer saved: feedback comes with your grade."
    assert result.score_line().startswith("5 of 6 questions answered and saved")


def test_wrong_types_are_invalid_not_silent_zeros(key):
    """A list for a single choice and "A" for "a" score 0 but say why; unanswered is not wrong."""
    quiz = key["part1"]
    statuses = {
        "unanswered": _grade(quiz, "benefit", None),
        "wrong": _grade(quiz, "benefit", "b"),
        "list": _grade(quiz, "benefit", ["a"]),
        "case": _grade(quiz, "benefit", "A"),
    }
    assert statuses["unanswered"].status == "unanswered" and not statuses["unanswered"].invalid
    assert statuses["wrong"].status == "wrong" and statuses["wrong"].problem is None
    assert statuses["list"].status == "invalid" and statuses["list"].problem == "['a'] is not one of the options a, b, c, d"
    assert statuses["case"].status == "invalid" and "'A' is not one of the options" in statuses["case"].feedback


def test_partial_credit_for_multiple_select(key):
    quiz = key["part1"]  # why-fine-tune: right a, b, c (1 point)
    question = quiz.question("why-fine-tune")
    assert grade_question(quiz, question, ["a", "b"]).score == 0  # all or nothing by default
    partial = grade_question(quiz, question, ["a", "b"], partial_credit=True)
    assert partial.score == pytest.approx(2 / 3) and partial.status == "partial" and partial.correct is False
    assert "Partly right" in partial.feedback
    assert grade_question(quiz, question, ["a", "d"], partial_credit=True).score == 0  # 1 right - 1 wrong
    assert grade_question(quiz, question, ["a", "b", "d"], partial_credit=True).score == pytest.approx(1 / 3)
    assert grade_question(quiz, question, ["a", "b", "c"], partial_credit=True).score == 1
    totals = grade_quiz(quiz, {"why-fine-tune": ["a", "c"]}, partial_credit=True)
    assert totals.auto_score == pytest.approx(2 / 3)


def test_full_credit_for_changed_questions(key):
    quiz = key["part1"]
    result = grade_quiz(quiz, {"benefit": "c"}, full_credit=["benefit", "new-head"])
    assert result["benefit"].score == 1 and result["new-head"].score == 1
    assert result["benefit"].note == "full points (changed question)"
    assert result.auto_score == 2


def test_a_wrong_answer_shows_the_hint_in_the_key_and_practice_not_assessed(key):
    quiz = key["part1"]
    hint = quiz.question("benefit").hint
    assert hint and _grade(quiz, "benefit", "c").hint == hint
    assert _grade(quiz, "benefit", "a").hint is None  # right: no hint
    practice = parse_quiz(release_quiz(quiz, "practice"), source="practice")
    assert practice.question("benefit").hint == hint
    assert grade_question(practice, practice.question("benefit"), "c").hint == hint
    assert grade_question(practice, practice.question("benefit"), "a").hint is None
    assessed = parse_quiz(release_quiz(quiz, "assessed"), source="assessed")
    assert assessed.question("benefit").hint is None
    assert grade_question(assessed, assessed.question("benefit"), "c").hint is None


def test_every_shipped_auto_graded_question_has_a_hint(key):
    for quiz in key.values():
        for question in quiz.questions:
            assert question.hint or not question.auto_graded, (quiz.id, question.id)
