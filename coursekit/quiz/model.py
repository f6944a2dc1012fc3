"""What a quiz is once loaded: :class:`Quiz`, :class:`Question` and their parts.

Files are read by :mod:`coursekit.quiz.loading` and checked by
:mod:`coursekit.quiz.validation`; :func:`coursekit.quiz.parsing.parse_quiz` builds these.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

AUTO_GRADED_KINDS = ("single_choice", "true_false", "multiple_select", "choice_per_item")
KINDS = AUTO_GRADED_KINDS + ("reflection",)
RELEASE_MODES = ("practice", "assessed")
DEFAULT_JUSTIFICATION = {"required": True, "min_words": 3, "max_words": 40}


@dataclass(frozen=True)
class Option:
    id: str
    text: str


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

    @property
    def auto_graded(self) -> bool:
        return self.kind in AUTO_GRADED_KINDS

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def option_text(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.text
        return str(option_id)

    @property
    def fingerprint(self) -> str:
        """A short hash of what the student sees (kind, prompt, options, items): the same
        in the key and its released copies; it changes when the question's text does,
        not when only its answer, points or explanation do."""
        public = {
            "kind": self.kind,
            "prompt": " ".join(self.prompt.split()),
            "options": [[o.id, " ".join(o.text.split())] for o in self.options],
            "items": [[i.id, " ".join(i.prompt.split())] for i in self.items],
        }
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
