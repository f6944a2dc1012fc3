"""The gradebook: every submission graded against the instructor key, one row per student.

The stages: :mod:`~.intake` reads and grades the files, :mod:`~.rules` applies due dates,
penalties and manual scores and picks one file per student and quiz, this module lays out
the rows and the per-question summary, :mod:`~.files` writes them, :mod:`~.pages` writes the
feedback and reflection pages; :mod:`~.tables` reads and writes CSV (and ``manual.csv``),
:mod:`~.lms` rosters and LMS files. Every answer is re-graded from the key: a score stored
in a submission is never read. The columns: ``quizzes/README.md``.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import QuizError
from coursekit.quiz.gradebook.intake import Graded, Intake, Rejected, collect, submission_files
from coursekit.quiz.gradebook.lms import Roster, read_roster
from coursekit.quiz.gradebook.rules import Policy, build_policy, mark, pick
from coursekit.quiz.gradebook.tables import ManualScore, read_codes, read_manual
from coursekit.quiz.grading import describe_answer, format_points
from coursekit.quiz.model import Quiz
from coursekit.quiz.quizfile import load_quizzes

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
        return f"{f'{self.path}: ' if self.path else ''}{'skipped: ' if self.skipped else ''}{self.message}"


@dataclass
class Gradebook:
    key: dict[str, Quiz]
    policy: Policy
    intake: Intake
    manual: list[ManualScore]
    roster: Roster | None
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    summary_columns: list[str] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
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
        """The manual score that counts for the graded text (``None``: none, or one for another text)."""
        graded = self.graded.get((student_id, quiz_id))
        return graded.marks.manual.get(question_id, (None, []))[0] if graded else None

    def ordered_quizzes(self) -> list[Quiz]:
        return [self.key[k] for k in sorted(self.key)]


def load_key(key: str | os.PathLike | Mapping[str, Quiz]) -> dict[str, Quiz]:
    """Instructor quizzes by id; a released student copy is refused as a key."""
    quizzes = dict(key) if isinstance(key, Mapping) else load_quizzes(key)
    for quiz in quizzes.values():
        if not quiz.is_key:
            raise QuizError(f"{quiz.source}: a released {quiz.mode} copy cannot serve as the answer key")
    return quizzes


def grade_submissions(sources: str | os.PathLike | Iterable[str | os.PathLike],
                      key: str | os.PathLike | Mapping[str, Quiz], due: dt.datetime | None = None, *,
                      policy: Policy | None = None, roster: Roster | str | os.PathLike | None = None,
                      manual: Iterable[ManualScore] | str | os.PathLike | None = None,
                      codes: str | os.PathLike | None = None) -> Gradebook:
    """Grade every submission in ``sources`` (folders in the order they were collected);
    ``due`` overrides each quiz's own due date (``policy``, from
    :func:`~coursekit.quiz.gradebook.rules.build_policy`, sets every rule)."""
    quizzes = load_key(key)
    policy = policy or build_policy(quizzes, due=due)
    if roster is not None and not isinstance(roster, Roster):
        roster = read_roster(roster)
    if isinstance(manual, (str, os.PathLike)):
        manual = read_manual(manual, quizzes, read_codes(codes) if codes else None)
    intake = collect(sources, quizzes, policy, roster)
    book = Gradebook(quizzes, policy, intake, list(manual or []), roster,
                     warnings=(roster.notes if roster else []) + intake.warnings)
    for (student, quiz_id), group in sorted(intake.candidates.items()):
        for graded in group:
            graded.marks = mark(policy, book.manual, graded, quizzes[quiz_id])
        winner, others = pick(group, policy.for_quiz(quiz_id))
        intake.graded[(student, quiz_id)] = winner
        intake.rejected += [Rejected(g.submission.path, why, student, quiz_id, superseded=True) for g, why in others]
    book.columns, book.rows = _rows(book)
    book.summary_columns, book.summary = _summary(book)
    return book


def write_gradebook(gradebook: Gradebook, out, summary_out=None, **options):
    """Write the gradebook and its companions (see :mod:`coursekit.quiz.gradebook.files`)."""
    from coursekit.quiz.gradebook.files import write_gradebook_files

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
    auto = total = 0.0
    review: list[str] = []
    for quiz in quizzes:
        earned = _quiz_cells(book, row, student, quiz, review)
        auto, total = auto + earned[0], total + earned[1]
    row.update(total_auto=format_points(auto), total_auto_max=format_points(sum(q.auto_max for q in quizzes)),
               total=format_points(total), total_max=format_points(sum(q.max_points for q in quizzes)),
               manual_review=";".join(review), notes="; ".join(notes))
    return row


def _quiz_cells(book: Gradebook, row: dict, student: str, quiz: Quiz, review: list) -> tuple[float, float]:
    """Fill one quiz's cells; return (auto-graded points, quiz total)."""
    p = quiz.id
    due, _ = book.policy.due_for(student, quiz.id)
    row.update({f"{p}:auto_max": format_points(quiz.auto_max), f"{p}:manual_max": format_points(quiz.manual_max),
                f"{p}:max": format_points(quiz.max_points), f"{p}:due": due.isoformat() if due else ""})
    graded = book.graded.get((student, quiz.id))
    if graded is None:
        reasons = [r.reason for r in book.rejected if (r.student_id, r.quiz_id) == (student, quiz.id)
                   and not r.superseded]
        row[f"{p}:status"] = "rejected: " + " | ".join(reasons) if reasons else "missing"
        row[f"{p}:auto_score"] = row[f"{p}:total"] = "0"
        return 0.0, 0.0
    submission, result, marks = graded.submission, graded.result, graded.marks
    notes = list(graded.notes)
    for r in result.results:
        cell = f"{p}:{r.question_id}"
        if r.kind == "reflection":
            _reflection_cells(row, cell, r, marks.manual[r.question_id], notes, review)
        else:
            row[cell] = format_points(r.score or 0.0) if r.answered or r.full else ""
        if r.kind == "choice_per_item":
            row[f"{cell}:justifications"] = " | ".join(f"{i.item_id}: {i.justification}" for i in r.items
                                                       if i.justification)
    notes += [f"extension to {marks.due.isoformat()}"] if marks.extended else []
    notes += [f"{marks.late_days} day(s) late"] if marks.late_days else []
    row.update({
        f"{p}:auto_score": format_points(result.auto_score), f"{p}:manual_score": format_points(marks.manual_points),
        f"{p}:late_penalty": format_points(marks.penalty) if marks.penalty else "",
        f"{p}:total": format_points(marks.total),
        f"{p}:submitted_at": submission.submitted_at.isoformat() if submission.submitted_at else "",
        f"{p}:late": "" if due is None else ("unknown" if submission.handed_in_at is None else
                                             ("yes" if marks.late_days else "no")),
        f"{p}:status": "submitted" if submission.submitted_at else "saved, not submitted",
        f"{p}:unanswered": ";".join(r.question_id for r in result.results if not r.answered and not r.full),
        f"{p}:notes": "; ".join(notes),
    })
    return result.auto_score, marks.total


def _reflection_cells(row: dict, cell: str, r, manual: tuple, notes: list, review: list) -> None:
    score, stale = manual
    scored = score is not None and score.points is not None
    status = "scored" if scored else ("rescore" if stale and r.answered else "manual" if r.answered else "unanswered")
    row.update({cell: format_points(score.points) if scored else "", f"{cell}:words": r.word_count,
                f"{cell}:in_range": "yes" if r.in_range else "no",
                f"{cell}:rubric_mentioned": ";".join(r.rubric_mentioned), f"{cell}:review": status})
    if status in ("manual", "rescore"):
        review.append(cell)
    if stale and not scored:
        old = ", ".join(f"{format_points(m.points) if m.points is not None else 'a comment'} ({m.where})"
                        for m in stale)
        notes.append(f"{r.question_id}: the text changed after it was scored: {old} was for another text "
                     "(its text_hash); score it again")
    elif scored and not score.text_hash:
        notes.append(f"{r.question_id}: scored without a text_hash ({score.where}): it counts for whatever "
                     "text is graded")


# --------------------------------------------------------------------------- summary

SUMMARY_COLUMNS = ["quiz", "question", "kind", "points", "graded", "answered", "share_correct",
                   "most_common_wrong", "invalid", "mean_words", "share_in_range", "rubric_coverage"]


def _summary(book: Gradebook) -> tuple[list[str], list[dict]]:
    rows = []
    for quiz in book.ordered_quizzes():
        results = [g.result for (_, qid), g in sorted(book.graded.items()) if qid == quiz.id]
        for question in quiz.questions:
            answers = [res[question.id] for res in results]
            answered = [a for a in answers if a.answered and not a.invalid]
            row = {c: "" for c in SUMMARY_COLUMNS}
            row.update(quiz=quiz.id, question=question.id, kind=question.kind, points=format_points(question.points),
                       graded=len(results), answered=len(answered), invalid=sum(a.invalid for a in answers) or "")
            if question.kind == "reflection":
                if answered:
                    row["mean_words"] = f"{sum(a.word_count for a in answered) / len(answered):.0f}"
                    row["share_in_range"] = f"{sum(bool(a.in_range) for a in answered) / len(answered):.2f}"
                    row["rubric_coverage"] = "; ".join(
                        f"{p.id} {sum(p.id in a.rubric_mentioned for a in answered)}/{len(answered)}"
                        for p in question.rubric)
            else:
                row.update(_answer_summary(question, answers, answered))
            rows.append(row)
    return SUMMARY_COLUMNS, rows


def _answer_summary(question, answers: list, answered: list) -> dict:
    out = {"share_correct": f"{sum(bool(a.correct) for a in answers) / len(answers):.2f}" if answers else ""}
    wrong = Counter()
    for a in (a for a in answered if not a.correct):
        if question.kind == "choice_per_item":
            wrong.update(f"{i.item_id}: {question.option_text(i.choice)}" for i in a.items if i.choice and not i.correct)
        elif a.answer is not None:
            wrong[describe_answer(question, a.answer)] += 1
    if wrong:
        text, count = wrong.most_common(1)[0]
        out["most_common_wrong"] = f"{text} ({count})"
    return out
