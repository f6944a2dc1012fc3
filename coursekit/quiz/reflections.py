"""Every answer to one reflection in one page, for reading and scoring
(``coursekit quiz export-reflections``), and a ``manual.csv`` template to fill in.

The page gives each reflection with its word count (and whether it is in range) and the
rubric points its keywords mention, under the question's rubric. With ``anonymise``
the students appear as codes (``R-xxxxxx``, in random order), the template uses the same
codes, and a codes file (``code,student_id``) is written for grading to translate them
back (``coursekit quiz grade --manual FILE --codes CODES``); an existing codes file is
reused so that codes stay stable across exports. Nothing already written is replaced:
an existing template is refused.
"""
from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from pathlib import Path

from coursekit.fileio import write_text_atomic
from coursekit.quiz.manual import MANUAL_COLUMNS, read_codes
from coursekit.quiz.tables import TableError, csv_text


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
               if quiz_id == quiz.id and graded.result[question.id].answered]
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
    rows = [{"student_id": label[s], "question": ref, "points": "", "comment": ""} for s, _ in answers]
    write_text_atomic(template, csv_text(MANUAL_COLUMNS, rows))
    return ReflectionExport(out, template, codes_path, len(answers))
