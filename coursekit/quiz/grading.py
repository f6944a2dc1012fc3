"""Grade answers: plain Python, no kernel or browser needed.

Answers have the JSON shapes stored in submission files:

* ``single_choice``: an option id, e.g. ``"a"``
* ``true_false``: ``true`` or ``false``
* ``multiple_select``: a list of option ids (all-or-nothing)
* ``choice_per_item``: ``{item_id: {"choice": option_id, "justification": "one line"}}``;
  each item is worth ``points / len(items)`` when the choice is right *and* justified
* ``reflection``: the text; never auto-scored (word count and rubric mentions only)

An instructor key is graded against its plain answers, a practice copy against its
salted hashes; an assessed copy gives no verdict (feedback comes with the grade).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from coursekit.quiz.answer_lock import answer_hash, unlock_explanation
from coursekit.quiz.schema import Question, Quiz

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def word_count(text: str | None) -> int:
    """Words in ``text`` (hyphenated words, contractions, "e.g." and "3.5" count once)."""
    return len(_WORD.findall(text or ""))


def rubric_mentions(text: str, question: Question) -> tuple[str, ...]:
    """Ids of the rubric points whose keywords appear in ``text`` (case-insensitive,
    matched at the start of a word, so ``overfit`` finds "overfitting")."""
    found = []
    for point in question.rubric:
        for keyword in point.keywords:
            if re.search(r"(?<!\w)" + re.escape(keyword), text or "", re.IGNORECASE):
                found.append(point.id)
                break
    return tuple(found)


# --------------------------------------------------------------------------- answers


def _blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def normalise_answer(question: Question, raw: Any) -> tuple[Any, str | None]:
    """``(answer, problem)``: the answer in its canonical JSON shape, or ``None`` with
    a problem when it does not fit the question (wrong type, unknown option)."""
    if _blank(raw):
        return None, None
    kind = question.kind
    if kind == "single_choice":
        if isinstance(raw, str) and raw in question.option_ids:
            return raw, None
        return None, f"{raw!r} is not one of the options {', '.join(question.option_ids)}"
    if kind == "true_false":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true", None
        return None, f"{raw!r} is not true or false"
    if kind == "multiple_select":
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            return None, "expected a list of option ids"
        unknown = [v for v in raw if v not in question.option_ids]
        if unknown:
            return None, f"{', '.join(map(repr, unknown))} not among the options"
        return sorted(set(raw)), None
    if kind == "choice_per_item":
        if not isinstance(raw, Mapping):
            return None, "expected {item: {choice, justification}}"
        answer = {}
        for item in question.items:
            entry = raw.get(item.id) or {}
            if isinstance(entry, str):
                entry = {"choice": entry}
            if not isinstance(entry, Mapping):
                return None, f"item {item.id!r}: expected a choice and a justification"
            choice = entry.get("choice")
            if choice is not None and choice not in question.option_ids:
                return None, f"item {item.id!r}: {choice!r} is not one of the options"
            text = " ".join(str(entry.get("justification") or "").split())
            if choice is not None or text:
                answer[item.id] = {"choice": choice, "justification": text}
        return (answer or None), None
    if kind == "reflection":
        if isinstance(raw, str):
            return raw, None
        return None, "expected text"
    raise ValueError(f"unknown question kind {kind!r}")  # pragma: no cover - schema forbids


def canonical(question: Question, answer: Any) -> str:
    """The string that is hashed for an answer (see :mod:`coursekit.quiz.answer_lock`)."""
    if question.kind == "true_false":
        return "true" if answer else "false"
    if question.kind == "multiple_select":
        return ",".join(sorted(answer))
    if question.kind == "choice_per_item":
        return "|".join(f"{item.id}={(answer.get(item.id) or {}).get('choice')}" for item in question.items)
    return str(answer)


def key_answer(question: Question) -> Any:
    """The instructor key's answer in the submission shape (choice_per_item: choices only)."""
    if question.kind == "choice_per_item":
        return {item.id: {"choice": item.answer} for item in question.items}
    if question.kind == "multiple_select":
        return sorted(question.answer)
    return question.answer


def describe_answer(question: Question, answer: Any) -> str:
    """Readable text for an answer (gradebook summaries)."""
    if answer is None:
        return ""
    if question.kind == "single_choice":
        return f"{answer}) {question.option_text(answer)}"
    if question.kind == "true_false":
        return "True" if answer else "False"
    if question.kind == "multiple_select":
        return " + ".join(f"{a}) {question.option_text(a)}" for a in answer)
    if question.kind == "choice_per_item":
        return "; ".join(
            f"{item.id}: {question.option_text((answer.get(item.id) or {}).get('choice') or '-')}"
            for item in question.items
        )
    return f"{word_count(answer)} words"


# --------------------------------------------------------------------------- results


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

    @property
    def needs_review(self) -> bool:
        return self.kind == "reflection"


@dataclass(frozen=True)
class QuizResult:
    quiz_id: str
    quiz_version: str
    mode: str
    results: tuple[QuestionResult, ...] = field(default_factory=tuple)

    def __getitem__(self, question_id: str) -> QuestionResult:
        for result in self.results:
            if result.question_id == question_id:
                return result
        raise KeyError(question_id)

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
        total = len(self.results)
        parts = []
        if self.mode == "assessed":
            parts.append(f"{self.answered} of {total} questions answered and saved")
        else:
            parts.append(f"Score: {format_points(self.auto_score)} / {format_points(self.auto_max)} auto-graded points")
            missing = total - self.answered
            if missing:
                parts.append(f"{missing} unanswered")
        if self.manual_max:
            parts.append(f"reflections ({format_points(self.manual_max)} points) are graded by your instructor")
        return "; ".join(parts)


def format_points(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


# --------------------------------------------------------------------------- grading


def grade_quiz(quiz: Quiz, answers: Mapping[str, Any] | None) -> QuizResult:
    """Grade every question of ``quiz`` (unknown answer ids are ignored)."""
    answers = answers or {}
    return QuizResult(
        quiz_id=quiz.id,
        quiz_version=quiz.version,
        mode=quiz.mode,
        results=tuple(grade_question(quiz, q, answers.get(q.id)) for q in quiz.questions),
    )


def grade_question(quiz: Quiz, question: Question, raw_answer: Any) -> QuestionResult:
    """Grade one answer against the key, the practice hashes, or not at all (assessed)."""
    answer, problem = normalise_answer(question, raw_answer)
    if question.kind == "reflection":
        return _grade_reflection(question, answer, problem, show_rubric=quiz.is_key)
    base = dict(question_id=question.id, kind=question.kind, max_score=question.points)
    if answer is None:
        feedback = f"Not a valid answer: {problem}." if problem else "Not answered yet."
        return QuestionResult(**base, answered=problem is not None, correct=False if problem else None,
                              score=0.0, feedback=feedback, problem=problem)
    if quiz.mode == "assessed":
        return QuestionResult(**base, answered=True, correct=None, score=None, answer=answer,
                              feedback="Answer saved: feedback comes with your grade.")
    if question.kind == "choice_per_item":
        return _grade_items(quiz, question, answer, base)
    correct = _is_correct(quiz, question, answer)
    explanation = _explanation(quiz, question, answer, correct)
    if correct:
        feedback = "Correct."
    elif quiz.is_key:
        feedback = "Incorrect."
    elif question.kind == "multiple_select":
        feedback = "Not quite: select every option that applies, and only those. Try again."
    else:
        feedback = "Not quite. Try again."
    return QuestionResult(**base, answered=True, correct=correct, score=question.points if correct else 0.0,
                          feedback=feedback, explanation=explanation, answer=answer)


def _is_correct(quiz: Quiz, question: Question, answer: Any) -> bool:
    if quiz.is_key:
        return canonical(question, answer) == canonical(question, key_answer(question))
    return answer_hash(quiz.salt, question.id, canonical(question, answer)) == question.answer_hash


def _explanation(quiz: Quiz, question: Question, answer: Any, correct: bool) -> str | None:
    if quiz.is_key:
        return question.explanation
    if correct and question.explanation_locked:
        return unlock_explanation(quiz.salt, question.id, canonical(question, answer), question.explanation_locked)
    return None


def _item_correct(quiz: Quiz, question: Question, item, choice: str | None) -> bool:
    if choice is None:
        return False
    if quiz.is_key:
        return choice == item.answer
    return answer_hash(quiz.salt, question.id, choice, item_id=item.id) == item.answer_hash


def _grade_items(quiz: Quiz, question: Question, answer: dict, base: dict) -> QuestionResult:
    rule = question.justification
    share = question.points / len(question.items)
    item_results, lines, score = [], [], 0.0
    for item in question.items:
        entry = answer.get(item.id) or {}
        choice, text = entry.get("choice"), entry.get("justification", "")
        n_words = word_count(text)
        justified = (not rule.get("required", True)) or rule["min_words"] <= n_words <= rule["max_words"]
        correct = _item_correct(quiz, question, item, choice)
        item_results.append(ItemResult(item.id, choice, correct, justified, text))
        if correct and justified:
            score += share
        label = item.prompt
        if choice is None:
            lines.append(f"{label}: not answered.")
        elif not correct:
            lines.append(f"{label}: {question.option_text(choice)}: not the best fit." +
                         (f" {item.explanation}" if quiz.is_key and item.explanation else ""))
        else:
            lines.append(f"{label}: {question.option_text(choice)}: right choice." +
                         (f" {item.explanation}" if quiz.is_key and item.explanation else ""))
        if choice is not None and not justified:
            lines.append(
                f"{label}: add a one-line justification ({rule['min_words']} to {rule['max_words']} words)."
            )
    all_right = all(r.correct and r.justified for r in item_results)
    if not all_right and not quiz.is_key:
        lines.append("Try again.")
    explanation = None
    if quiz.is_key:
        explanation = question.explanation
    elif all(r.correct for r in item_results) and question.explanation_locked:
        explanation = unlock_explanation(quiz.salt, question.id, canonical(question, answer), question.explanation_locked)
    return QuestionResult(**base, answered=True, correct=all_right, score=round(score, 6),
                          feedback=" ".join(lines), explanation=explanation, answer=answer,
                          items=tuple(item_results))


def _grade_reflection(question: Question, answer: str | None, problem: str | None, show_rubric: bool) -> QuestionResult:
    words = word_count(answer)
    low, high = question.min_words, question.max_words
    in_range = low <= words <= high
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
    return QuestionResult(
        question_id=question.id, kind="reflection", answered=bool(answer), correct=None, score=None,
        max_score=question.points, feedback=feedback, answer=answer, problem=problem,
        word_count=words, in_range=bool(answer) and in_range,
        rubric_mentioned=rubric_mentions(answer or "", question) if show_rubric else (),
    )
