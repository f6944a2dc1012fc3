"""Grading rules (the key's ``grading:`` block, or the command line, which wins) and what they
make of a graded file: its points (:func:`mark`) and which of a student's files counts (:func:`pick`).

Per quiz: the due date, the late penalty (``none``, ``zero``, ``per-day:N`` points or
``per-day:N%`` of the quiz's points per started day), partial credit, earlier key versions
still graded (each changed question regraded or given full points), and which file counts:
``latest`` (default), ``earliest`` or ``best`` (the highest final total: penalty and manual
points included). The collection order is trusted over the clock of a student's machine: a
file from a later folder on the command line is later, whatever its timestamps say; within
one folder the timestamps decide. A late file never replaces on-time work unless
``late_resubmissions: replace``. Per student: extensions (``student_id,quiz,due|days``).
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import PolicyError
from coursekit.quiz.answers import text_hash
from coursekit.quiz.gradebook.tables import ManualScore, manual_for, read_csv_rows
from coursekit.quiz.grading import format_points
from coursekit.quiz.model import Quiz, parse_time

DUPLICATE_RULES = ("latest", "earliest", "best")
LATE_RESUBMISSION_RULES = ("ignore", "replace")
_PENALTY = re.compile(r"^(none|zero|per-day:(\d+(?:\.\d+)?)(%?))$")


@dataclass(frozen=True)
class LatePenalty:
    """``none``, ``zero`` or so many points (or percent of the quiz's points) per started day."""

    rule: str = "none"
    per_day: float = 0.0
    percent: bool = False

    @classmethod
    def parse(cls, text: str, where: str = "--late-penalty") -> "LatePenalty":
        match = _PENALTY.match(str(text).strip())
        if not match:
            raise PolicyError(f"{where}: {text!r} is not a late penalty; use none, zero, per-day:N or per-day:N%")
        return cls(match[1]) if match[1] in ("none", "zero") else cls("per-day", float(match[2]), bool(match[3]))

    def points(self, days_late: int, earned: float, quiz_max: float) -> float:
        """Points taken off ``earned`` for ``days_late`` started days (never below 0)."""
        if days_late <= 0 or self.rule == "none":
            return 0.0
        per_day = quiz_max * self.per_day / 100 if self.percent else self.per_day
        return earned if self.rule == "zero" else round(min(earned, per_day * days_late), 6)


def days_late(handed_in: dt.datetime | None, due: dt.datetime | None) -> int:
    """Started days after ``due`` (0 when on time or when either time is unknown)."""
    late = handed_in is not None and due is not None and handed_in > due
    return math.ceil((handed_in - due).total_seconds() / 86400) if late else 0


@dataclass(frozen=True)
class QuizRules:
    due: dt.datetime | None = None
    duplicates: str = "latest"
    late_penalty: LatePenalty = LatePenalty()
    late_resubmissions: str = "ignore"
    partial_credit: bool = False
    earlier_versions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass
class Policy:
    rules: dict[str, QuizRules]
    extensions: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)

    def for_quiz(self, quiz_id: str) -> QuizRules:
        return self.rules.get(quiz_id, QuizRules())

    def due_for(self, student_id: str, quiz_id: str) -> tuple[dt.datetime | None, bool]:
        """``(due date, extended?)`` for one student and quiz."""
        for slot in ((student_id, quiz_id), (student_id, "*")):
            if slot in self.extensions:
                return self.extensions[slot], True
        return self.for_quiz(quiz_id).due, False

    def latest_due(self, quiz_id: str) -> dt.datetime | None:
        """The last due date of anyone for this quiz (extensions included)."""
        dues = [self.for_quiz(quiz_id).due] + [d for (_, q), d in self.extensions.items() if q in (quiz_id, "*")]
        return max((d for d in dues if d is not None), default=None)


def parse_due(text: str, where: str = "--due") -> dt.datetime:
    """A date given on the command line or in a CSV (:func:`coursekit.quiz.model.parse_time`)."""
    return parse_time(text, f"{where}: ", error=PolicyError)


def per_quiz(values: Iterable[str], quiz_ids: Iterable[str], option: str) -> tuple[str | None, dict[str, str]]:
    """Split ``[QUIZ=]VALUE`` option values into (value for every quiz, {quiz: value})."""
    known = set(quiz_ids)
    everyone, by_quiz = None, {}
    for raw in values or ():
        quiz_id, sep, value = str(raw).partition("=")
        if sep and quiz_id in known:
            by_quiz[quiz_id] = value
        elif sep and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", quiz_id):
            raise PolicyError(f"{option} {raw!r}: the key has no quiz {quiz_id!r} (it has {', '.join(sorted(known))})")
        else:
            everyone = raw
    return everyone, by_quiz


def build_policy(key: Mapping[str, Quiz], *, due: Iterable[str] | dt.datetime | None = None,
                 duplicates: str | None = None, late_penalty: Iterable[str] | None = None,
                 late_resubmissions: str | None = None, partial_credit: bool | None = None,
                 accept_versions: Iterable[str] = (), extensions: str | os.PathLike | None = None) -> Policy:
    """The rules for every quiz of ``key``: the key's ``grading:`` block, then these overrides."""
    if duplicates is not None and duplicates not in DUPLICATE_RULES:
        raise PolicyError(f"--duplicates {duplicates!r}: choose one of {', '.join(DUPLICATE_RULES)}")
    if late_resubmissions is not None and late_resubmissions not in LATE_RESUBMISSION_RULES:
        raise PolicyError(f"--late-resubmissions {late_resubmissions!r}: choose ignore or replace")
    if isinstance(due, dt.datetime):
        due_all, due_by = due, {}
    else:
        text, by = per_quiz(due or (), key, "--due")
        due_all = parse_due(text) if text else None
        due_by = {q: parse_due(v, f"--due {q}=") for q, v in by.items()}
    penalty_text, penalty_by = per_quiz(late_penalty or (), key, "--late-penalty")
    accepted = _accepted_versions(accept_versions, key)
    rules = {}
    for quiz_id, quiz in key.items():
        grading = quiz.grading or {}
        penalty = penalty_by.get(quiz_id) or penalty_text or grading.get("late_penalty") or "none"
        versions = {**{v: {} for v in accepted.get(quiz_id, ())},
                    **{str(v["version"]): dict(v.get("changed") or {}) for v in grading.get("earlier_versions") or []}}
        rules[quiz_id] = QuizRules(
            due=due_by.get(quiz_id) or due_all or quiz.due,
            duplicates=duplicates or grading.get("duplicates") or "latest",
            late_penalty=LatePenalty.parse(penalty, f"late penalty of {quiz_id}"),
            late_resubmissions=late_resubmissions or grading.get("late_resubmissions") or "ignore",
            partial_credit=bool(partial_credit) if partial_credit is not None else bool(grading.get("partial_credit")),
            earlier_versions=versions,
        )
    policy = Policy(rules)
    policy.extensions = read_extensions(extensions, policy) if extensions else {}
    return policy


def _accepted_versions(values: Iterable[str], key: Mapping[str, Quiz]) -> dict[str, list[str]]:
    accepted: dict[str, list[str]] = {}
    for raw in values or ():
        quiz_id, sep, version = str(raw).partition("=")
        if not sep or not version:
            raise PolicyError(f"--accept-version {raw!r}: expected QUIZ=VERSION, e.g. part1=1")
        if quiz_id not in key:
            raise PolicyError(f"--accept-version {raw!r}: the key has no quiz {quiz_id!r}")
        if version == key[quiz_id].version:
            raise PolicyError(f"--accept-version {raw!r}: {version!r} is the key's current version")
        accepted.setdefault(quiz_id, []).append(version)
    return accepted


def read_extensions(path: str | os.PathLike, policy: Policy) -> dict[tuple[str, str], dt.datetime]:
    """``{(student, quiz or '*'): new due date}`` from a CSV with ``student_id``, ``quiz``
    and either ``due`` (a date) or ``days`` (added to the quiz's due date)."""
    path = Path(path)
    rows = read_csv_rows(path, required=("student_id",), option="--extensions")
    out: dict[tuple[str, str], dt.datetime] = {}
    for line, row in rows:
        where = f"{path}: line {line}"
        student = (row.get("student_id") or "").strip()
        quiz_id = (row.get("quiz") or "").strip() or "*"
        if not student:
            raise PolicyError(f"{where}: student_id is empty")
        if quiz_id != "*" and quiz_id not in policy.rules:
            raise PolicyError(f"{where}: the key has no quiz {quiz_id!r}")
        due_text, days_text = (row.get("due") or "").strip(), (row.get("days") or "").strip()
        if bool(due_text) == bool(days_text):
            raise PolicyError(f"{where}: give either a due date or a number of days")
        if (student, quiz_id) in out:
            raise PolicyError(f"{where}: a second extension for {student!r}, quiz {quiz_id}")
        if due_text:
            out[(student, quiz_id)] = parse_due(due_text, where)
            continue
        try:
            days = float(days_text)
        except ValueError:
            raise PolicyError(f"{where}: days {days_text!r} is not a number") from None
        quizzes = list(policy.rules) if quiz_id == "*" else [quiz_id]
        for quiz in quizzes:
            base = policy.rules[quiz].due
            if base is None:
                raise PolicyError(f"{where}: quiz {quiz} has no due date to add {days_text} days to (use --due)")
            out[(student, quiz)] = base + dt.timedelta(days=days)
    return out


# --------------------------------------------------------------------------- what a graded file earns


@dataclass
class Marks:
    """What one graded file earns once the manual scores and the late rule apply."""

    due: dt.datetime | None
    extended: bool
    late_days: int
    manual: dict[str, tuple[ManualScore | None, list[ManualScore]]]  # reflection -> (counted, for other texts)
    manual_points: float
    penalty: float
    total: float


def mark(policy: Policy, scores: Iterable[ManualScore], graded, quiz: Quiz) -> Marks:
    """The :class:`Marks` of ``graded`` (an :class:`~coursekit.quiz.gradebook.intake.Graded`)."""
    due, extended = policy.due_for(graded.student_id, quiz.id)
    late = days_late(graded.submission.handed_in_at, due)
    manual = {r.question_id: manual_for(scores, graded.student_id, quiz.id, r.question_id, text_hash(r.answer))
              for r in graded.result.results if r.kind == "reflection"}
    points = sum(m.points for m, _ in manual.values() if m is not None and m.points is not None)
    earned = graded.result.auto_score + points
    penalty = policy.for_quiz(quiz.id).late_penalty.points(late, earned, quiz.max_points)
    return Marks(due, extended, late, manual, points, penalty, earned - penalty)


def _order(graded) -> tuple:
    """Collection order: the submission folder's place on the command line, then the time the
    student's machine wrote, then the path."""
    moment = graded.submission.handed_in_at
    return graded.round, moment.timestamp() if moment else float("-inf"), str(graded.submission.path)


def pick(group: list, rules: QuizRules) -> tuple:
    """``(the file graded, [(another file, why it is not)])`` among one student's files for one
    quiz, each with its :class:`Marks` set (see the module docstring)."""
    if rules.duplicates == "best":
        winner = max(group, key=lambda g: (round(g.marks.total, 6), _order(g)))
        return winner, [(g, f"duplicate: {winner.submission.path} is graded instead (best total wins: "
                            f"{format_points(winner.marks.total)} against {format_points(g.marks.total)})")
                        for g in group if g is not winner]
    on_time = [g for g in group if not g.marks.late_days]
    pool = group if rules.late_resubmissions == "replace" or not on_time else on_time
    winner = (min if rules.duplicates == "earliest" else max)(pool, key=_order)
    reasons = []
    for g in (g for g in group if g is not winner):
        if g not in pool:
            why = (f"late resubmission: the on-time {winner.submission.path} is graded instead (a late file "
                   "replaces on-time work only with --late-resubmissions replace)")
        else:
            why = f"duplicate: {winner.submission.path} is graded instead ({rules.duplicates} wins)"
        reasons.append((g, why))
    return winner, reasons
