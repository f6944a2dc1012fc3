"""Grade answers: plain Python, no kernel or browser needed.

Answer shapes are described in :mod:`coursekit.quiz.answers`. How each kind is scored:

* ``single_choice``, ``true_false``: right or wrong
* ``multiple_select``: all or nothing; with ``partial_credit``, (right picks - wrong
  picks) / right options of the points, never below 0
* ``choice_per_item``: each item is worth ``points / len(items)`` when the choice is
  right *and* a one-line justification of the right length is given
* ``reflection``: never auto-scored (word count and rubric mentions only)

A key is graded against its plain answers, a practice copy against its salted hashes; an
assessed copy gives no verdict (feedback comes with the grade). A wrong answer shows the
question's ``hint`` when it has one (assessed copies have none). An answer of the wrong
shape is *invalid*: 0 points, with the problem said, never mistaken for an unanswered one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from coursekit.quiz.answers import (
    answer_hash, canonical, describe_answer, key_answer, normalise_answer, rubric_mentions, unlock_explanation,
    why_key, word_count,
)
from coursekit.quiz.model import Question, Quiz

__all__ = ["ItemResult", "QuestionResult", "QuizResult", "canonical", "describe_answer", "format_points",
           "grade_question", "grade_quiz", "key_answer", "normalise_answer", "rubric_mentions", "word_count"]


@dataclass(frozen=True)
class ItemResult:
    item_id: str
    choice: str | None
    correct: bool | None
    justified: bool
    justification: str = ""


@dataclass(frozen=True)
class QuestionResult:
    """The verdict on one answer. ``correct`` is ``None`` where no verdict is given
    (unanswered, reflections, assessed copies); ``score`` is ``None`` where a person
    grades (reflections)."""

    question_id: str
    kind: str
    answered: bool
    correct: bool | None
    score: float | None
    max_score: float
    feedback: str
    explanation: str | None = None
    answer: Any = None
    problem: str | None = None
    word_count: int | None = None
    in_range: bool | None = None
    rubric_mentioned: tuple[str, ...] = ()
    items: tuple[ItemResult, ...] = ()
    hint: str | None = None
    why: str | None = None  # after a wrong answer: why the chosen option(s) are wrong
    note: str | None = None
    full: bool = False  # full points: the question changed after an accepted earlier version was answered

    @property
    def needs_review(self) -> bool:
        return self.kind == "reflection"

    @property
    def invalid(self) -> bool:
        """An answer was given but does not fit the question (worth 0, said so)."""
        return self.problem is not None

    @property
    def status(self) -> str:
        """``full`` (full points for a changed question), ``unanswered``, ``invalid``,
        ``correct``, ``partial``, ``wrong``, ``saved`` (no verdict: assessed copies) or
        ``review`` (a reflection, graded by a person)."""
        if self.full:
            return "full"
        if self.invalid:
            return "invalid"
        if not self.answered:
            return "unanswered"
        if self.kind == "reflection":
            return "review"
        if self.correct is None:
            return "saved" if self.score is None else "correct"
        if self.correct:
            return "correct"
        return "partial" if self.score else "wrong"


@dataclass(frozen=True)
class QuizResult:
    quiz_id: str
    quiz_version: str
    mode: str
    results: tuple[QuestionResult, ...] = field(default_factory=tuple)

    def __getitem__(self, question_id: str) -> QuestionResult:
        found = [r for r in self.results if r.question_id == question_id]
        if not found:
            raise KeyError(question_id)
        return found[0]

    @property
    def auto_score(self) -> float:
        return sum(r.score or 0.0 for r in self.results if r.kind != "reflection")

    @property
    def auto_max(self) -> float:
        return sum(r.max_score for r in self.results if r.kind != "reflection")

    @property
    def manual_max(self) -> float:
        return sum(r.max_score for r in self.results if r.kind == "reflection")

    @property
    def answered(self) -> int:
        return sum(r.answered for r in self.results)

    def score_line(self) -> str:
        """One line for the student: points so far, what is left, what a person grades."""
        missing = len(self.results) - self.answered
        parts = [f"{self.answered} of {len(self.results)} questions answered and saved"] if self.mode == "assessed" \
            else [f"Score: {format_points(self.auto_score)} / {format_points(self.auto_max)} auto-graded points"] + (
                [f"{missing} unanswered"] if missing else [])
        if self.manual_max:
            parts.append(f"reflections ({format_points(self.manual_max)} points) are graded by your instructor")
        return "; ".join(parts)


def format_points(value: float | None) -> str:
    """Points as a person writes them: ``7``, ``3.5``, ``0.67`` (two decimals at most)."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------- grading


def grade_quiz(quiz: Quiz, answers: Mapping[str, Any] | None, *, partial_credit: bool = False,
               full_credit: Iterable[str] = ()) -> QuizResult:
    """Grade every question of ``quiz`` (unknown answer ids are ignored). ``partial_credit``:
    multiple-select questions earn part of their points (keys only: a practice copy knows
    only whether the whole set is right). ``full_credit``: ids of questions that earn full
    points whatever the answer (changed after an accepted earlier version was answered)."""
    answers = answers if isinstance(answers, Mapping) else {}
    results = [grade_question(quiz, q, answers.get(q.id), partial_credit=partial_credit) for q in quiz.questions]
    results = [_full_credit(r, q) if q.id in set(full_credit) and q.auto_graded else r
               for r, q in zip(results, quiz.questions)]
    return QuizResult(quiz_id=quiz.id, quiz_version=quiz.version, mode=quiz.mode, results=tuple(results))


def _full_credit(result: QuestionResult, question: Question) -> QuestionResult:
    """Full points, said the same way everywhere; what the answer was stays in the note."""
    note = "full points (changed question)" + ("" if result.answered else "; not answered") + (
        f"; the answer was invalid: {result.problem}" if result.problem else "")
    return replace(result, score=question.points, correct=True, problem=None, hint=None, full=True, note=note,
                   feedback="Full points: this question changed after you answered it.")


def grade_question(quiz: Quiz, question: Question, raw_answer: Any, *, partial_credit: bool = False) -> QuestionResult:
    """Grade one answer against the key, the practice hashes, or not at all (assessed)."""
    answer, problem = normalise_answer(question, raw_answer)
    if question.kind == "reflection":
        return _grade_reflection(question, answer, problem, show_rubric=quiz.is_key)
    base = dict(question_id=question.id, kind=question.kind, max_score=question.points)
    if answer is None:
        return QuestionResult(**base, answered=problem is not None, correct=False if problem else None, score=0.0,
                              feedback=f"Not a valid answer: {problem}." if problem else "Not answered yet.",
                              problem=problem)
    if quiz.mode == "assessed":
        return QuestionResult(**base, answered=True, correct=None, score=None, answer=answer,
                              feedback="Answer saved: feedback comes with your grade.")
    if question.kind == "choice_per_item":
        return _grade_items(quiz, question, answer, base)
    correct = _matches(quiz, question, canonical(question, answer))
    score, feedback = (question.points, "Correct.") if correct else (0.0, "Incorrect.")
    if not correct and quiz.is_key and partial_credit and question.kind == "multiple_select":
        score = _partial_score(question, answer)
        feedback = f"Partly right: {format_points(score)} of {format_points(question.points)} points." if score else feedback
    elif not correct and not quiz.is_key:
        feedback = ("Not quite: select every option that applies, and only those. Try again."
                    if question.kind == "multiple_select" else "Not quite. Try again.")
    return QuestionResult(**base, answered=True, correct=correct, score=score, feedback=feedback, answer=answer,
                          explanation=_explanation(quiz, question, answer, correct),
                          hint=None if correct else question.hint, why=None if correct else _why(quiz, question, answer))


def _why(quiz: Quiz, question: Question, answer: Any) -> str | None:
    """Why the chosen option(s) are wrong: each one's ``why`` (unlocked by its id in a practice copy); for
    true/false, the explanation of the other answer."""
    if question.kind == "true_false":
        return _explanation(quiz, question, not answer, True)
    chosen = [answer] if question.kind == "single_choice" else list(answer or [])
    whys = []
    for option in (o for o in question.options if o.id in chosen):
        text = option.why if quiz.is_key else option.why_locked and unlock_explanation(
            quiz.salt, question.id, why_key(option.id), option.why_locked)
        if text:
            whys.append(text if question.kind == "single_choice" else f"{option.text}: {text}")
    return "\n".join(whys) or None


def _matches(quiz: Quiz, question: Question, given: str, item=None) -> bool:
    """Is ``given`` (canonical) the right answer: the key's, or in a practice copy, its hash?"""
    if quiz.is_key:
        return given == (item.answer if item else canonical(question, key_answer(question)))
    right = item.answer_hash if item else question.answer_hash
    return answer_hash(quiz.salt, question.id, given, item_id=item.id if item else "") == right


def _partial_score(question: Question, answer: list[str]) -> float:
    right, chosen = set(question.answer), set(answer)
    return round(question.points * max(0.0, (len(chosen & right) - len(chosen - right)) / len(right)), 6)


def _explanation(quiz: Quiz, question: Question, answer: Any, correct: bool) -> str | None:
    if quiz.is_key:
        return question.explanation
    if correct and question.explanation_locked:
        return unlock_explanation(quiz.salt, question.id, canonical(question, answer), question.explanation_locked)
    return None


def _grade_items(quiz: Quiz, question: Question, answer: dict, base: dict) -> QuestionResult:
    rule, share = question.justification, question.points / len(question.items)
    items, lines = [], []
    for item in question.items:
        entry = answer.get(item.id) or {}
        choice, text = entry.get("choice"), entry.get("justification", "")
        justified = not rule.get("required", True) or rule["min_words"] <= word_count(text) <= rule["max_words"]
        correct = choice is not None and _matches(quiz, question, choice, item)
        items.append(ItemResult(item.id, choice, correct, justified, text))
        why = f" {item.explanation}" if quiz.is_key and item.explanation else ""
        lines.append(f"{item.prompt}: not answered." if choice is None else
                     f"{item.prompt}: {question.option_text(choice)}: "
                     f"{'right choice' if correct else 'not the best fit'}.{why}")
        if choice is not None and not justified:
            lines.append(f"{item.prompt}: add a one-line justification ({rule['min_words']} to {rule['max_words']} "
                         "words).")
    all_right, all_chosen = all(r.correct and r.justified for r in items), all(r.correct for r in items)
    lines += [] if all_right or quiz.is_key else ["Try again."]
    return QuestionResult(**base, answered=True, correct=all_right, answer=answer, items=tuple(items),
                          score=round(share * sum(r.correct and r.justified for r in items), 6),
                          feedback="\n".join(lines), explanation=_explanation(quiz, question, answer, all_chosen),
                          hint=None if all_chosen else question.hint)


def _grade_reflection(question: Question, answer: str | None, problem: str | None, show_rubric: bool) -> QuestionResult:
    words, low, high = word_count(answer), question.min_words, question.max_words
    if problem:
        feedback = f"Not a valid answer: {problem}."
    elif not answer:
        feedback = f"Not answered yet (aim for {low} to {high} words)."
    elif words < low:
        feedback = f"{words} words: a bit short, aim for at least {low}."
    elif words > high:
        feedback = f"{words} words: too long, keep it to {high} at most."
    else:
        feedback = f"{words} words: within the {low} to {high} word range. Your instructor grades it."
    return QuestionResult(question_id=question.id, kind="reflection", answered=bool(answer), correct=None, score=None,
                          max_score=question.points, feedback=feedback, answer=answer, problem=problem,
                          word_count=words, in_range=bool(answer) and low <= words <= high,
                          rubric_mentioned=rubric_mentions(answer or "", question) if show_rubric else ())
