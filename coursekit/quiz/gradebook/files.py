"""Write a gradebook and its companions without losing what the earlier ones held.

Manual scores live in their own file, so nothing a person typed is in the gradebook. An
existing gradebook is not replaced (unless ``replace``) by one that would drop a student, a
graded quiz, or a reflection score: one from a ``--manual`` file not given this time, or one
typed into it (a score whose text changed is not lost: the notes show it). A gradebook or
LMS file whose content changes is kept as ``<name>.backup-<UTC time>.csv`` (an unchanged one
is left alone); an LMS file this run does not rewrite would hold stale totals, so it is moved
aside to its backup name. Beside the gradebook: ``_summary.csv``, ``_rejected.csv`` and the
LMS file, every cell inert for spreadsheets (:func:`~coursekit.quiz.gradebook.tables.csv_text`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.errors import GradebookError
from coursekit.fileio import write_bytes_atomic, write_text_atomic
from coursekit.quiz.gradebook.lms import LMS_KINDS, lms_table
from coursekit.quiz.gradebook.tables import csv_text, unsafe_cell

REJECTED_COLUMNS = ["file", "student_id", "quiz", "reason"]
_GRADED = ("submitted", "saved, not submitted")


@dataclass
class Written:
    gradebook: Path
    summary: Path
    rejected: Path
    backup: Path | None = None
    lms: Path | None = None
    lms_backup: Path | None = None
    stale: list[tuple[Path, Path]] = field(default_factory=list)  # (an old LMS file, where it was moved)
    changes: list[str] = field(default_factory=list)


def read_gradebook(path: Path) -> list[dict] | None:
    """The rows of a gradebook written earlier, or ``None`` when it is not one."""
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not rows or "student_id" not in rows[0]:
        return None
    return [{k: unsafe_cell(v or "") for k, v in row.items() if k is not None} for row in rows]


def _losses(old: list[dict], new: list[dict], reflection_columns: set[str]) -> list[str]:
    new_by_id = {r["student_id"]: r for r in new}
    lost = []
    for row in old:
        student, now = row["student_id"], new_by_id.get(row["student_id"])
        if now is None:
            lost.append(f"student {student} (not in this run)")
            continue
        for column, value in row.items():
            if column.endswith(":status") and value in _GRADED and now.get(column) not in _GRADED:
                lost.append(f"{student} {column.removesuffix(':status')} ({value} -> {now.get(column) or 'absent'})")
            if column not in reflection_columns or not value.strip() or now.get(column, ""):
                continue
            if now.get(f"{column}:review") == "rescore":
                continue  # its text changed: the notes show the old score, the reflection is back for review
            if row.get(f"{column}:review") == "scored":
                lost.append(f"{student} {column} = {value} (from the --manual file of an earlier run: pass it "
                            "again, or --replace if you removed that score on purpose)")
            else:
                lost.append(f"{student} {column} = {value} typed into the gradebook (move it to the --manual file)")
    return lost


def _changes(old: list[dict], new: list[dict]) -> list[str]:
    old_by_id = {r["student_id"]: r for r in old}
    new_ids = [r["student_id"] for r in new]
    lines = []
    added = [s for s in new_ids if s not in old_by_id]
    removed = [s for s in old_by_id if s not in set(new_ids)]
    lines += [f"new students: {', '.join(added)}"] if added else []
    lines += [f"students no longer in the gradebook: {', '.join(removed)}"] if removed else []
    for row in (r for r in new if r["student_id"] in old_by_id):
        before = old_by_id[row["student_id"]]
        diffs = [f"{column} {before.get(column) or '-'} -> {row[column] or '-'}" for column in row
                 if (column.endswith((":total", ":status")) or column == "total")
                 and before.get(column, "") != row[column]]
        lines += [f"{row['student_id']}: " + "; ".join(diffs)] if diffs else []
    return lines or ["no changes"]


def _backup_path(out: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate, counter = out.with_name(f"{out.stem}.backup-{stamp}{out.suffix}"), 1
    while candidate.exists():
        candidate, counter = out.with_name(f"{out.stem}.backup-{stamp}-{counter}{out.suffix}"), counter + 1
    return candidate


def _replace(path: Path, text: str, now: dt.datetime) -> Path | None:
    """Write ``text`` to ``path``, keeping the old content as a backup when it differs."""
    backup = None
    if path.exists():
        old = path.read_bytes()
        if old == text.encode("utf-8"):
            return None
        backup = write_bytes_atomic(_backup_path(path, now), old)
    write_text_atomic(path, text)
    return backup


def write_gradebook_files(book, out, summary_out=None, *, replace: bool = False, lms: str | None = None,
                          lms_out=None, now: dt.datetime | None = None) -> Written:
    """Write the gradebook (after the checks above) and its companion files, atomically."""
    out, now = Path(out), now or dt.datetime.now(dt.timezone.utc)
    summary_out = Path(summary_out) if summary_out else out.with_name(f"{out.stem}_summary.csv")
    old = None
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
    written = Written(out, summary_out, out.with_name(f"{out.stem}_rejected.csv"))
    written.backup = _replace(out, csv_text(book.columns, book.rows), now)
    write_text_atomic(summary_out, csv_text(book.summary_columns, book.summary))
    rejected = [{"file": str(r.path), "student_id": r.student_id or "", "quiz": r.quiz_id or "", "reason": r.reason}
                for r in book.rejected]
    write_text_atomic(written.rejected, csv_text(REJECTED_COLUMNS, rejected))
    if lms:
        written.lms = Path(lms_out) if lms_out else out.with_name(f"{out.stem}_{lms}.csv")
        written.lms_backup = _replace(written.lms, csv_text(*lms_table(book, lms)), now)
    for kind in LMS_KINDS:
        stale = out.with_name(f"{out.stem}_{kind}.csv")
        if stale.exists() and stale != written.lms:
            aside = _backup_path(stale, now)
            os.replace(stale, aside)
            written.stale.append((stale, aside))
    written.changes = _changes(old, book.rows) if old is not None else []
    return written


def _is_reflection_score(book, column: str) -> bool:
    quiz_id, _, question_id = column.partition(":")
    quiz = book.key.get(quiz_id)
    return bool(quiz and quiz.has_question(question_id) and not quiz.question(question_id).auto_graded)
