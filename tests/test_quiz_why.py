"""Per-choice feedback: after a wrong answer, why that choice is wrong (issue 22.4)."""
from __future__ import annotations

from quiz_support import QUIZ_DIR

from coursekit.quiz import grade_question, load_quizzes
from coursekit.quiz.quizfile import parse_quiz, release_quiz


def _copy(quiz, mode):
    return parse_quiz(release_quiz(quiz, mode), f"{quiz.id} ({mode})")


def test_every_wrong_option_of_the_keys_says_why_it_is_wrong():
    for quiz in load_quizzes(QUIZ_DIR).values():
        for question in (q for q in quiz.questions if q.kind in ("single_choice", "multiple_select")):
            right = set(question.answer) if question.kind == "multiple_select" else {question.answer}
            for option in question.options:
                assert bool(option.why) == (option.id not in right), (quiz.id, question.id, option.id)


def test_a_wrong_choice_gets_its_why_in_the_key_and_the_practice_copy_never_in_assessed():
    part2 = load_quizzes(QUIZ_DIR)["part2"]
    question = part2.question("eval-strategy")
    old_name = next(o for o in question.options if o.id == "a")
    assert grade_question(part2, question, "a").why == old_name.why
    assert grade_question(part2, question, "b").why is None  # right: the explanation, no why
    practice = _copy(part2, "practice")
    released = practice.question("eval-strategy")
    assert all(o.why is None for o in released.options)  # only locked in the copy
    assert [bool(o.why_locked) for o in released.options] == [True, False, True, True]
    wrong = grade_question(practice, released, "a")
    assert wrong.correct is False and wrong.why == old_name.why and wrong.explanation is None
    assessed = _copy(part2, "assessed")
    assert all(o.why_locked is None for o in assessed.question("eval-strategy").options)
    assert grade_question(assessed, assessed.question("eval-strategy"), "a").why is None


def test_multiple_select_names_each_wrong_pick_and_true_false_explains_the_other_answer():
    part2 = _copy(load_quizzes(QUIZ_DIR)["part2"], "practice")
    signs = part2.question("overfitting-signs")
    why = grade_question(part2, signs, ["a", "c"]).why
    assert why.startswith("Training and validation loss fall together.: Both losses falling together is healthy")
    assert len(why.splitlines()) == 1  # a, a right pick, has no why
    label_names = part2.question("label-names")
    wrong = grade_question(part2, label_names, True)
    assert wrong.correct is False and wrong.why.startswith("False. Without `id2label`")


def test_the_widget_shows_the_why_and_the_items_as_a_list(tmp_path):
    from coursekit.quiz import build_quiz

    view = build_quiz("part1", QUIZ_DIR, submissions_dir=tmp_path, student_id="s1")
    view.question("benefit").inputs[""].value = "b"
    application = view.question("application")
    application.inputs["legal-summarization"].value = "distilbert"
    view.check()
    benefit = view.question("benefit").feedback.value
    assert "<div class='coursekit-why'>Why not: Fine-tuning still learns from labelled examples" in benefit
    items = application.feedback.value
    assert items.count("<li>") == 4 and "<b>Not all right yet:</b>" in items  # 3 items, 1 justification missing
    assert "<li>Legal document summarization: add a one-line justification" in items
    assert "Legal document summarization: DistilBERT (distilbert-base-uncased): not the best fit" in items
    assert type(application.justifications["legal-summarization"]).__name__ == "Textarea"
