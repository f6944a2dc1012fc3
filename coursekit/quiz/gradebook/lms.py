"""Canvas and Moodle: the class list as they export it, and the grade file they import
(``quizzes/README.md``, steps 1 and 8).

**Rosters**, read unmodified: a row's id is its first non-empty cell among
:data:`ID_COLUMNS`, else its e-mail (or only ``--roster-id-column``). Rows that hold no
student are skipped with a note: Canvas's ``Points Possible`` row, its posting-policy row
and its test student (``Student, Test``). Names come from ``Name``/``Student``/``Full name``
or ``First name`` + ``Last name`` (``Surname``). Students are matched by the exact id, then
ignoring case, then by their other ids and e-mail; any match but the exact one is noted, and
an id that matches no one (or two people) stays its own row, ``not on roster``.

**Import files**: one column per quiz holding its total (blank where nothing was graded);
``canvas``: ``Student, ID, SIS User ID, SIS Login ID, Section`` and ``Points Possible``;
``moodle``: ``ID number, Email address, Full name``; the id cells copied from an LMS roster.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.errors import QuizError, TableError
from coursekit.fileio import write_text_atomic
from coursekit.quiz.gradebook.tables import csv_text, read_csv_rows
from coursekit.quiz.grading import format_points

ID_COLUMNS = ("student_id", "sis user id", "sis login id", "id number", "username", "login", "id")
NAME_COLUMNS = ("name", "student", "full name", "student name")
EMAIL_COLUMNS = ("email", "e-mail", "email address", "mail")
FIRST_LAST = (("first name", "firstname"), ("last name", "lastname", "surname"))
CANVAS_TEST_STUDENT = ("student, test", "test student")
LMS_KINDS = ("canvas", "moodle")
CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDS = ["ID number", "Email address", "Full name"]


@dataclass(frozen=True)
class RosterEntry:
    id: str
    name: str = ""
    email: str = ""
    columns: dict = field(default_factory=dict, compare=False)  # the row as the LMS wrote it
    other_ids: tuple[str, ...] = ()  # the other id cells and the e-mail


@dataclass
class Roster:
    entries: list[RosterEntry]
    source: str = "<roster>"
    notes: list[str] = field(default_factory=list)  # rows skipped, ids taken from another column

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def entry(self, student_id: str) -> RosterEntry | None:
        return next((e for e in self.entries if e.id == student_id), None)

    def match(self, student_id: str) -> tuple[str | None, str]:
        """``(roster id, note)`` for an id a student typed; ``(None, why)`` when no one (or
        more than one student) fits."""
        if self.entry(student_id):
            return student_id, ""
        folded = student_id.casefold()
        for label, pick in (("id", lambda e: (e.id,)), ("another id or e-mail", lambda e: e.other_ids)):
            hits = [e for e in self.entries if folded in {v.casefold() for v in pick(e) if v}]
            if len(hits) == 1:
                return hits[0].id, f"submitted as {student_id!r}, matched to the roster by {label} (case ignored)"
            if len(hits) > 1:
                return None, f"{student_id!r} matches {len(hits)} roster students by {label}; not merged"
        return None, "not on roster"


def _first(row: dict, columns, skip: str = "") -> str:
    return next((row[c].strip() for c in columns if c in row and c != skip and row[c].strip()), "")


def _name(row: dict, id_col: str) -> str:
    name = _first(row, NAME_COLUMNS, id_col)
    first, last = _first(row, FIRST_LAST[0]), _first(row, FIRST_LAST[1])
    return name or f"{first} {last}".strip()


def _skipped(row: dict) -> str | None:
    """Why an LMS export's row holds no student, or ``None``."""
    name = (row.get("student") or row.get("name") or "").strip()
    if name == "Points Possible":
        return "Canvas's Points Possible row"
    if not any(v.strip() for c, v in row.items() if c in ID_COLUMNS + NAME_COLUMNS + EMAIL_COLUMNS):
        return "no student on it (Canvas's posting-policy row, or an empty one)"
    if name.casefold() in CANVAS_TEST_STUDENT and not _first(row, ("sis user id", "sis login id")):
        return f"Canvas's test student ({name!r}, from Student View)"
    return None


def read_roster(path: str | os.PathLike, id_column: str | None = None) -> Roster:
    """The roster in ``path`` (see the module docstring for what it reads)."""
    path = Path(path)
    rows = read_csv_rows(path, option="--roster")
    if not rows:
        raise TableError(f"{path}: no students in the roster (given with --roster)")
    header = set(rows[0][1])
    wanted = (id_column.strip().lower(),) if id_column else tuple(c for c in ID_COLUMNS if c in header)
    if not wanted or wanted[0] not in header:
        expected = f"column {id_column!r}" if id_column else f"one of the columns {', '.join(ID_COLUMNS)}"
        raise TableError(f"{path}: line 1: no student id column: expected {expected} "
                         "(name it with --roster-id-column)")
    roster, seen = Roster([], str(path)), {}
    for line, row in rows:
        why = _skipped(row)
        if why:
            roster.notes.append(f"{path}: line {line}: skipped: {why}")
            continue
        email = _first(row, EMAIL_COLUMNS)
        student_id = _first(row, wanted) or ("" if id_column else email)
        if not student_id:
            raise TableError(f"{path}: line {line}: the {wanted[0]!r} cell is empty (given with --roster)")
        if student_id in seen:
            raise TableError(f"{path}: line {line}: student {student_id!r} is also on line {seen[student_id]}")
        if student_id != (row.get(wanted[0]) or "").strip():
            roster.notes.append(f"{path}: line {line}: no {wanted[0]!r}; the student's id is {student_id!r}")
        seen[student_id] = line
        others = tuple(row[c].strip() for c in ID_COLUMNS if c in row and row[c].strip() and row[c].strip()
                       != student_id)
        roster.entries.append(RosterEntry(student_id, _name(row, wanted[0]), email, row,
                                          others + ((email,) if email and email != student_id else ())))
    return roster


# --------------------------------------------------------------------------- import files


def _score(book, row: dict, quiz_id: str) -> str:
    return row[f"{quiz_id}:total"] if (row["student_id"], quiz_id) in book.graded else ""


def _ids(book, row: dict, kind: str) -> dict:
    entry = book.roster.entry(row["student_id"]) if book.roster else None
    cells = entry.columns if entry else {}
    if kind == "moodle":
        from_moodle = "id number" in cells or "email address" in cells
        return {"ID number": cells.get("id number", "") if from_moodle else row["student_id"],
                "Email address": row["email"], "Full name": row["name"]}
    if {"sis user id", "sis login id"} & set(cells):
        return {name: cells.get(name.lower(), "") for name in CANVAS_IDS}
    return {"Student": row["name"] or row["student_id"], "ID": cells.get("id", "") if entry else "",
            "SIS User ID": row["student_id"], "SIS Login ID": row["student_id"], "Section": cells.get("section", "")}


def lms_table(book, kind: str) -> tuple[list[str], list[dict]]:
    """``(columns, rows)`` of the import file for ``kind`` (``canvas`` or ``moodle``)."""
    if kind not in LMS_KINDS:
        raise QuizError(f"--lms {kind!r}: choose one of {', '.join(LMS_KINDS)}")
    quizzes = book.ordered_quizzes()
    titles = [quiz.title for quiz in quizzes]
    rows = [{**_ids(book, row, kind), **{t: _score(book, row, q.id) for t, q in zip(titles, quizzes)}}
            for row in book.rows if not book.roster or row["roster"] == "yes"]
    if kind == "canvas":
        rows.insert(0, {"Student": "Points Possible", **{t: format_points(q.max_points) for t, q in zip(titles, quizzes)}})
    return (CANVAS_IDS if kind == "canvas" else MOODLE_IDS) + titles, rows


def write_lms(book, kind: str, out) -> Path:
    """Write the import file for ``kind`` to ``out`` (every cell inert for spreadsheets)."""
    return write_text_atomic(Path(out), csv_text(*lms_table(book, kind)))
