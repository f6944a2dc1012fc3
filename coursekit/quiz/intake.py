"""From a pile of submission files to one graded submission per student and quiz.

Every ``*.json`` file (any case of the extension) under the given folders is read. A
file that cannot be used is *rejected* with its reason (and, where the file or its name
says whose it is, that student keeps a row saying so): unreadable or malformed, an
unknown quiz, a key version that is neither current nor accepted, anything that fails
while grading it. Of several usable files for one student and quiz, the rule chosen in
:mod:`coursekit.quiz.policy` picks the one graded (the latest hand-in by default); the
others are listed as superseded. Student ids are compared exactly, or through the
roster (:mod:`coursekit.quiz.roster`); ids that differ only in case are never merged
silently.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import SubmissionError
from coursekit.quiz.grading import QuizResult, grade_quiz
from coursekit.quiz.model import Quiz
from coursekit.quiz.policy import Policy
from coursekit.quiz.roster import Roster
from coursekit.quiz.submissions import MAX_SUBMISSION_BYTES, Submission, read_submission

_NAME = re.compile(r"^(?P<student>.+?)__(?P<quiz>[a-z0-9][a-z0-9_-]*)$")


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


@dataclass
class Intake:
    graded: dict[tuple[str, str], Graded] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    student_notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, student_id: str, text: str) -> None:
        notes = self.student_notes.setdefault(student_id, [])
        if text not in notes:
            notes.append(text)


def submission_files(sources: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The ``*.json`` files among ``sources`` (folders searched recursively; the
    extension in any case; hidden files and folders skipped)."""
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    files: set[Path] = set()
    for source in map(Path, sources):
        if source.is_dir():
            for path in source.rglob("*"):
                parts = path.relative_to(source).parts
                if path.is_file() and path.suffix.lower() == ".json" and not any(p.startswith(".") for p in parts):
                    files.add(path)
        elif source.is_file():
            files.add(source)
        else:
            raise SubmissionError(f"{source}: no such file or folder")
    return sorted(files)


def _identity(path: Path) -> tuple[str | None, str | None]:
    """Whose file this is, from its content if that is JSON, else from its name."""
    try:
        if path.stat().st_size <= MAX_SUBMISSION_BYTES:
            data = json.loads(path.read_bytes().decode("utf-8"))
            if isinstance(data, dict):
                student, quiz = data.get("student_id"), data.get("quiz_id")
                if isinstance(student, str) and student.strip() and len(student) <= 64:
                    return student.strip(), quiz if isinstance(quiz, str) else None
    except Exception:  # noqa: BLE001 - any unreadable file falls back to its name
        pass
    match = _NAME.match(path.stem)
    return (match["student"], match["quiz"]) if match else (None, None)


def collect(sources, key: Mapping[str, Quiz], policy: Policy, roster: Roster | None = None) -> Intake:
    """Read, check, grade and de-duplicate every submission in ``sources``."""
    intake = Intake()
    candidates: dict[tuple[str, str], list[Graded]] = {}
    for path in submission_files(sources):
        graded = _grade_file(path, key, policy, roster, intake)
        if graded is not None:
            candidates.setdefault((graded.student_id, graded.submission.quiz_id), []).append(graded)
    for slot, group in sorted(candidates.items()):
        winner = _pick(group, policy.for_quiz(slot[1]).duplicates)
        intake.graded[slot] = winner
        for other in group:
            if other is not winner:
                intake.rejected.append(Rejected(
                    other.submission.path, f"duplicate: {winner.submission.path} is graded instead "
                    f"({policy.for_quiz(slot[1]).duplicates} wins)", other.student_id, slot[1], superseded=True))
    if roster is None:
        _flag_case_variants(intake)
    return intake


def _student(submitted: str, roster: Roster | None, intake: Intake) -> str:
    if roster is None:
        return submitted
    matched, note = roster.match(submitted)
    if matched is None:
        intake.note(submitted, note)
        return submitted
    if note:
        intake.note(matched, note)
    return matched


def _reject(intake: Intake, path: Path, reason: str, roster: Roster | None,
            student: str | None = None, quiz: str | None = None) -> None:
    if student is None and quiz is None:
        student, quiz = _identity(path)
    if student is not None:
        student = _student(student, roster, intake)
    intake.rejected.append(Rejected(path, reason, student, quiz))


def _grade_file(path: Path, key: Mapping[str, Quiz], policy: Policy, roster: Roster | None,
                intake: Intake) -> Graded | None:
    try:
        submission = read_submission(path)
    except SubmissionError as exc:
        _reject(intake, path, str(exc).removeprefix(f"{path}: "), roster)
        return None
    except Exception as exc:  # noqa: BLE001 - one crafted file must not stop a class's grading
        _reject(intake, path, f"cannot be read ({exc.__class__.__name__}: {str(exc)[:120]})", roster)
        return None
    student, quiz_id = submission.student_id, submission.quiz_id
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
    notes = []
    if accepted:
        notes.append(f"answered version {accepted}, graded against version {quiz.version}")
    unknown = sorted(set(submission.answers) - {q.id for q in quiz.questions})
    if unknown:
        notes.append(f"answers to unknown questions ignored: {', '.join(unknown)}")
    for r in result.results:
        if r.problem:
            notes.append(f"{r.question_id}: invalid answer: {r.problem}")
        if r.note:
            notes.append(f"{r.question_id}: {r.note}")
    for question_id, saved in sorted((submission.fingerprints or {}).items()):
        if quiz.has_question(question_id) and saved != quiz.question(question_id).fingerprint:
            if accepted and question_id in changed:
                continue
            rule = "regraded against the current key" if accepted else "bump the key's version"
            notes.append(f"{question_id}: the question's text changed after it was answered ({rule})")
    return notes


def _pick(group: list[Graded], rule: str) -> Graded:
    """The file graded among one student's files for one quiz."""
    def moment(g: Graded):
        return g.submission.handed_in_at.timestamp() if g.submission.handed_in_at else float("-inf")

    order = sorted(group, key=lambda g: str(g.submission.path))
    if rule == "earliest":
        return min(order, key=lambda g: (moment(g) == float("-inf"), moment(g)))
    if rule == "best":
        return max(order, key=lambda g: (g.result.auto_score, moment(g)))
    return max(order, key=moment)


def _flag_case_variants(intake: Intake) -> None:
    ids = {g.student_id for g in intake.graded.values()} | {r.student_id for r in intake.rejected if r.student_id}
    by_fold: dict[str, set[str]] = {}
    for student in ids:
        by_fold.setdefault(student.casefold(), set()).add(student)
    for variants in by_fold.values():
        if len(variants) > 1:
            names = ", ".join(repr(v) for v in sorted(variants))
            intake.warnings.append(f"student ids {names} differ only in case: kept apart; pass --roster to match them")
            for student in variants:
                intake.note(student, f"ids {names} differ only in case (kept apart)")
