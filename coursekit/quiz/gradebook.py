"""Grade a folder of submissions against the instructor key into a gradebook.

Every answer is re-graded from the key (a score stored in a submission is never read).
The gradebook has one row per student (every roster student, every student a file names)
and per quiz: a cell per question (blank when unanswered, ``0`` when wrong or invalid),
the auto-graded score, the manual score (reflections, from ``--manual``), the late
penalty, the quiz total and maximum, the hand-in time, the due date (with extensions),
whether it was late, the status (``submitted``, ``saved, not submitted``, ``missing``
or ``rejected: why``), the unanswered questions and notes (invalid answers, changed
questions, id matches). Then the grand totals. Reflections are never auto-scored: their
word count, range and rubric mentions help the person who scores them.
Writing (backups, refusals, what changed) lives in :mod:`coursekit.quiz.gradebook_files`.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import QuizError
from coursekit.quiz.grading import describe_answer, format_points
from coursekit.quiz.intake import Graded, Intake, Rejected, collect, submission_files
from coursekit.quiz.manual import ManualScore, read_codes, read_manual
from coursekit.quiz.model import Quiz
from coursekit.quiz.policy import Policy, build_policy, days_late
from coursekit.quiz.roster import Roster, read_roster
from coursekit.quiz.schema import load_quizzes

__all__ = ["Gradebook", "Problem", "grade_submissions", "load_key", "submission_files", "write_gradebook"]

QUIZ_FIELDS = ("auto_score", "auto_max", "manual_score", "manual_max", "late_penalty", "total", "max",
               "submitted_at", "due", "late", "status", "unanswered", "notes")
STUDENT_FIELDS = ["student_id", "name", "email", "roster"]
TOTAL_FIELDS = ["total_auto", "total_auto_max", "total", "total_max", "manual_review", "notes"]


@dataclass(frozen=True)
class Problem:
    path: Path | None
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{'skipped: ' if self.skipped else ''}{self.message}"


@dataclass
class Gradebook:
    key: dict[str, Quiz]
    policy: Policy
    intake: Intake
    manual: list[ManualScore]
    roster: Roster | None
    columns: list[str]
    rows: list[dict]
    summary_columns: list[str]
    summary: list[dict]
    warnings: list[str] = field(default_factory=list)

    @property
    def graded(self) -> dict[tuple[str, str], Graded]:
        return self.intake.graded

    @property
    def rejected(self) -> list[Rejected]:
        return self.intake.rejected

    @property
    def problems(self) -> list[Problem]:
        """Skipped files, then warnings (nothing skipped)."""
        return [Problem(r.path, r.reason) for r in self.rejected] + [Problem(None, w, False) for w in self.warnings]

    def row(self, student_id: str) -> dict:
        for row in self.rows:
            if row["student_id"] == student_id:
                return row
        raise KeyError(student_id)

    def manual_score(self, student_id: str, quiz_id: str, question_id: str) -> ManualScore | None:
        return next((m for m in self.manual if (m.student_id, m.quiz_id, m.question_id) ==
                     (student_id, quiz_id, question_id)), None)

    def ordered_quizzes(self) -> list[Quiz]:
        return [self.key[k] for k in sorted(self.key)]


def load_key(key: str | os.PathLike | Mapping[str, Quiz]) -> dict[str, Quiz]:
    """Instructor quizzes by id; a released student copy is refused as a key."""
    quizzes = dict(key) if isinstance(key, Mapping) else load_quizzes(key)
    for quiz in quizzes.values():
        if not quiz.is_key:
            raise QuizError(f"{quiz.source}: a released {quiz.mode} copy cannot serve as the answer key")
    return quizzes


def grade_submissions(
    sources: str | os.PathLike | Iterable[str | os.PathLike],
    key: str | os.PathLike | Mapping[str, Quiz],
    due: dt.datetime | None = None,
    *,
    policy: Policy | None = None,
    roster: Roster | str | os.PathLike | None = None,
    manual: Iterable[ManualScore] | str | os.PathLike | None = None,
    codes: str | os.PathLike | None = None,
) -> Gradebook:
    """Grade every submission in ``sources``; ``due`` overrides each quiz's own due date
    (``policy``, from :func:`coursekit.quiz.policy.build_policy`, sets every rule)."""
    quizzes = load_key(key)
    policy = policy or build_policy(quizzes, due=due)
    if roster is not None and not isinstance(roster, Roster):
        roster = read_roster(roster)
    if manual is not None and isinstance(manual, (str, os.PathLike)):
        manual = read_manual(manual, quizzes, read_codes(codes) if codes else None)
    manual = list(manual or [])
    intake = collect(sources, quizzes, policy, roster)
    book = Gradebook(quizzes, policy, intake, manual, roster, [], [], [], [], list(intake.warnings))
    book.columns, book.rows = _rows(book)
    book.summary_columns, book.summary = _summary(book)
    return book


def write_gradebook(gradebook: Gradebook, out, summary_out=None, **options):
    """Write the gradebook and its companions (see :mod:`coursekit.quiz.gradebook_files`)."""
    from coursekit.quiz.gradebook_files import write_gradebook_files

    written = write_gradebook_files(gradebook, out, summary_out, **options)
    return written.gradebook, written.summary


# --------------------------------------------------------------------------- rows


def quiz_columns(quiz: Quiz) -> list[str]:
    columns = []
    for q in quiz.questions:
        columns.append(f"{quiz.id}:{q.id}")
        if q.kind == "choice_per_item":
            columns.append(f"{quiz.id}:{q.id}:justifications")
        if q.kind == "reflection":
            columns += [f"{quiz.id}:{q.id}:{s}" for s in ("words", "in_range", "rubric_mentioned", "review")]
    return columns + [f"{quiz.id}:{s}" for s in QUIZ_FIELDS]


def students(book: Gradebook) -> list[str]:
    """Roster order first, then everyone else a file names, sorted."""
    named = {s for s, _ in book.graded} | {r.student_id for r in book.rejected if r.student_id}
    on_roster = book.roster.ids() if book.roster else []
    return on_roster + sorted(named - set(on_roster))


def _rows(book: Gradebook) -> tuple[list[str], list[dict]]:
    quizzes = book.ordered_quizzes()
    columns = STUDENT_FIELDS + [c for quiz in quizzes for c in quiz_columns(quiz)] + TOTAL_FIELDS
    known = set(students(book))
    for score in book.manual:
        if score.student_id not in known:
            book.warnings.append(f"{score.where}: no student {score.student_id!r} in the submissions or roster; "
                                 "score not counted")
        elif (score.student_id, score.quiz_id) not in book.graded and score.points is not None:
            book.warnings.append(f"{score.where}: {score.student_id} has no graded {score.quiz_id} submission; "
                                 "score not counted")
    return columns, [_row(book, student, quizzes, columns) for student in students(book)]


def _row(book: Gradebook, student: str, quizzes: list[Quiz], columns: list[str]) -> dict:
    row = {c: "" for c in columns}
    row["student_id"] = student
    entry = book.roster.entry(student) if book.roster else None
    if entry:
        row.update(name=entry.name, email=entry.email, roster="yes")
    elif book.roster:
        row["roster"] = "not on roster"
    notes = list(book.intake.student_notes.get(student, []))
    notes += [f"{r.path.name}: {r.reason}" for r in book.rejected
              if r.student_id == student and r.quiz_id not in book.key and not r.superseded]
    totals = dict(auto=0.0, auto_max=0.0, total=0.0, max=0.0)
    review = []
    for quiz in quizzes:
        earned = _quiz_cells(book, row, student, quiz, review)
        totals["auto"] += earned[0]
        totals["total"] += earned[1]
        totals["auto_max"] += quiz.auto_max
        totals["max"] += quiz.max_points
    row.update(total_auto=format_points(totals["auto"]), total_auto_max=format_points(totals["auto_max"]),
               total=format_points(totals["total"]), total_max=format_points(totals["max"]),
               manual_review=";".join(review), notes="; ".join(notes))
    return row


def _quiz_cells(book: Gradebook, row: dict, student: str, quiz: Quiz, review: list) -> tuple[float, float]:
    """Fill one quiz's cells; return (auto-graded points, quiz total)."""
    p = quiz.id
    due, extended = book.policy.due_for(student, quiz.id)
    row.update({f"{p}:auto_max": format_points(quiz.auto_max), f"{p}:manual_max": format_points(quiz.manual_max),
                f"{p}:max": format_points(quiz.max_points), f"{p}:due": due.isoformat() if due else ""})
    graded = book.graded.get((student, quiz.id))
    if graded is None:
        reasons = [r.reason for r in book.rejected
                   if r.student_id == student and r.quiz_id == quiz.id and not r.superseded]
        row[f"{p}:status"] = "rejected: " + " | ".join(reasons) if reasons else "missing"
        row[f"{p}:auto_score"] = row[f"{p}:total"] = "0"
        return 0.0, 0.0
    submission, result = graded.submission, graded.result
    manual_points, unanswered = 0.0, []
    for r in result.results:
        cell = f"{p}:{r.question_id}"
        if not r.answered:
            unanswered.append(r.question_id)
        if r.kind == "reflection":
            score = book.manual_score(student, quiz.id, r.question_id)
            scored = score is not None and score.points is not None
            manual_points += score.points if scored else 0.0
            row.update({cell: format_points(score.points) if scored else "", f"{cell}:words": r.word_count,
                        f"{cell}:in_range": "yes" if r.in_range else "no",
                        f"{cell}:rubric_mentioned": ";".join(r.rubric_mentioned),
                        f"{cell}:review": "scored" if scored else ("manual" if r.answered else "unanswered")})
            if r.answered and not scored:
                review.append(cell)
            continue
        row[cell] = format_points(r.score or 0.0) if r.answered else ""
        if r.kind == "choice_per_item":
            row[f"{cell}:justifications"] = " | ".join(f"{i.item_id}: {i.justification}" for i in r.items if i.justification)
    handed_in = submission.handed_in_at
    late_days = days_late(handed_in, due)
    earned = result.auto_score + manual_points
    penalty = book.policy.for_quiz(quiz.id).late_penalty.points(late_days, earned, quiz.max_points)
    notes = list(graded.notes)
    if extended:
        notes.append(f"extension to {due.isoformat()}")
    if late_days:
        notes.append(f"{late_days} day(s) late")
    row.update({
        f"{p}:auto_score": format_points(result.auto_score), f"{p}:manual_score": format_points(manual_points),
        f"{p}:late_penalty": format_points(penalty) if penalty else "", f"{p}:total": format_points(earned - penalty),
        f"{p}:submitted_at": submission.submitted_at.isoformat() if submission.submitted_at else "",
        f"{p}:late": "" if due is None else ("unknown" if handed_in is None else ("yes" if late_days else "no")),
        f"{p}:status": "submitted" if submission.submitted_at else "saved, not submitted",
        f"{p}:unanswered": ";".join(unanswered), f"{p}:notes": "; ".join(notes),
    })
    return result.auto_score, earned - penalty


# --------------------------------------------------------------------------- summary

SUMMARY_COLUMNS = ["quiz", "question", "kind", "points", "graded", "answered", "share_correct",
                   "most_common_wrong", "invalid", "mean_words", "share_in_range", "rubric_coverage"]


def _summary(book: Gradebook) -> tuple[list[str], list[dict]]:
    rows = []
    for quiz in book.ordered_quizzes():
        results = [g.result for (_, qid), g in sorted(book.graded.items()) if qid == quiz.id]
        n = len(results)
        for question in quiz.questions:
            answers = [res[question.id] for res in results]
            answered = [a for a in answers if a.answered and not a.invalid]
            row = {c: "" for c in SUMMARY_COLUMNS}
            row.update(quiz=quiz.id, question=question.id, kind=question.kind, points=format_points(question.points),
                       graded=n, answered=len(answered), invalid=sum(a.invalid for a in answers) or "")
            if question.kind == "reflection":
                if answered:
                    row["mean_words"] = f"{sum(a.word_count for a in answered) / len(answered):.0f}"
                    row["share_in_range"] = f"{sum(bool(a.in_range) for a in answered) / len(answered):.2f}"
                    row["rubric_coverage"] = "; ".join(
                        f"{p.id} {sum(p.id in a.rubric_mentioned for a in answered)}/{len(answered)}"
                        for p in question.rubric)
                rows.append(row)
                continue
            if n:
                row["share_correct"] = f"{sum(bool(a.correct) for a in answers) / n:.2f}"
            wrong = Counter()
            for a in answered:
                if a.correct:
                    continue
                if question.kind == "choice_per_item":
                    wrong.update(f"{i.item_id}: {question.option_text(i.choice)}" for i in a.items
                                 if i.choice and not i.correct)
                elif a.answer is not None:
                    wrong[describe_answer(question, a.answer)] += 1
            if wrong:
                text, count = wrong.most_common(1)[0]
                row["most_common_wrong"] = f"{text} ({count})"
            rows.append(row)
    return SUMMARY_COLUMNS, rows
