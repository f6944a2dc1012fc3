"""The class list, as an LMS exports it: who must appear in the gradebook.

A roster is a CSV with a student id column and, where known, a name and an e-mail. The
id column is the first of ``student_id``, ``sis user id``, ``sis login id``,
``id number``, ``username``, ``login``, ``id`` that the header has (Canvas and Moodle
exports work as they are), or the column named with ``--roster-id-column``.

Submissions are matched to roster students by the exact id, then by the id ignoring
case, then by the student's other ids in the roster (the other id columns, the e-mail)
ignoring case; a match other than exact is reported in the student's notes, and an id
that matches no one (or two people) stays its own row marked ``not on roster``: nothing
is merged silently.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.quiz.tables import TableError, read_csv_rows

ID_COLUMNS = ("student_id", "sis user id", "sis login id", "id number", "username", "login", "id")
NAME_COLUMNS = ("name", "student", "full name", "student name")
EMAIL_COLUMNS = ("email", "e-mail", "email address", "mail")


@dataclass(frozen=True)
class RosterEntry:
    id: str
    name: str = ""
    email: str = ""
    columns: dict = field(default_factory=dict, compare=False)  # the row as the LMS wrote it
    other_ids: tuple[str, ...] = ()  # the other id columns and the e-mail


@dataclass
class Roster:
    entries: list[RosterEntry]
    source: str = "<roster>"

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def entry(self, student_id: str) -> RosterEntry | None:
        return next((e for e in self.entries if e.id == student_id), None)

    def match(self, student_id: str) -> tuple[str | None, str]:
        """``(roster id, note)`` for an id a student typed; ``(None, why)`` when no one
        (or more than one student) fits."""
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


def read_roster(path: str | os.PathLike, id_column: str | None = None) -> Roster:
    """The roster in ``path`` (see the module docstring for the columns it reads)."""
    path = Path(path)
    rows = read_csv_rows(path, option="--roster")
    header = set(rows[0][1]) if rows else set()
    if not rows:
        raise TableError(f"{path}: no students in the roster (given with --roster)")
    id_col = id_column.strip().lower() if id_column else next((c for c in ID_COLUMNS if c in header), None)
    if id_col is None or id_col not in header:
        wanted = f"column {id_column!r}" if id_column else f"one of the columns {', '.join(ID_COLUMNS)}"
        raise TableError(f"{path}: line 1: no student id column: expected {wanted} "
                         "(name it with --roster-id-column)")
    name_col = next((c for c in NAME_COLUMNS if c in header and c != id_col), None)
    email_col = next((c for c in EMAIL_COLUMNS if c in header and c != id_col), None)
    entries, seen = [], {}
    for line, row in rows:
        student_id = (row.get(id_col) or "").strip()
        if not student_id:
            raise TableError(f"{path}: line {line}: the {id_col!r} cell is empty (given with --roster)")
        if student_id in seen:
            raise TableError(f"{path}: line {line}: student {student_id!r} is also on line {seen[student_id]}")
        seen[student_id] = line
        name = (row.get(name_col) or "").strip() if name_col else ""
        if not name and {"first name", "surname"} <= header:
            name = f"{row.get('first name', '').strip()} {row.get('surname', '').strip()}".strip()
        email = (row.get(email_col) or "").strip() if email_col else ""
        others = tuple(row[c].strip() for c in ID_COLUMNS if c in row and c != id_col and row[c].strip())
        entries.append(RosterEntry(student_id, name, email, row, others + ((email,) if email else ())))
    return Roster(entries, str(path))
