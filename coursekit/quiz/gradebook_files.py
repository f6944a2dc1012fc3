"""Write a gradebook without losing the one before it.

``gradebook.csv`` is rewritten on every ``coursekit quiz grade``; manual scores live in
their own file (:mod:`coursekit.quiz.manual`), so nothing typed by a person is in it.
Before replacing an existing gradebook:

* it is refused (unless ``replace``) when the new one would drop a student it holds or
  lose a graded quiz (grading one late file alone into the same ``--out``), or when one
  of its reflection columns holds a score (typed into it) that the new one leaves empty;
* it is kept as ``<name>.backup-<UTC time>.csv`` beside it;
* what changed (students, statuses, totals) is returned for the command to print.

Beside it: ``<name>_summary.csv`` (per question), ``<name>_rejected.csv`` (every file not
graded, and why) and, when asked, the LMS import file (:mod:`coursekit.quiz.lms`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.errors import GradebookError
from coursekit.fileio import write_bytes_atomic, write_text_atomic
from coursekit.quiz.tables import csv_text, unsafe_cell

REJECTED_COLUMNS = ["file", "student_id", "quiz", "reason"]
_GRADED = ("submitted", "saved, not submitted")


@dataclass
class Written:
    gradebook: Path
    summary: Path
    rejected: Path
    backup: Path | None = None
    lms: Path | None = None
    changes: list[str] = field(default_factory=list)


def read_gradebook(path: Path) -> list[dict] | None:
    """The rows of a gradebook written earlier, or ``None`` when it is not one."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not rows or "student_id" not in rows[0]:
        return None
    return [{k: unsafe_cell(v or "") for k, v in row.items() if k is not None} for row in rows]


def _losses(old: list[dict], new: list[dict], reflection_columns: set[str]) -> list[str]:
    new_by_id = {r["student_id"]: r for r in new}
    lost = []
    for row in old:
        student = row["student_id"]
        if student not in new_by_id:
            lost.append(f"student {student} (not in this run)")
            continue
        for column, value in row.items():
            if column.endswith(":status") and value in _GRADED and new_by_id[student].get(column) not in _GRADED:
                lost.append(f"{student} {column.removesuffix(':status')} ({value} -> "
                            f"{new_by_id[student].get(column) or 'absent'})")
            if column in reflection_columns and value.strip() and not new_by_id[student].get(column, ""):
                lost.append(f"{student} {column} = {value} typed into the gradebook (move it to the --manual file)")
    return lost


def _changes(old: list[dict], new: list[dict]) -> list[str]:
    old_by_id = {r["student_id"]: r for r in old}
    new_ids = [r["student_id"] for r in new]
    lines = []
    added = [s for s in new_ids if s not in old_by_id]
    removed = [s for s in old_by_id if s not in set(new_ids)]
    if added:
        lines.append(f"new students: {', '.join(added)}")
    if removed:
        lines.append(f"students no longer in the gradebook: {', '.join(removed)}")
    for row in new:
        before = old_by_id.get(row["student_id"])
        if before is None:
            continue
        diffs = []
        for column in row:
            if (column.endswith((":total", ":status")) or column == "total") and before.get(column, "") != row[column]:
                diffs.append(f"{column} {before.get(column) or '-'} -> {row[column] or '-'}")
        if diffs:
            lines.append(f"{row['student_id']}: " + "; ".join(diffs))
    return lines or ["no changes"]


def _backup_path(out: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate = out.with_name(f"{out.stem}.backup-{stamp}{out.suffix}")
    counter = 1
    while candidate.exists():
        candidate = out.with_name(f"{out.stem}.backup-{stamp}-{counter}{out.suffix}")
        counter += 1
    return candidate


def write_gradebook_files(book, out, summary_out=None, *, replace: bool = False, lms: str | None = None,
                          lms_out=None, now: dt.datetime | None = None) -> Written:
    """Write the gradebook (after the checks above) and its companion files, atomically."""
    out = Path(out)
    summary_out = Path(summary_out) if summary_out else out.with_name(f"{out.stem}_summary.csv")
    rejected_out = out.with_name(f"{out.stem}_rejected.csv")
    now = now or dt.datetime.now(dt.timezone.utc)
    old, backup = None, None
    if out.exists():
        old = read_gradebook(out)
        if old is None and not replace:
            raise GradebookError(f"{out} exists but is not a coursekit gradebook; choose another --out "
                                 "or pass --replace")
        reflections = {c for c in book.columns if _is_reflection_score(book, c)}
        lost = _losses(old or [], book.rows, reflections)
        if lost and not replace:
            shown = "; ".join(lost[:5]) + (f"; and {len(lost) - 5} more" if len(lost) > 5 else "")
            raise GradebookError(f"{out} holds what this run would lose: {shown}. Grade every submission folder "
                                 "together (and keep scores in --manual), or pass --replace (a backup is kept)")
        backup = _backup_path(out, now)
        write_bytes_atomic(backup, out.read_bytes())
    write_text_atomic(out, csv_text(book.columns, book.rows))
    write_text_atomic(summary_out, csv_text(book.summary_columns, book.summary))
    rejected_rows = [{"file": str(r.path), "student_id": r.student_id or "", "quiz": r.quiz_id or "",
                      "reason": r.reason} for r in book.rejected]
    write_text_atomic(rejected_out, csv_text(REJECTED_COLUMNS, rejected_rows))
    written = Written(out, summary_out, rejected_out, backup)
    if lms:
        from coursekit.quiz.lms import write_lms

        written.lms = write_lms(book, lms, lms_out or out.with_name(f"{out.stem}_{lms}.csv"))
    written.changes = _changes(old, book.rows) if old is not None else []
    return written


def _is_reflection_score(book, column: str) -> bool:
    quiz_id, _, question_id = column.partition(":")
    quiz = book.key.get(quiz_id)
    return bool(quiz and quiz.has_question(question_id) and not quiz.question(question_id).auto_graded)
