"""JSON Schema checks of quiz data (``quiz.schema.json``), as lines naming the file, the
question and the field (``jsonschema`` reports paths and schema keywords; these say
"field 'answer': required field is missing" instead)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable


@lru_cache(maxsize=1)
def quiz_json_schema() -> dict:
    """The JSON Schema shipped as ``coursekit/quiz/quiz.schema.json``."""
    text = resources.files("coursekit.quiz").joinpath("quiz.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(quiz_json_schema())


def schema_errors(data: dict) -> list:
    import jsonschema

    errors = list(_validator().iter_errors(data))
    if not errors:
        return []
    best = jsonschema.exceptions.best_match(errors)
    rest = sorted((e for e in errors if e is not best), key=lambda e: [str(p) for p in e.absolute_path])
    return [best, *rest]


def questions_with_schema_errors(errors: list) -> set[int]:
    bad = set()
    for error in errors:
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
            bad.add(path[1])
        elif path[:1] == ["questions"]:
            bad.add(-1)  # the question list itself is broken: skip every question check
    return bad


def _where(data: dict, path: Iterable[Any], source: str) -> tuple[str, str]:
    """Split a JSON path into ('question 'id'' or quiz-level prefix, 'field' text)."""
    path = list(path)
    prefix = source
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        questions = data.get("questions") or []
        raw = questions[path[1]] if path[1] < len(questions) else {}
        qid = raw.get("id") if isinstance(raw, dict) else None
        prefix = f"{source}: question {qid!r}" if isinstance(qid, str) and qid else f"{source}: question #{path[1] + 1}"
        path = path[2:]
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return prefix, text


def describe(data: dict, error, source: str) -> str:
    prefix, field_path = _where(data, error.absolute_path, source)
    message = error.message
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        field_path = ".".join(filter(None, [field_path, missing[0] if missing else ""]))
        message = "required field is missing"
    elif error.validator == "additionalProperties":
        extra = sorted(str(k) for k in set(error.instance) - set(error.schema.get("properties", {})))
        field_path = ".".join(filter(None, [field_path, extra[0] if extra else ""]))
        message = "unknown field"
    elif error.validator is None or error.schema is False:
        kind = _kind_at(data, error.absolute_path)
        forbidden = _forbidden_fields(data, error.absolute_path, kind)
        field_path = ".".join(filter(None, [field_path, forbidden[0] if forbidden else ""]))
        message = f"not allowed for kind {kind!r}" if kind else "not allowed here"
    return f"{prefix}: field '{field_path or '<root>'}': {message}"


def _forbidden_fields(data: dict, path: Iterable[Any], kind: str | None) -> list[str]:
    """Fields of the question at ``path`` that the schema forbids for its kind (jsonschema
    reports a ``false`` sub-schema at the question, not at the field)."""
    path = list(path)
    if kind is None or len(path) < 2:
        return [str(path[-1])] if path and isinstance(path[-1], str) else []
    if len(path) > 2:
        return [str(path[2])]
    question = data["questions"][path[1]]
    for rule in quiz_json_schema()["$defs"]["question"]["allOf"]:
        if rule["if"]["properties"]["kind"]["const"] == kind:
            return [name for name, sub in rule["then"]["properties"].items() if sub is False and name in question]
    return []


def _kind_at(data: dict, path: Iterable[Any]) -> str | None:
    path = list(path)
    if len(path) >= 2 and path[0] == "questions":
        try:
            kind = data["questions"][path[1]].get("kind")
        except (IndexError, KeyError, TypeError, AttributeError):
            return None
        return kind if isinstance(kind, str) else None
    return None
