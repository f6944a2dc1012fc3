"""Build a :class:`~coursekit.quiz.model.Quiz` from validated quiz data."""
from __future__ import annotations

import datetime as dt
from typing import Any

from coursekit.errors import QuizError
from coursekit.quiz.model import DEFAULT_JUSTIFICATION, Item, Option, Question, Quiz, RubricPoint
from coursekit.quiz.validation import parse_due, quiz_problems


def parse_quiz(data: Any, source: str = "<quiz>") -> Quiz:
    """Validate raw quiz data (as read from YAML/JSON) and build a :class:`Quiz`; the first
    problem is raised as :class:`QuizError` (``coursekit quiz validate`` lists them all)."""
    data = normalise_dates(data)
    problems = quiz_problems(data, source)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s); run `coursekit quiz validate`)" if len(problems) > 1 else ""
        raise QuizError(problems[0] + more)
    return _build(data, source)


def normalise_dates(data: Any) -> Any:
    """A ``due`` given as a date object (YAML from elsewhere) becomes ISO text."""
    if isinstance(data, dict) and isinstance(data.get("due"), (dt.datetime, dt.date)):
        return {**data, "due": data["due"].isoformat()}
    return data


def _build(data: dict, source: str) -> Quiz:
    release = data.get("release") or {}
    return Quiz(
        id=data["id"],
        title=data["title"],
        version=str(data["version"]),
        questions=tuple(_build_question(q) for q in data["questions"]),
        mode=release.get("mode", "key"),
        release_mode=data.get("release_mode", "practice"),
        salt=release.get("salt"),
        due=parse_due(data.get("due")),
        description=data.get("description", ""),
        source=source,
        grading=dict(data.get("grading") or {}),
        raw=data,
    )


def _build_question(q: dict) -> Question:
    justification = {}
    if q["kind"] == "choice_per_item":
        justification = {**DEFAULT_JUSTIFICATION, **q.get("justification", {})}
    return Question(
        id=q["id"],
        kind=q["kind"],
        points=float(q["points"]),
        objective=q["objective"],
        prompt=q["prompt"],
        explanation=q.get("explanation"),
        explanation_locked=q.get("explanation_locked"),
        options=tuple(Option(o["id"], o["text"]) for o in q.get("options", [])),
        answer=tuple(q["answer"]) if isinstance(q.get("answer"), list) else q.get("answer"),
        answer_hash=q.get("answer_hash"),
        items=tuple(
            Item(i["id"], i["prompt"], i.get("answer"), i.get("answer_hash"), i.get("explanation"))
            for i in q.get("items", [])
        ),
        justification=justification,
        min_words=q.get("min_words"),
        max_words=q.get("max_words"),
        rubric=tuple(RubricPoint(p["id"], p["point"], tuple(p["keywords"])) for p in q.get("rubric", [])),
        hint=q.get("hint"),
    )
