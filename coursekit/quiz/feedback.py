"""One feedback page per student (``coursekit quiz feedback``): plain HTML, readable offline.

For each quiz: the status, the total (auto-graded + manual points - late penalty), and
for each question the prompt, the student's answer, the points and the verdict, the
instructor's points and comment for reflections (from ``--manual``). Explanations are
shown for questions answered correctly; every explanation and the correct answers are
shown once the quiz's last due date (extensions included) has passed, or with
``reveal=True`` (``--reveal-answers``): earlier, a page passed on to a classmate who
is still working would give the answers away.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from coursekit.fileio import write_text_atomic
from coursekit.quiz.answers import describe_answer, key_answer
from coursekit.quiz.grading import QuestionResult, format_points
from coursekit.quiz.model import Question, Quiz

_STYLE = """body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.q{border-left:4px solid #bbb;padding:.3em .8em;margin:1em 0}.correct{border-color:#2e7d32}
.wrong,.invalid{border-color:#c62828}.partial{border-color:#ef6c00}.unanswered{border-color:#999}
.review,.saved{border-color:#1565c0}.meta{color:#555;font-size:.9em}blockquote{margin:.4em 0;padding:.3em .8em;
background:#f5f5f5;white-space:pre-wrap}.comment{background:#fff8e1;padding:.3em .8em}"""
_VERDICT = {"correct": "correct", "wrong": "not correct", "partial": "partly correct", "invalid": "invalid answer",
            "unanswered": "not answered", "review": "graded by your instructor", "saved": "saved"}


def _e(text) -> str:
    return html.escape(str(text))


def _prose(text) -> str:
    """Escaped text with `code` spans shown as code (as the quiz widget shows them)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _slug(student_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._") or "student"


def answers_revealed(book, quiz: Quiz, now: dt.datetime, reveal: bool) -> bool:
    due = book.policy.latest_due(quiz.id)
    return reveal or (due is not None and now > due)


def _answer_html(question: Question, result: QuestionResult) -> str:
    if result.invalid:
        return f"<p>Your answer could not be graded: {_e(result.problem)}.</p>"
    if not result.answered:
        return "<p>Your answer: <i>none</i></p>"
    if question.kind == "reflection":
        return f"<p>Your text ({result.word_count} words):</p><blockquote>{_e(result.answer)}</blockquote>"
    if question.kind == "choice_per_item":
        lines = "".join(
            f"<li>{_e(item.prompt)}: {_e(question.option_text(r.choice) if r.choice else '-')}"
            f"{' (' + _e(r.justification) + ')' if r.justification else ''}"
            f"{'' if r.correct is None else (' &#10004;' if r.correct else ' &#10008;')}</li>"
            for item, r in zip(question.items, result.items))
        return f"<p>Your answers:</p><ul>{lines}</ul>"
    return f"<p>Your answer: {_e(describe_answer(question, result.answer))}</p>"


def _question_html(book, student: str, quiz: Quiz, question: Question, result: QuestionResult,
                   number: int, revealed: bool) -> str:
    parts = [f"<div class='q {result.status}'><p><b>Q{number}.</b> {_prose(question.prompt)}</p>",
             _answer_html(question, result)]
    if question.kind == "reflection":
        manual = book.manual_score(student, quiz.id, question.id)
        points = manual.points if manual else None
        parts.append(f"<p class='meta'>Points: {format_points(points) if points is not None else 'not graded yet'}"
                     f" / {format_points(question.points)}</p>")
        if manual and manual.comment:
            parts.append(f"<p class='comment'>Instructor's comment: {_e(manual.comment)}</p>")
    else:
        parts.append(f"<p class='meta'>Points: {format_points(result.score or 0)} / {format_points(question.points)}"
                     f" ({_VERDICT[result.status]})</p>")
        if result.note:
            parts.append(f"<p class='meta'>{_e(result.note)}</p>")
        if revealed:
            parts.append(f"<p>Correct answer: {_e(describe_answer(question, key_answer(question)))}</p>")
        if question.explanation and (revealed or result.status == "correct"):
            parts.append(f"<p>{_prose(question.explanation)}</p>")
    parts.append("</div>")
    return "".join(parts)


def _quiz_html(book, row: dict, quiz: Quiz, now: dt.datetime, reveal: bool) -> str:
    student, p = row["student_id"], quiz.id
    head = f"<h2>{_e(quiz.title)}</h2>"
    graded = book.graded.get((student, quiz.id))
    if graded is None:
        return head + f"<p>No graded submission: {_e(row[f'{p}:status'])}.</p>"
    revealed = answers_revealed(book, quiz, now, reveal)
    penalty = f"; late penalty -{row[f'{p}:late_penalty']}" if row[f"{p}:late_penalty"] else ""
    due = f"; due {_e(row[f'{p}:due'])}" if row[f"{p}:due"] else ""
    lines = [head, f"<p><b>Total: {_e(row[f'{p}:total'])} / {_e(row[f'{p}:max'])}</b> (auto-graded "
             f"{_e(row[f'{p}:auto_score'])}, instructor-graded {_e(row[f'{p}:manual_score'] or '0')}{penalty})</p>",
             f"<p class='meta'>Status: {_e(row[f'{p}:status'])}{due}"
             f"{'; late' if row[f'{p}:late'] == 'yes' else ''}</p>"]
    if not revealed:
        lines.append("<p class='meta'>Correct answers and explanations of missed questions appear here once "
                     "the quiz's due date has passed.</p>")
    lines += [_question_html(book, student, quiz, q, graded.result[q.id], n, revealed)
              for n, q in enumerate(quiz.questions, start=1)]
    return "".join(lines)


def feedback_page(book, row: dict, now: dt.datetime, reveal: bool = False) -> str:
    who = _e(row["student_id"]) + (f" ({_e(row['name'])})" if row.get("name") else "")
    body = "".join(_quiz_html(book, row, quiz, now, reveal) for quiz in book.ordered_quizzes())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Quiz feedback: {who}</title>"
            f"<style>{_STYLE}</style></head><body><h1>Quiz feedback: {who}</h1>"
            f"<p class='meta'>Written {_e(now.isoformat(timespec='minutes'))}. Total over all quizzes: "
            f"{_e(row['total'])} / {_e(row['total_max'])}.</p>{body}</body></html>\n")


def write_feedback(book, out_dir, *, now: dt.datetime | None = None, reveal: bool = False) -> list[Path]:
    """One ``<student>.html`` per gradebook row in ``out_dir``; returns the files."""
    out_dir = Path(out_dir)
    now = now or dt.datetime.now(dt.timezone.utc)
    written, used = [], set()
    for row in book.rows:
        name = _slug(row["student_id"])
        while name.casefold() in used:
            name += "_"
        used.add(name.casefold())
        written.append(write_text_atomic(out_dir / f"{name}.html", feedback_page(book, row, now, reveal)))
    return written
