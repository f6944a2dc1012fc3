"""The gradebook as an LMS import file: one score column per quiz (its total, manual
points and late penalty included; blank where no submission was graded, so the LMS's own
missing-work rule applies).

* ``canvas``: Canvas's gradebook CSV: ``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column per quiz (its title; Canvas creates the assignment on import), and a
  ``Points Possible`` row. With a roster exported from Canvas its own cells are copied;
  otherwise the student id fills ``SIS User ID`` and ``SIS Login ID``.
* ``moodle``: ``ID number, Email address, Full name`` then one column per quiz; map
  ``ID number`` (or ``Email address``) to the user on Moodle's import page.

Ids and e-mails are written exactly as they are (an LMS matches on them); only the free
text (names) is made inert for spreadsheets. With a roster, only roster students are
exported (an LMS rejects rows it cannot match).
"""
from __future__ import annotations

from pathlib import Path

from coursekit.fileio import write_text_atomic
from coursekit.quiz.grading import format_points
from coursekit.quiz.tables import csv_text

LMS_KINDS = ("canvas", "moodle")
CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDS = ["ID number", "Email address", "Full name"]


def _score(book, row: dict, quiz_id: str) -> str:
    return row[f"{quiz_id}:total"] if (row["student_id"], quiz_id) in book.graded else ""


def _canvas_ids(book, row: dict) -> dict:
    entry = book.roster.entry(row["student_id"]) if book.roster else None
    cells = entry.columns if entry else {}
    if {"sis user id", "sis login id"} & set(cells):
        return {name: cells.get(name.lower(), "") for name in CANVAS_IDS}
    return {"Student": row["name"] or row["student_id"], "ID": "", "SIS User ID": row["student_id"],
            "SIS Login ID": row["student_id"], "Section": cells.get("section", "")}


def lms_table(book, kind: str) -> tuple[list[str], list[dict], set[str]]:
    """``(columns, rows, free-text columns)`` of the import file for ``kind``."""
    if kind not in LMS_KINDS:
        from coursekit.errors import QuizError

        raise QuizError(f"--lms {kind!r}: choose one of {', '.join(LMS_KINDS)}")
    quizzes = book.ordered_quizzes()
    titles = [quiz.title for quiz in quizzes]
    rows_in = [r for r in book.rows if not book.roster or r["roster"] == "yes"]
    if kind == "canvas":
        columns = CANVAS_IDS + titles
        rows = [{"Student": "Points Possible", **{t: format_points(q.max_points) for t, q in zip(titles, quizzes)}}]
        for row in rows_in:
            rows.append({**_canvas_ids(book, row), **{t: _score(book, row, q.id) for t, q in zip(titles, quizzes)}})
        return columns, rows, {"Student"}
    columns = MOODLE_IDS + titles
    rows = [{"ID number": row["student_id"], "Email address": row["email"], "Full name": row["name"],
             **{t: _score(book, row, q.id) for t, q in zip(titles, quizzes)}} for row in rows_in]
    return columns, rows, {"Full name"}


def write_lms(book, kind: str, out) -> Path:
    columns, rows, free_text = lms_table(book, kind)
    return write_text_atomic(Path(out), csv_text(columns, rows, safe=free_text))
