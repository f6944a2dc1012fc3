"""CSV in and out for the gradebook, and the scores a person gives (``manual.csv``).

Reading (:func:`read_csv_rows`) is bounded, forgiving about what spreadsheets and LMSs do (a
byte-order mark, headers in any case, blank lines, a ``;`` or tab separator, a header line
repeated part way: a template appended whole, whose columns apply from there) and strict
about the rest: one line naming the file, the line and the option.

Writing (:func:`csv_text`) makes every cell inert for spreadsheets, ids included: a cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe;
a plain number (``-42``) runs nothing and is written as it is. Every reader here drops that
apostrophe again (:func:`unsafe_cell`), so ``'=x`` in a manual file or roster is student ``=x``.

``manual.csv`` (``student_id,question,points,comment,text_hash``; read, never written by
grading): ``question`` is ``QUIZ:QUESTION``, a reflection; ``points`` from 0 to its points,
or empty (a comment only); ``text_hash`` (filled in by ``export-reflections``) ties the score
to the text it was given for. A row without it counts for whatever text is graded; a row
with neither points nor comment (a template line not filled in) is skipped.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import TableError
from coursekit.fileio import read_small_text
from coursekit.quiz.model import Quiz

MAX_TABLE_BYTES = 20_000_000
MANUAL_COLUMNS = ["student_id", "question", "points", "comment", "text_hash"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def read_csv_rows(path: str | os.PathLike, required: Iterable[str] = (), option: str = "",
                  aliases: Mapping[str, Iterable[str]] | None = None) -> list[tuple[int, dict]]:
    """``[(line number, {lower-case header: value})]`` for each non-blank data row, every
    value with :func:`unsafe_cell` applied. ``aliases`` maps a column name to other
    spellings of its header."""
    path, hint = Path(path), f" (given with {option})" if option else ""
    text = read_small_text(path, limit=MAX_TABLE_BYTES, what="a CSV file", error=TableError,
                           prefix=f"{path}{hint}")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise TableError(f"{path}: empty file; it needs a header row{hint}")
        names = _header(header, required, aliases, f"{path}: line 1", hint)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if values and values[0].strip().lower() == names[0] and set(required) <= set(_names(values, aliases)):
                names = _header(values, required, aliases, f"{path}: line {reader.line_num}", hint)
                continue  # a header repeated: a file appended whole, with its own columns
            if len(values) > len(names):
                raise TableError(f"{path}: line {reader.line_num}: {len(values)} cells but the header has "
                                 f"{len(names)}{hint}")
            cells = [unsafe_cell(v) for v in values] + [""] * (len(names) - len(values))
            rows.append((reader.line_num, dict(zip(names, cells))))
    except csv.Error as exc:
        raise TableError(f"{path}: not valid CSV ({exc}){hint}") from exc
    return rows


def _names(header: list[str], aliases: Mapping[str, Iterable[str]] | None) -> list[str]:
    names = [h.strip().lower() for h in header]
    for canonical, others in (aliases or {}).items():
        for index, name in enumerate(names):
            if name in {o.lower() for o in others} and canonical not in names:
                names[index] = canonical
    return names


def _header(header: list[str], required: Iterable[str], aliases, where: str, hint: str) -> list[str]:
    names = _names(header, aliases)
    missing = [name for name in required if name not in names]
    if missing:
        raise TableError(f"{where}: no {', '.join(missing)} column (the header has: "
                         f"{', '.join(h for h in header if h) or 'nothing'}){hint}")
    return names


def safe_cell(value):
    """``value`` made inert for spreadsheets (see the module docstring)."""
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The text :func:`safe_cell` was given (reading a file coursekit wrote)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1:2] in _FORMULA_START:
        return value[1:]
    return value


def csv_text(columns: list[str], rows: Iterable[Mapping]) -> str:
    """CSV text of ``rows`` under ``columns``, every cell (the header too) made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c, "")) for c in columns])
    return buffer.getvalue()


# --------------------------------------------------------------------------- manual scores


@dataclass(frozen=True)
class ManualScore:
    student_id: str
    quiz_id: str
    question_id: str
    points: float | None
    comment: str
    where: str  # "manual.csv: line 4", for messages
    text_hash: str = ""  # the text it was given for; "" when typed by hand without one


def read_codes(path: str | os.PathLike) -> dict[str, str]:
    """``{code: student id}`` from the codes file of an anonymised reflections export."""
    rows = read_csv_rows(path, required=("code", "student_id"), option="--codes")
    return {row["code"].strip(): row["student_id"].strip() for _, row in rows if row["code"].strip()}


def read_manual(path: str | os.PathLike, key: Mapping[str, Quiz], codes: Mapping[str, str] | None = None
                ) -> list[ManualScore]:
    """Every scored row of ``path``, checked against the key (see the module docstring)."""
    path = Path(path)
    rows = read_csv_rows(path, required=("student_id", "question", "points"), option="--manual",
                         aliases={"student_id": ("student", "code")})
    scores, seen = [], {}
    for line, row in rows:
        where = f"{path}: line {line}"
        student = (row.get("student_id") or "").strip()
        student = (codes or {}).get(student, student)
        if not student:
            raise TableError(f"{where}: student_id is empty (given with --manual)")
        quiz_id, question = _question(row.get("question") or "", key, where)
        points = _points(row.get("points") or "", key[quiz_id].question(question).points, where)
        comment, text_hash = (row.get("comment") or "").strip(), (row.get("text_hash") or "").strip()
        if points is None and not comment:
            continue  # a template line not filled in yet
        slot = (student, quiz_id, question, text_hash)
        if slot in seen:
            raise TableError(f"{where}: {student} {quiz_id}:{question} is already scored on {seen[slot]}"
                             + (f" for the same text ({text_hash})" if text_hash else ""))
        seen[slot] = f"line {line}"
        scores.append(ManualScore(student, quiz_id, question, points, comment, where, text_hash))
    return scores


def _question(text: str, key: Mapping[str, Quiz], where: str) -> tuple[str, str]:
    quiz_id, sep, question_id = text.strip().partition(":")
    if not sep or quiz_id not in key or not key[quiz_id].has_question(question_id):
        reviewed = [f"{q.id}:{x.id}" for q in key.values() for x in q.questions if not x.auto_graded]
        raise TableError(f"{where}: question {text.strip()!r} is not in the key; manual scores are for "
                         f"{', '.join(reviewed) or 'reflections'} (given with --manual)")
    if key[quiz_id].question(question_id).auto_graded:
        raise TableError(f"{where}: {text.strip()} is auto-graded; manual scores are for reflections")
    return quiz_id, question_id


def _points(text: str, limit: float, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        points = float(text)
    except ValueError:
        raise TableError(f"{where}: points {text!r} is not a number (given with --manual)") from None
    if not math.isfinite(points) or not 0 <= points <= limit:
        raise TableError(f"{where}: points {text} is outside 0 to {limit:g}")
    return points


def manual_for(scores: Iterable[ManualScore], student: str, quiz_id: str, question_id: str, text_hash: str
               ) -> tuple[ManualScore | None, list[ManualScore]]:
    """``(the score that counts for this text, scores given for other texts)``."""
    mine = [m for m in scores if (m.student_id, m.quiz_id, m.question_id) == (student, quiz_id, question_id)]
    exact = [m for m in mine if m.text_hash == text_hash] or [m for m in mine if not m.text_hash]
    return (exact[0] if exact else None), [m for m in mine if m.text_hash and m.text_hash != text_hash]
