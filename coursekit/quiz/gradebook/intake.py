"""From the folders an instructor collected to graded files, each tied to one student.

Every file found is accounted for: each ``*.json`` is graded or *rejected* with its reason
(hidden: a name or folder starting with ``.``; unreadable or malformed; named for one student
but holding another's id; an unknown quiz; a key version not accepted; failing to grade),
other files are named in one warning. A file's name must agree with the ``student_id``
inside (:func:`name_conflict`): a name ending ``<id>__<quiz>.json``, after any LMS prefix
(Canvas's ``doejane_12345_67890_``) and before a download's ``-1`` or `` (1)``, says whose it
is, unless the roster says both ids are one student. Ids are compared exactly or through the
roster; ids differing only in case are never merged silently. Each file keeps its *round*,
the place of its folder on the command line (:func:`~coursekit.quiz.gradebook.rules.pick`).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import SubmissionError
from coursekit.quiz.gradebook.lms import Roster
from coursekit.quiz.gradebook.rules import Policy
from coursekit.quiz.grading import QuizResult, grade_quiz
from coursekit.quiz.model import Quiz
from coursekit.quiz.submissions import MAX_SUBMISSION_BYTES, Submission, file_slug, read_submission

_NAME = re.compile(r"^(?P<student>.+?)__(?P<quiz>[a-z0-9][a-z0-9_-]*?)(?:-\d+| \(\d+\))?$")


@dataclass(frozen=True)
class Rejected:
    """A file not graded, and why; ``student_id``/``quiz_id`` when they could be told."""

    path: Path
    reason: str
    student_id: str | None = None
    quiz_id: str | None = None
    superseded: bool = False  # a duplicate: the student has another file graded

    def __str__(self) -> str:
        return f"{self.path}: skipped: {self.reason}"


@dataclass
class Graded:
    student_id: str  # as on the roster (or as submitted, without one)
    submission: Submission
    result: QuizResult
    notes: list[str] = field(default_factory=list)
    accepted_version: str | None = None  # an earlier key version graded by the rules
    round: int = 0  # the place of its submission folder on the command line
    marks: object = None  # coursekit.quiz.gradebook.rules.Marks, once scored


@dataclass
class Intake:
    candidates: dict[tuple[str, str], list[Graded]] = field(default_factory=dict)
    graded: dict[tuple[str, str], Graded] = field(default_factory=dict)  # filled by the gradebook's pick
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    student_notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, student_id: str, text: str) -> None:
        notes = self.student_notes.setdefault(student_id, [])
        if text not in notes:
            notes.append(text)


def submission_files(sources: str | os.PathLike | Iterable[str | os.PathLike]) -> list[tuple[int, Path, tuple]]:
    """``(round, path, its parts under the source)`` of every file among ``sources`` (folders
    searched recursively), in collection order; a file reachable twice belongs to the first."""
    found: dict[Path, tuple[int, tuple]] = {}
    for number, source in enumerate(map(Path, [sources] if isinstance(sources, (str, os.PathLike)) else sources)):
        if source.is_dir():
            paths = [(p, p.relative_to(source).parts) for p in sorted(source.rglob("*")) if p.is_file()]
        elif source.is_file():
            paths = [(source, (source.name,))]
        else:
            raise SubmissionError(f"{source}: no such file or folder")
        for path, parts in paths:
            found.setdefault(path, (number, parts))
    return sorted(((n, path, parts) for path, (n, parts) in found.items()), key=lambda f: (f[0], str(f[1])))


def _identity(path: Path) -> tuple[str | None, str | None]:
    """Whose file this is, from its content if that is JSON, else from its name."""
    try:
        if path.stat().st_size <= MAX_SUBMISSION_BYTES:
            data = json.loads(path.read_bytes().decode("utf-8"))
            student, quiz = (data.get("student_id"), data.get("quiz_id")) if isinstance(data, dict) else (None, None)
            if isinstance(student, str) and student.strip() and len(student) <= 64:
                return student.strip(), quiz if isinstance(quiz, str) else None
    except Exception:  # noqa: BLE001 - any unreadable file falls back to its name
        pass
    match = _NAME.match(path.stem)
    return (match["student"], match["quiz"]) if match else (None, None)


def collect(sources, key: Mapping[str, Quiz], policy: Policy, roster: Roster | None = None) -> Intake:
    """Read, check and grade every submission in ``sources``; ``candidates`` holds every usable
    file per (student, quiz), for the gradebook to pick one."""
    intake, others = Intake(), []
    for number, path, parts in submission_files(sources):
        hidden = [part for part in parts if part.startswith(".")]
        if path.suffix.lower() != ".json":
            if not path.name.endswith(".lock"):  # the lock files saving leaves beside each submission
                others.append(path.name)
        elif hidden:
            intake.rejected.append(Rejected(path, f"hidden file or folder ({hidden[-1]!r} starts with '.'), not "
                                                  "read; rename it if it is a submission"))
        else:
            graded = _grade_file(path, key, policy, roster, intake)
            if graded is not None:
                graded.round = number
                intake.candidates.setdefault((graded.student_id, graded.submission.quiz_id), []).append(graded)
    if others:
        intake.warnings.append(f"{len(others)} file(s) that are not submissions (.json) were not read: "
                               + ", ".join(others[:5]) + (", ..." if len(others) > 5 else ""))
    if roster is None:
        _flag_case_variants(intake)
    return intake


def _student(submitted: str, roster: Roster | None, intake: Intake) -> str:
    """The roster id for an id as submitted (or the id itself, noting why)."""
    matched, note = roster.match(submitted) if roster else (submitted, "")
    if note:
        intake.note(matched or submitted, note)
    return matched or submitted


def _reject(intake: Intake, path: Path, reason: str, roster, student=None, quiz_id=None) -> None:
    student, quiz_id = (student, quiz_id) if student is not None else _identity(path)
    intake.rejected.append(Rejected(path, reason, student and _student(student, roster, intake), quiz_id))


def name_conflict(path: Path, submission: Submission, roster: Roster | None) -> tuple[str, str] | None:
    """``(why, the student the name claims)`` when the file's name and the ids inside
    disagree (see the module docstring), else ``None``."""
    claim = _NAME.match(path.stem)
    if claim is None:
        return None  # the name claims no one
    same_quiz = re.match(rf"^(?P<student>.+?)__{re.escape(submission.quiz_id)}(?:-\d+| \(\d+\))?$", path.stem)
    named = (same_quiz or claim)["student"]
    pieces = re.split(r"(?<=[_ -])", named)  # an LMS's prefix ends with one of these
    suffixes = ["".join(pieces[i:]) for i in range(len(pieces))]
    if same_quiz and file_slug(submission.student_id).casefold() in {s.casefold() for s in suffixes}:
        return None
    holders = [roster.match(s)[0] for s in suffixes] if roster else []
    holder = next((h for h in holders if h), None)
    if same_quiz and holder is not None and holder == roster.match(submission.student_id)[0]:
        return None
    what = f"student {named!r}" if same_quiz else f"{named!r}, quiz {claim['quiz']!r}"
    return (f"the file name is for {what} but the file holds student_id {submission.student_id!r}, quiz "
            f"{submission.quiz_id!r}: not graded (rename it if it is that student's work)", holder or named)


def _grade_file(path: Path, key: Mapping[str, Quiz], policy: Policy, roster: Roster | None,
                intake: Intake) -> Graded | None:
    try:
        submission = read_submission(path)
    except Exception as exc:  # noqa: BLE001 - one crafted file must not stop a class's grading
        reason = str(exc).removeprefix(f"{path}: ") if isinstance(exc, SubmissionError) else (
            f"cannot be read ({exc.__class__.__name__}: {str(exc)[:120]})")
        _reject(intake, path, reason, roster)
        return None
    student, quiz_id = submission.student_id, submission.quiz_id
    conflict = name_conflict(path, submission, roster)
    if conflict:
        _reject(intake, path, conflict[0], roster, conflict[1], quiz_id)
        return None
    quiz = key.get(quiz_id)
    if quiz is None:
        _reject(intake, path, f"unknown quiz {quiz_id!r} (the key has: {', '.join(sorted(key))})", roster, student,
                quiz_id)
        return None
    rules = policy.for_quiz(quiz.id)
    accepted = None
    if submission.quiz_version != quiz.version:
        if submission.quiz_version not in rules.earlier_versions:
            _reject(intake, path, f"quiz {quiz.id!r} version {submission.quiz_version!r} does not match the key's "
                    f"version {quiz.version!r} (accept it with grading.earlier_versions in the key or "
                    f"--accept-version {quiz.id}={submission.quiz_version})", roster, student, quiz.id)
            return None
        accepted = submission.quiz_version
    changed = rules.earlier_versions.get(accepted, {}) if accepted else {}
    try:
        result = grade_quiz(quiz, submission.answers, partial_credit=rules.partial_credit,
                            full_credit=[q for q, rule in changed.items() if rule == "full"])
    except Exception as exc:  # noqa: BLE001 - an answer no rule foresaw: skip the file, say why
        _reject(intake, path, f"could not be graded ({exc.__class__.__name__}: {str(exc)[:120]})", roster,
                student, quiz.id)
        return None
    graded = Graded(_student(student, roster, intake), submission, result, accepted_version=accepted)
    graded.notes.extend(_notes(quiz, submission, result, accepted, changed))
    return graded


def _notes(quiz: Quiz, submission: Submission, result: QuizResult, accepted: str | None,
           changed: Mapping[str, str]) -> list[str]:
    notes = [f"answered version {accepted}, graded against version {quiz.version}"] if accepted else []
    unknown = sorted(set(submission.answers) - {q.id for q in quiz.questions})
    if unknown:
        notes.append(f"answers to unknown questions ignored: {', '.join(unknown)}")
    notes += [f"{r.question_id}: {f'invalid answer: {r.problem}' if r.problem else r.note}" for r in result.results
              if r.problem or r.note]
    rule = "regraded against the current key" if accepted else "bump the key's version"
    return notes + [f"{qid}: the question's text changed after it was answered ({rule})"
                    for qid, saved in sorted((submission.fingerprints or {}).items())
                    if quiz.has_question(qid) and saved != quiz.question(qid).fingerprint
                    and not (accepted and qid in changed)]


def _flag_case_variants(intake: Intake) -> None:
    ids = {s for s, _ in intake.candidates} | {r.student_id for r in intake.rejected if r.student_id}
    by_fold: dict[str, set[str]] = {}
    for student in ids:
        by_fold.setdefault(student.casefold(), set()).add(student)
    for variants in (v for v in by_fold.values() if len(v) > 1):
        names = ", ".join(repr(v) for v in sorted(variants))
        intake.warnings.append(f"student ids {names} differ only in case: kept apart; pass --roster to match them")
        for student in variants:
            intake.note(student, f"ids {names} differ only in case (kept apart)")
