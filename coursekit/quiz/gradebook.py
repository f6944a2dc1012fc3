"""Grade a folder of submissions against the instructor key and write a gradebook.

Every answer is re-graded from the key (a score stored in a submission is never read).
Bad files (not JSON, wrong fields, unknown quiz, another quiz version, a second file
for the same student and quiz) are reported by file and skipped; the rest are graded.
Of duplicate files the first in path order is graded. Reflections are never
auto-scored: the gradebook gives their word count, whether it is in range and which
rubric points they mention, and leaves their score column empty for the instructor.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import QuizError, SubmissionError
from coursekit.quiz.atomic import write_text_atomic
from coursekit.quiz.grading import QuizResult, format_points, describe_answer, grade_quiz
from coursekit.quiz.schema import Quiz, load_quizzes
from coursekit.quiz.submissions import Submission, read_submission


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.path}: {'skipped: ' if self.skipped else ''}{self.message}"


@dataclass
class Gradebook:
    key: dict[str, Quiz]
    columns: list[str]
    rows: list[dict]
    summary_columns: list[str]
    summary: list[dict]
    problems: list[Problem] = field(default_factory=list)
    graded: dict[tuple[str, str], tuple[Submission, QuizResult]] = field(default_factory=dict)

    def row(self, student_id: str) -> dict:
        for row in self.rows:
            if row["student_id"].casefold() == student_id.casefold():
                return row
        raise KeyError(student_id)


def submission_files(sources: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The ``*.json`` files among ``sources`` (folders are searched recursively)."""
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    files: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            files.extend(p for p in source.rglob("*.json") if not p.name.startswith("."))
        elif source.exists():
            files.append(source)
        else:
            raise SubmissionError(f"{source}: no such file or folder")
    return sorted(set(files))


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
) -> Gradebook:
    """Grade every submission in ``sources``; ``due`` overrides each quiz's own due date."""
    quizzes = load_key(key)
    problems: list[Problem] = []
    graded: dict[tuple[str, str], tuple[Submission, QuizResult]] = {}
    for path in submission_files(sources):
        try:
            submission = read_submission(path)
        except SubmissionError as exc:
            problems.append(Problem(path, str(exc).removeprefix(f"{path}: ")))
            continue
        quiz = quizzes.get(submission.quiz_id)
        if quiz is None:
            problems.append(Problem(path, f"unknown quiz {submission.quiz_id!r} (the key has: {', '.join(sorted(quizzes))})"))
            continue
        if submission.quiz_version != quiz.version:
            problems.append(Problem(path, f"quiz {quiz.id!r} version {submission.quiz_version!r} does not match the key's version {quiz.version!r}"))
            continue
        slot = (submission.student_id.casefold(), quiz.id)
        if slot in graded:
            first = graded[slot][0].path
            problems.append(Problem(path, f"duplicate: student {submission.student_id!r} already has a {quiz.id!r} submission in {first}"))
            continue
        unknown = sorted(set(submission.answers) - {q.id for q in quiz.questions})
        if unknown:
            problems.append(Problem(path, f"answers to unknown questions ignored: {', '.join(unknown)}", skipped=False))
        graded[slot] = (submission, grade_quiz(quiz, submission.answers))
    columns, rows = _rows(quizzes, graded, due)
    summary_columns, summary = _summary(quizzes, graded)
    return Gradebook(quizzes, columns, rows, summary_columns, summary, problems, graded)


def _late(submission: Submission, due: dt.datetime | None) -> str:
    if due is None:
        return ""
    moment = submission.handed_in_at
    if moment is None:
        return "unknown"
    due = due if due.tzinfo else due.replace(tzinfo=dt.timezone.utc)
    return "yes" if moment > due else "no"


def _quiz_columns(quiz: Quiz) -> list[str]:
    columns = []
    for q in quiz.questions:
        columns.append(f"{quiz.id}:{q.id}")
        if q.kind == "choice_per_item":
            columns.append(f"{quiz.id}:{q.id}:justifications")
        if q.kind == "reflection":
            columns += [f"{quiz.id}:{q.id}:{s}" for s in ("words", "in_range", "rubric_mentioned", "review")]
    return columns + [f"{quiz.id}:{s}" for s in ("auto_score", "auto_max", "manual_max", "submitted_at", "late", "status")]


def _rows(quizzes: dict[str, Quiz], graded: dict, due: dt.datetime | None) -> tuple[list[str], list[dict]]:
    ordered = [quizzes[k] for k in sorted(quizzes)]
    columns = ["student_id"] + [c for quiz in ordered for c in _quiz_columns(quiz)]
    columns += ["total_auto", "total_auto_max", "manual_review"]
    names: dict[str, str] = {}
    for (student, _), (submission, _) in graded.items():
        names.setdefault(student, submission.student_id)
    rows = []
    for student in sorted(names):
        row = {c: "" for c in columns}
        row["student_id"] = names[student]
        total = total_max = 0.0
        review = []
        for quiz in ordered:
            total_max += quiz.auto_max
            row[f"{quiz.id}:auto_max"] = format_points(quiz.auto_max)
            row[f"{quiz.id}:manual_max"] = format_points(quiz.manual_max)
            if (student, quiz.id) not in graded:
                row[f"{quiz.id}:status"] = "missing"
                row[f"{quiz.id}:auto_score"] = "0"
                continue
            submission, result = graded[(student, quiz.id)]
            for r in result.results:
                prefix = f"{quiz.id}:{r.question_id}"
                if r.kind == "reflection":
                    row[f"{prefix}:words"] = r.word_count
                    row[f"{prefix}:in_range"] = "yes" if r.in_range else "no"
                    row[f"{prefix}:rubric_mentioned"] = ";".join(r.rubric_mentioned)
                    row[f"{prefix}:review"] = "manual" if r.answered else "unanswered"
                    if r.answered:
                        review.append(prefix)
                    continue
                row[prefix] = format_points(r.score or 0.0)
                if r.kind == "choice_per_item":
                    row[f"{prefix}:justifications"] = " | ".join(
                        f"{i.item_id}: {i.justification}" for i in r.items if i.justification
                    )
            total += result.auto_score
            row[f"{quiz.id}:auto_score"] = format_points(result.auto_score)
            row[f"{quiz.id}:submitted_at"] = submission.submitted_at.isoformat() if submission.submitted_at else ""
            row[f"{quiz.id}:late"] = _late(submission, due or quiz.due)
            row[f"{quiz.id}:status"] = "submitted" if submission.submitted_at else "saved, not submitted"
        row["total_auto"], row["total_auto_max"] = format_points(total), format_points(total_max)
        row["manual_review"] = ";".join(review)
        rows.append(row)
    return columns, rows


SUMMARY_COLUMNS = ["quiz", "question", "kind", "points", "graded", "answered", "share_correct",
                   "most_common_wrong", "mean_words", "share_in_range", "rubric_coverage"]


def _summary(quizzes: dict[str, Quiz], graded: dict) -> tuple[list[str], list[dict]]:
    rows = []
    for quiz in (quizzes[k] for k in sorted(quizzes)):
        results = [res for (_, qid), (_, res) in sorted(graded.items()) if qid == quiz.id]
        n = len(results)
        for question in quiz.questions:
            answers = [res[question.id] for res in results]
            answered = [a for a in answers if a.answered]
            row = {c: "" for c in SUMMARY_COLUMNS}
            row.update(quiz=quiz.id, question=question.id, kind=question.kind,
                       points=format_points(question.points), graded=n, answered=len(answered))
            if question.kind == "reflection":
                if answered:
                    row["mean_words"] = f"{sum(a.word_count for a in answered) / len(answered):.0f}"
                    row["share_in_range"] = f"{sum(bool(a.in_range) for a in answered) / len(answered):.2f}"
                    row["rubric_coverage"] = "; ".join(
                        f"{p.id} {sum(p.id in a.rubric_mentioned for a in answered)}/{len(answered)}"
                        for p in question.rubric
                    )
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


def safe_cell(value):
    """Text a student typed, made inert for spreadsheets: a cell starting with ``=``, ``+``,
    ``-``, ``@`` or a control character would run as a formula in Excel or LibreOffice,
    so it gets a leading apostrophe (OWASP's advice on CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def write_gradebook(gradebook: Gradebook, out: str | os.PathLike, summary_out: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write the gradebook CSV and the per-question summary CSV (atomically)."""
    out = Path(out)
    summary_out = Path(summary_out) if summary_out else out.with_name(f"{out.stem}_summary.csv")
    write_text_atomic(out, _csv_text(gradebook.columns, gradebook.rows))
    write_text_atomic(summary_out, _csv_text(gradebook.summary_columns, gradebook.summary))
    return out, summary_out
