"""Helpers shared by the tests/test_quiz_*.py files."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

from coursekit.quiz.grading import key_answer
from coursekit.quiz.model import Quiz

ROOT = Path(__file__).resolve().parents[1]
QUIZ_DIR = ROOT / "quizzes"

REFLECTION_TEXT = (
    "After fine-tuning I would measure accuracy and the F1 score on the held-out test set. "
    "Overfitting is a risk, so I would watch the validation loss and use early stopping. "
    "Bias in customer reviews matters too. "
)


def correct_answers(quiz: Quiz) -> dict:
    """Right answers for every auto-graded question, justified, from the instructor key."""
    answers = {}
    for question in quiz.questions:
        if question.kind == "reflection":
            continue
        answer = key_answer(question)
        if question.kind == "choice_per_item":
            answer = {k: {**v, "justification": "it fits this task well"} for k, v in answer.items()}
        answers[question.id] = answer
    return answers


def wrong_answers(quiz: Quiz) -> dict:
    """A wrong answer for every auto-graded question."""
    answers = {}
    for question in quiz.questions:
        right = key_answer(question)
        if question.kind == "single_choice":
            answers[question.id] = next(o for o in question.option_ids if o != right)
        elif question.kind == "true_false":
            answers[question.id] = not right
        elif question.kind == "multiple_select":
            answers[question.id] = list(right)[:-1] or [o for o in question.option_ids if o not in right][:1]
        elif question.kind == "choice_per_item":
            answers[question.id] = {
                item: {"choice": next(o for o in question.option_ids if o != entry["choice"]),
                       "justification": "it fits this task well"}
                for item, entry in right.items()
            }
    return answers


def reflection(words: int) -> str:
    """A reflection of exactly ``words`` words that mentions some rubric points."""
    base = REFLECTION_TEXT.split()
    return " ".join((base * (words // len(base) + 1))[:words])


def raw_quiz(name: str = "part1") -> dict:
    return yaml.safe_load((QUIZ_DIR / f"{name}.yml").read_text())


def write_quiz(folder: Path, data: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.yml"
    path.write_text(yaml.safe_dump(copy.deepcopy(data), sort_keys=False))
    return path


def hand_in(root: Path, quiz: Quiz, student: str, answers: dict, when, submit: bool = True,
            folder: str | None = None) -> Path:
    """A submission file as a student's notebook writes it, in ``root/<folder or student>``;
    saved 30 minutes before ``when`` and (if ``submit``) handed in at ``when``."""
    import datetime as dt

    from coursekit.quiz.submissions import mark_submitted, record_answers, submission_path

    target = root / (folder or student)
    record_answers(quiz, student, answers, target, now=when - dt.timedelta(minutes=30))
    if submit:
        mark_submitted(quiz.id, student, target, now=when)
    return submission_path(target, student, quiz.id)


def course_points(key: dict[str, Quiz], part: str = "max_points") -> str:
    """The course's total of one kind of points (``auto_max`` or ``max_points``), as the gradebook writes it."""
    return f"{sum(getattr(quiz, part) for quiz in key.values()):g}"


def points_possible(key: dict[str, Quiz]) -> list[str]:
    """Each quiz's possible points in key order, as an LMS import file writes them."""
    return [f"{key[name].max_points:g}" for name in sorted(key)]
