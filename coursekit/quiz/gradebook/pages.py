"""The pages the gradebook writes: feedback for each student, and the reflections to score.

**Feedback** (plain HTML, opens offline): per quiz the status and total, per question the
prompt, the answer, the points and the verdict (with why an item earned nothing), your points
and comment for reflections. Explanations show for questions answered correctly; all of them
and the correct answers once the quiz's last due date has passed (``reveal``: at once).

**Reflections**: every answer to one reflection not scored for its current text, in one
page, and a ``manual.csv`` template (``text_hash`` filled in). ``anonymise``: codes instead
of ids, and a codes file to translate them back (reused, so codes stay stable). An existing
template is never replaced.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from coursekit.errors import TableError
from coursekit.fileio import write_text_atomic
from coursekit.quiz.answers import describe_answer, key_answer, text_hash
from coursekit.quiz.gradebook.tables import MANUAL_COLUMNS, csv_text, read_codes
from coursekit.quiz.grading import QuestionResult, format_points
from coursekit.quiz.model import Question, Quiz
from coursekit.quiz.submissions import file_slug

_STYLE = """body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.q{border-left:4px solid #bbb;padding:.3em .8em;margin:1em 0}.correct,.full{border-color:#2e7d32}
.wrong,.invalid{border-color:#c62828}.partial{border-color:#ef6c00}.unanswered{border-color:#999}
.review,.saved{border-color:#1565c0}.meta{color:#555;font-size:.9em}blockquote{margin:.4em 0;padding:.3em .8em;
background:#f5f5f5;white-space:pre-wrap}.comment{background:#fff8e1;padding:.3em .8em}"""
_VERDICT = {"correct": "correct", "wrong": "not correct", "partial": "partly correct", "invalid": "invalid answer",
            "unanswered": "not answered", "review": "graded by your instructor", "saved": "saved",
            "full": "full points: the question changed after you answered it"}


def _e(text) -> str:
    return html.escape(str(text))


def _prose(text) -> str:
    """Escaped text with `code` spans shown as code (as the quiz widget shows them)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _answer_html(question: Question, result: QuestionResult) -> str:
    if result.invalid:
        return f"<p>Your answer could not be graded: {_e(result.problem)}.</p>"
    if not result.answered:
        return "<p>Your answer: <i>none</i></p>"
    if question.kind == "reflection":
        return f"<p>Your text ({result.word_count} words):</p><blockquote>{_e(result.answer)}</blockquote>"
    if question.kind == "choice_per_item":
        lines = "".join(f"<li>{_e(item.prompt)}: {_e(question.option_text(r.choice) if r.choice else '-')}"
                        f"{' (' + _e(r.justification) + ')' if r.justification else ''}{_item_verdict(question, r)}"
                        "</li>" for item, r in zip(question.items, result.items))
        return f"<p>Your answers:</p><ul>{lines}</ul>"
    return f"<p>Your answer: {_e(describe_answer(question, result.answer))}</p>"


def _item_verdict(question: Question, r) -> str:
    if r.correct is None:
        return ""
    if r.correct and not r.justified:
        rule = question.justification
        return (f" &#10004; right choice, but no points: it needs a one-line justification of {rule['min_words']} "
                f"to {rule['max_words']} words")
    return " &#10004;" if r.correct else " &#10008;"


def _question_html(book, student: str, quiz: Quiz, question: Question, result: QuestionResult,
                   number: int, revealed: bool) -> str:
    parts = [f"<div class='q {result.status}'><p><b>Q{number}.</b> {_prose(question.prompt)}</p>",
             _answer_html(question, result)]
    if question.kind == "reflection":
        manual = book.manual_score(student, quiz.id, question.id)
        points = format_points(manual.points) if manual and manual.points is not None else "not graded yet"
        parts.append(f"<p class='meta'>Points: {points} / {format_points(question.points)}</p>")
        if manual is None and book.graded[(student, quiz.id)].marks.manual[question.id][1]:
            parts.append("<p class='meta'>Your instructor scored an earlier text of yours; this one is still to "
                         "be read.</p>")
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
    last_due = book.policy.latest_due(quiz.id)
    revealed = reveal or (last_due is not None and now > last_due)
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
        name = file_slug(row["student_id"])
        while name.casefold() in used:
            name += "_"
        used.add(name.casefold())
        written.append(write_text_atomic(out_dir / f"{name}.html", feedback_page(book, row, now, reveal)))
    return written


# --------------------------------------------------------------------------- reflections to score


@dataclass
class ReflectionExport:
    page: Path
    template: Path
    codes: Path | None
    count: int


def _question(book, text: str):
    quiz_id, _, question_id = text.partition(":")
    quiz = book.key.get(quiz_id)
    if quiz is None or not quiz.has_question(question_id) or quiz.question(question_id).kind != "reflection":
        choices = [f"{q.id}:{x.id}" for q in book.key.values() for x in q.questions if x.kind == "reflection"]
        raise TableError(f"--question {text!r}: not a reflection in the key; choose one of {', '.join(choices)}")
    return quiz, quiz.question(question_id)


def _codes(students: list[str], path: Path) -> dict[str, str]:
    """``{student: code}``, reusing the codes already in ``path``."""
    existing = {student: code for code, student in read_codes(path).items()} if path.exists() else {}
    taken = set(existing.values())
    for student in students:
        while student not in existing:
            code = f"R-{secrets.token_hex(3)}"
            if code not in taken:
                existing[student] = code
                taken.add(code)
    return existing


def export_reflections(book, question_ref: str, out, template=None, *, anonymise: bool = False) -> ReflectionExport:
    """Write the reading page ``out`` and the template (default ``<out>_manual.csv``)."""
    quiz, question = _question(book, question_ref)
    out = Path(out)
    template = Path(template) if template else out.with_name(f"{out.stem}_manual.csv")
    if template.exists():
        raise TableError(f"{template} already exists (it may hold scores); choose another --template")
    answers = [(student, graded.result[question.id]) for (student, quiz_id), graded in sorted(book.graded.items())
               if quiz_id == quiz.id and graded.result[question.id].answered
               and getattr(graded.marks.manual[question.id][0], "points", None) is None]  # not scored for this text
    codes_path = out.with_name(f"{out.stem}_codes.csv") if anonymise else None
    label = {student: student for student, _ in answers}
    if anonymise:
        codes = _codes([s for s, _ in answers], codes_path)
        write_text_atomic(codes_path, csv_text(["code", "student_id"],
                                               [{"code": c, "student_id": s} for s, c in sorted(codes.items())]))
        label = {s: codes[s] for s, _ in answers}
        answers.sort(key=lambda pair: label[pair[0]])
    ref = f"{quiz.id}:{question.id}"
    rubric = "".join(f"<li><b>{html.escape(p.id)}</b>: {html.escape(p.point)} <small>(keywords: "
                     f"{html.escape(', '.join(p.keywords))})</small></li>" for p in question.rubric)
    blocks = []
    for student, result in answers:
        mentioned = ", ".join(result.rubric_mentioned) or "none"
        blocks.append(
            f"<section><h2>{html.escape(label[student])}</h2><p class='meta'>{result.word_count} words "
            f"({'in' if result.in_range else 'out of'} the {question.min_words} to {question.max_words} range); "
            f"rubric points mentioned: {html.escape(mentioned)}</p><blockquote>{html.escape(result.answer)}"
            "</blockquote></section>")
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(ref)} reflections"
            "</title><style>body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;"
            "line-height:1.5}blockquote{white-space:pre-wrap;background:#f5f5f5;padding:.5em 1em;margin:0}"
            ".meta{color:#555}section{margin:2em 0}</style></head><body>"
            f"<h1>{html.escape(quiz.title)}: {html.escape(question.id)} ({len(answers)} reflections)</h1>"
            f"<p>{html.escape(question.prompt)}</p><p>Worth {question.points:g} points. Rubric (keyword matches "
            f"are a reading aid, not a grade):</p><ul>{rubric}</ul>{''.join(blocks)}</body></html>\n")
    write_text_atomic(out, page)
    rows = [{"student_id": label[s], "question": ref, "points": "", "comment": "", "text_hash": text_hash(r.answer)}
            for s, r in answers]
    write_text_atomic(template, csv_text(MANUAL_COLUMNS, rows))
    return ReflectionExport(out, template, codes_path, len(answers))
