"""Scores and comments a person gives (reflections): a file of their own, never rewritten.

``manual.csv`` (``coursekit quiz grade --manual FILE``)::

    student_id,question,points,comment
    s001,part2:reflection,3.5,"Clear on overfitting; bias only named, not addressed."

``question`` is ``QUIZ:QUESTION`` as in the gradebook's columns and must be a question a
person grades (a reflection); ``points`` lies between 0 and the question's points, or is
empty (a comment only). ``coursekit quiz export-reflections`` writes a template to fill
in. With anonymised reflections the ``student_id`` cells hold codes, translated back
with the codes file that export wrote (``--codes``). Grading reads this file and never
writes it, so a regrade cannot lose what was typed into it.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from coursekit.quiz.model import Quiz
from coursekit.quiz.tables import TableError, read_csv_rows, unsafe_cell

MANUAL_COLUMNS = ["student_id", "question", "points", "comment"]


@dataclass(frozen=True)
class ManualScore:
    student_id: str
    quiz_id: str
    question_id: str
    points: float | None
    comment: str
    where: str  # "manual.csv: line 4", for messages


def read_codes(path: str | os.PathLike) -> dict[str, str]:
    """``{code: student id}`` from the codes file of an anonymised reflections export."""
    rows = read_csv_rows(path, required=("code", "student_id"), option="--codes")
    return {row["code"].strip(): unsafe_cell(row["student_id"].strip()) for _, row in rows if row["code"].strip()}


def read_manual(path: str | os.PathLike, key: Mapping[str, Quiz], codes: Mapping[str, str] | None = None
                ) -> list[ManualScore]:
    """Every row of ``path``, checked against the key (see the module docstring)."""
    path = Path(path)
    rows = read_csv_rows(path, required=("student_id", "question", "points"), option="--manual",
                         aliases={"student_id": ("student", "code")})
    scores, seen = [], {}
    for line, row in rows:
        where = f"{path}: line {line}"
        student = unsafe_cell((row.get("student_id") or "").strip())
        student = (codes or {}).get(student, student)
        if not student:
            raise TableError(f"{where}: student_id is empty (given with --manual)")
        quiz_id, question = _question(row.get("question") or "", key, where)
        points = _points(row.get("points") or "", quiz_id, question, key, where)
        slot = (student, quiz_id, question)
        if slot in seen:
            raise TableError(f"{where}: {student} {quiz_id}:{question} is already scored on {seen[slot]}")
        seen[slot] = f"line {line}"
        scores.append(ManualScore(student, quiz_id, question, points, (row.get("comment") or "").strip(), where))
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


def _points(text: str, quiz_id: str, question_id: str, key: Mapping[str, Quiz], where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        points = float(text)
    except ValueError:
        raise TableError(f"{where}: points {text!r} is not a number (given with --manual)") from None
    limit = key[quiz_id].question(question_id).points
    if not math.isfinite(points) or not 0 <= points <= limit:
        raise TableError(f"{where}: points {text} is outside 0 to {limit:g} for {quiz_id}:{question_id}")
    return points
