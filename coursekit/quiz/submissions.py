"""Submission files: every Check saves the student's answers; Submit stamps the hand-in.

One JSON file per student and quiz, ``<student>__<quiz>.json`` (its format, with an answer
of each question kind: ``quizzes/README.md``, *Submissions*), in the submissions folder: the
``directory`` argument, else ``$COURSEKIT_SUBMISSIONS_DIR``, else ``~/coursekit-submissions``
(so answers from every notebook, and every copy of one, end up in one place).

Writes hold a lock file (``filelock``) for the read-modify-write and replace the file
atomically: two notebooks saving at once both land in the history, and a crash leaves the
previous file whole. ``shown_score`` is only what the student saw; grading never reads it.
Reading is bounded (:data:`MAX_SUBMISSION_BYTES`); a file that cannot be read is a
:class:`SubmissionError` naming it. Timestamps come from the student's machine, so grading
trusts the instructor's collection order over them (:mod:`coursekit.quiz.gradebook.rules`).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from coursekit.errors import SubmissionError
from coursekit.fileio import read_small_text, write_json_atomic
from coursekit.quiz.model import Checker, Quiz, anything, list_of, map_of, matches, one_of, parse_time, simple, text

SUBMISSION_FORMAT = "coursekit-submission/1"
SUBMISSIONS_ENV = "COURSEKIT_SUBMISSIONS_DIR"
STUDENT_ENV = "COURSEKIT_STUDENT_ID"
LOCK_TIMEOUT_S = 30
MAX_SUBMISSION_BYTES = 5_000_000

_OPTIONAL_TEXT = simple(lambda v: v is None or isinstance(v, str), "expected text or null")
SUBMISSION_FIELDS = {
    "format": one_of(SUBMISSION_FORMAT), "student_id": matches(r"(?s)(?=.*\S).{1,64}", "an id of 1 to 64 characters"),
    "quiz_id": text, "quiz_version": text, "created": text, "updated": text, "submitted_at": _OPTIONAL_TEXT,
    "answers": map_of(anything), "question_fingerprints": map_of(text), "history": list_of(map_of(anything)),
}
_REQUIRED = ("format", "student_id", "quiz_id", "quiz_version", "answers")


@dataclass(frozen=True)
class Submission:
    path: Path
    student_id: str
    quiz_id: str
    quiz_version: str
    answers: dict
    created: dt.datetime | None
    updated: dt.datetime | None
    submitted_at: dt.datetime | None
    history: list
    fingerprints: dict | None = None

    @property
    def handed_in_at(self) -> dt.datetime | None:
        """When it was submitted, else when it was last saved (for the late flag)."""
        return self.submitted_at or self.updated


@dataclass(frozen=True)
class SavedSubmission:
    path: Path
    history_length: int
    note: str = ""


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def default_submissions_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``$COURSEKIT_SUBMISSIONS_DIR``, else ``~/coursekit-submissions``."""
    return Path(explicit or os.environ.get(SUBMISSIONS_ENV) or Path.home() / "coursekit-submissions")


def clean_student_id(student_id: str | None) -> str:
    """The id without surrounding spaces; empty, multi-line or over-long ids are refused."""
    text = (student_id or "").strip()
    if not text:
        raise SubmissionError("enter your student id to save your answers")
    if len(text) > 64 or "\n" in text or "\r" in text:
        raise SubmissionError(f"student id {text[:20]!r}...: use one line of at most 64 characters")
    return text


def file_slug(student_id: str) -> str:
    """The student id as it appears in file names: ``Ana María/7`` -> ``Ana_Mar_a_7``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student_id.strip()).strip("._") or "student"


def submission_path(directory: str | os.PathLike, student_id: str, quiz_id: str) -> Path:
    """``<folder>/<student>__<quiz>.json``: the name grading checks against the ``student_id`` inside."""
    return Path(directory) / f"{file_slug(clean_student_id(student_id))}__{quiz_id}.json"


LOCK_FOLDER = ".locks"  # hidden, so that the folder of files to hand in holds only the submissions


def _lock(path: Path):
    """The lock of ``path``, kept in a hidden folder beside it (a lock file stays after use: removing it races)."""
    from filelock import FileLock

    folder = path.parent / LOCK_FOLDER
    folder.mkdir(exist_ok=True)
    return FileLock(str(folder / (path.name + ".lock")), timeout=LOCK_TIMEOUT_S)


def _read_raw(path: Path) -> dict:
    text = read_small_text(path, limit=MAX_SUBMISSION_BYTES, what="a submission", error=SubmissionError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{path}: not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise SubmissionError(f"{path}: not a submission (JSON nested too deeply)") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise SubmissionError(f"{path}: not a submission ({str(exc).splitlines()[0][:120]})") from exc
    checker = Checker(data, str(path))
    checker.mapping(data, (), SUBMISSION_FIELDS, _REQUIRED, closed=False)  # other fields are ignored
    if checker.problems:
        raise SubmissionError(checker.sorted_problems()[0])
    return data


def read_submission(path: str | os.PathLike) -> Submission:
    """A validated submission; :class:`SubmissionError` names the file and field."""
    path = Path(path)
    data = _read_raw(path)
    times = [parse_time(data.get(name), f"{path}: field '{name}': ", error=SubmissionError)
             for name in ("created", "updated", "submitted_at")]
    return Submission(path, data["student_id"].strip(), data["quiz_id"], data["quiz_version"], data["answers"],
                      *times, list(data.get("history") or []), data.get("question_fingerprints"))


def _existing(path: Path, student_id: str, quiz_id: str) -> tuple[dict | None, str]:
    """The current file's data, or None; an unreadable file is moved aside, never lost."""
    if not path.exists():
        return None, ""
    try:
        data = _read_raw(path)
    except SubmissionError as exc:
        aside = path.with_name(f"{path.name}.corrupt-{now_utc().strftime('%Y%m%dT%H%M%S')}")
        os.replace(path, aside)
        return None, f"the previous file could not be read ({exc}); it was kept as {aside.name}"
    if data["student_id"].strip() != student_id or data["quiz_id"] != quiz_id:
        raise SubmissionError(f"{path}: belongs to student {data['student_id']!r}, quiz {data['quiz_id']!r}; "
                              "use a different submissions folder")
    return data, ""


def record_answers(quiz: Quiz, student_id: str, answers: Mapping[str, Any], directory: str | os.PathLike | None = None,
                   *, event: str = "check", shown_score: str | None = None, now: dt.datetime | None = None
                   ) -> SavedSubmission:
    """Save ``answers`` as the latest and append them to the history (atomic, locked)."""
    student_id = clean_student_id(student_id)
    path = submission_path(default_submissions_dir(directory), student_id, quiz.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = _iso(now or now_utc())
    answers = json.loads(json.dumps(dict(answers)))  # a JSON-safe copy, fails before any write
    with _lock(path):
        data, note = _existing(path, student_id, quiz.id)
        data = data or {"format": SUBMISSION_FORMAT, "student_id": student_id, "quiz_id": quiz.id,
                        "quiz_version": quiz.version, "created": stamp, "submitted_at": None, "history": []}
        entry = {"time": stamp, "event": event, "quiz_version": quiz.version, "answers": answers,
                 **({"shown_score": shown_score} if shown_score is not None else {})}
        data.update(quiz_version=quiz.version, updated=stamp, answers=answers, question_fingerprints=quiz.fingerprints,
                    history=[*data.get("history", []), entry], **({"submitted_at": stamp} if event == "submit" else {}))
        write_json_atomic(path, data)
    return SavedSubmission(path, len(data["history"]), note)


def mark_submitted(quiz_id: str, student_id: str, directory: str | os.PathLike | None = None,
                   out: str | os.PathLike | None = None, *, now: dt.datetime | None = None) -> Path:
    """Stamp ``submitted_at`` on the saved answers and return the file to hand in
    (``out``, a ``.json`` file or a folder, receives a copy when given)."""
    student_id = clean_student_id(student_id)
    path = submission_path(default_submissions_dir(directory), student_id, quiz_id)
    if not path.exists():
        raise SubmissionError(f"{path}: no saved answers for student {student_id!r}, quiz {quiz_id!r}; press Check "
                              "in the quiz first")
    stamp = _iso(now or now_utc())
    with _lock(path):
        data = _read_raw(path)
        data["submitted_at"] = data["updated"] = stamp
        data["history"] = [*data.get("history", []), {"time": stamp, "event": "submit",
                                                      "quiz_version": data["quiz_version"], "answers": data["answers"]}]
        write_json_atomic(path, data)
    if out is None:
        return path
    target = Path(out) if Path(out).suffix.lower() == ".json" and not Path(out).is_dir() else Path(out) / path.name
    if target.resolve() != path.resolve():
        write_json_atomic(target, data)
    return target
