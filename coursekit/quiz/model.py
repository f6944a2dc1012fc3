"""What a quiz is once loaded (:class:`Quiz`, :class:`Question` and their parts), the one
reader of dates in the quiz package (:func:`parse_time`: due dates in keys and on the command
line, extensions, submission timestamps, ``--now``) and the :class:`Checker` that quiz files
and submissions pass (each problem one line, with the file, its line and the field).

Files are read by :mod:`coursekit.quiz.quizfile`; the quiz rules are in :mod:`coursekit.quiz.validate`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from coursekit.errors import QuizError

AUTO_GRADED_KINDS = ("single_choice", "true_false", "multiple_select", "choice_per_item")
KINDS = AUTO_GRADED_KINDS + ("reflection",)
RELEASE_MODES = ("practice", "assessed")
DEFAULT_JUSTIFICATION = {"required": True, "min_words": 3, "max_words": 40}
DATE_EXAMPLE = "e.g. 2026-12-15T23:59:00+00:00, or a date: 2026-12-15"


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    why: str | None = None  # why this option is wrong (key), shown after a student picks it
    why_locked: str | None = None  # the same in a practice copy, locked with the option's id


@dataclass(frozen=True)
class Item:
    """One row of a ``choice_per_item`` question (e.g. one task to pick a model for)."""

    id: str
    prompt: str
    answer: str | None = None
    answer_hash: str | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class RubricPoint:
    """A key point an instructor looks for in a reflection; keywords flag a mention."""

    id: str
    point: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    points: float
    objective: str
    prompt: str
    explanation: str | None = None
    explanation_locked: str | None = None
    options: tuple[Option, ...] = ()
    answer: Any = None
    answer_hash: str | None = None
    items: tuple[Item, ...] = ()
    justification: dict = field(default_factory=dict)
    min_words: int | None = None
    max_words: int | None = None
    rubric: tuple[RubricPoint, ...] = ()
    hint: str | None = None
    taught_in: dict = field(default_factory=dict)  # {lesson, text}: where the lesson teaches it (instructor keys)

    @property
    def auto_graded(self) -> bool:
        return self.kind in AUTO_GRADED_KINDS

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def option_text(self, option_id: str) -> str:
        return next((o.text for o in self.options if o.id == option_id), str(option_id))

    @property
    def fingerprint(self) -> str:
        """A short hash of what the student sees (kind, prompt, options, items): the same in
        the key and its released copies; it changes with the question's text, not with its
        answer, points or explanation."""
        public = {"kind": self.kind, "prompt": " ".join(self.prompt.split()),
                  "options": [[o.id, " ".join(o.text.split())] for o in self.options],
                  "items": [[i.id, " ".join(i.prompt.split())] for i in self.items]}
        text = json.dumps(public, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Quiz:
    """One quiz. ``mode`` is ``key`` (instructor file), ``practice`` or ``assessed``."""

    id: str
    title: str
    version: str
    questions: tuple[Question, ...]
    mode: str = "key"
    release_mode: str = "practice"
    salt: str | None = None
    due: dt.datetime | None = None
    description: str = ""
    source: str = "<quiz>"
    grading: dict = field(default_factory=dict, compare=False)
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    lines: dict = field(default_factory=dict, repr=False, compare=False)  # path -> line in the file

    @property
    def is_key(self) -> bool:
        return self.mode == "key"

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def has_question(self, question_id: str) -> bool:
        return any(q.id == question_id for q in self.questions)

    @property
    def auto_max(self) -> float:
        return sum(q.points for q in self.questions if q.auto_graded)

    @property
    def manual_max(self) -> float:
        return sum(q.points for q in self.questions if not q.auto_graded)

    @property
    def max_points(self) -> float:
        return self.auto_max + self.manual_max

    @property
    def fingerprints(self) -> dict[str, str]:
        """``{question id: fingerprint}``, saved with every submission."""
        return {q.id: q.fingerprint for q in self.questions}


def parse_time(value: Any, where: str = "", *, error: type[Exception] = QuizError,
               zone_required: bool = False) -> dt.datetime | None:
    """An ISO 8601 date-time as an aware datetime (``None`` for nothing).

    A bare date (``2026-12-15``) means 23:59:59 that day; a time without a zone is UTC,
    unless ``zone_required`` (a quiz key's ``due`` must say its zone). A failure is one
    ``error`` starting with ``where``."""
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise error(f"{where}{text!r} is not an ISO 8601 date-time ({DATE_EXAMPLE})") from None
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        if zone_required:
            raise error(f"{where}give a time zone, e.g. 2026-12-15T23:59:00+00:00")
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


# --------------------------------------------------------------------------- checking the shape of data

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
Path_ = tuple  # a place in the data: keys and list indices, e.g. ("questions", 2, "answer")


class Checker:
    """Collects problems found in ``data`` (read from ``source``), each with its line."""

    def __init__(self, data: Any, source: str, lines: dict | None = None):
        self.data, self.source, self.lines = data, source, lines or {}
        self.problems: list[tuple[int, str]] = []

    def line(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def fail(self, path: Path_, message: str) -> None:
        where, rest = "", list(path)
        if len(rest) >= 2 and rest[0] == "questions" and isinstance(rest[1], int):
            questions = self.data.get("questions") if isinstance(self.data, dict) else None
            raw = questions[rest[1]] if isinstance(questions, list) and rest[1] < len(questions) else None
            qid = raw.get("id") if isinstance(raw, dict) else None
            where = f"question {qid!r}: " if isinstance(qid, str) and qid else f"question #{rest[1] + 1}: "
            rest = rest[2:]
        name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
        line = self.line(tuple(path))
        self.problems.append((line or 0, f"{self.source}: {f'line {line}: ' if line else ''}{where}"
                                         f"field '{name or '<root>'}': {message}"))

    def mapping(self, value: Any, path: Path_, fields: dict, required=(), context: str = "",
                closed: bool = True) -> bool:
        """Check a mapping against ``fields`` (name -> check; other names are refused when
        ``closed``); True when nothing was wrong."""
        before = len(self.problems)
        if not isinstance(value, dict):
            self.fail(path, "expected a mapping")
            return False
        for name in required:
            if name not in value:
                self.fail(path + (name,), "required field is missing")
        for name, item in value.items():
            if name not in fields and closed:
                self.fail(path + (name,), f"not allowed for kind {context!r}" if context else "unknown field")
            elif name in fields:
                fields[name](self, item, path + (name,))
        return len(self.problems) == before

    def sorted_problems(self) -> list[str]:
        return list(dict.fromkeys(text for _, text in sorted(self.problems, key=lambda p: p[0])))


Check = Callable[[Checker, Any, Path_], None]


def simple(ok: Callable[[Any], Any], message: str | Callable[[Any], str]) -> Check:
    """A check of one value: ``ok(value)`` or the problem ``message`` (text, or made from the value)."""
    def check(c: Checker, value: Any, path: Path_) -> None:
        if not ok(value):
            c.fail(path, message(value) if callable(message) else message)
    return check


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


text = simple(lambda v: isinstance(v, str) and v != "", "expected text (not empty)")
free_text = simple(lambda v: isinstance(v, str), "expected text")
boolean = simple(lambda v: isinstance(v, bool), "expected true or false")
ident = simple(lambda v: isinstance(v, str) and _ID.match(v),
               lambda v: f"{v!r} is not an id (lower-case letters, digits, '-' and '_'; at most 64)")
version = simple(lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v != ""),
                 "expected a version number or text")
points = simple(lambda v: _number(v) and v > 0 and math.isfinite(v),
                lambda v: "must be a finite number" if _number(v) and v > 0 else "expected a number above 0")


def one_of(*values: Any) -> Check:
    return simple(lambda v: isinstance(v, (str, bool)) and v in values,
                  lambda v: f"{v!r} is not one of {', '.join(map(str, values))}")


def whole(minimum: int) -> Check:
    return simple(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum,
                  f"expected a whole number of at least {minimum}")


def matches(pattern: str, hint: str) -> Check:
    return simple(lambda v: isinstance(v, str) and re.fullmatch(pattern, v), lambda v: f"{v!r} is not {hint}")


def list_of(item: Check, minimum: int = 0, kind: type = list) -> Check:
    """A list of at least ``minimum`` entries, each passing ``item`` (``kind=dict``: a mapping's values)."""
    def check(c: Checker, value: Any, path: Path_) -> None:
        if not isinstance(value, kind):
            c.fail(path, "expected a list" if kind is list else "expected a mapping")
        elif len(value) < minimum:
            c.fail(path, f"needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}")
        else:
            for key, entry in (value.items() if kind is dict else enumerate(value)):
                item(c, entry, path + (key,))
    return check


def mapping(fields: dict, required=()) -> Check:
    return lambda c, value, path: c.mapping(value, path, fields, required)


def map_of(item: Check) -> Check:
    return list_of(item, kind=dict)


anything: Check = simple(lambda v: True, "")  # checked elsewhere: a due date, the questions, an answer by kind
