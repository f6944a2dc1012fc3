"""Load and validate quiz files (YAML or JSON) into :class:`Quiz` objects.

Validation has two layers: ``quiz.schema.json`` (JSON Schema, shape and types) and the
checks here that span fields (answers among the option ids, unique ids, word ranges,
answer material present in an instructor key and absent from a student copy). Every
problem raises :class:`~coursekit.errors.QuizError` naming the file, the question and
the field.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from coursekit.errors import QuizError

AUTO_GRADED_KINDS = ("single_choice", "true_false", "multiple_select", "choice_per_item")
KINDS = AUTO_GRADED_KINDS + ("reflection",)
RELEASE_MODES = ("practice", "assessed")
QUIZ_SUFFIXES = (".yml", ".yaml", ".json")
QUIZ_DIR_ENV = "COURSEKIT_QUIZ_DIR"
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
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_key(self) -> bool:
        return self.mode == "key"

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def auto_max(self) -> float:
        return sum(q.points for q in self.questions if q.auto_graded)

    @property
    def manual_max(self) -> float:
        return sum(q.points for q in self.questions if not q.auto_graded)


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def quiz_json_schema() -> dict:
    """The JSON Schema shipped as ``coursekit/quiz/quiz.schema.json``."""
    text = resources.files("coursekit.quiz").joinpath("quiz.schema.json").read_text("utf-8")
    return json.loads(text)


def load_quiz(path: str | os.PathLike) -> Quiz:
    """Read, validate and return the quiz in ``path`` (``.yml``, ``.yaml`` or ``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QuizError(f"{path}: cannot read quiz file ({exc.strerror or exc})") from exc
    return parse_quiz(_parse_text(text, path), source=str(path))


def _parse_text(text: str, path: Path) -> Any:
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise QuizError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise QuizError(f"{path}: {where}not valid YAML ({problem})") from exc


def load_quizzes(directory: str | os.PathLike) -> dict[str, Quiz]:
    """Every quiz file in ``directory`` keyed by quiz id (fails on a duplicate id)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QuizError(f"{directory}: quiz folder not found")
    quizzes: dict[str, Quiz] = {}
    for path in quiz_files(directory):
        quiz = load_quiz(path)
        if quiz.id in quizzes:
            raise QuizError(
                f"{path}: field 'id': quiz id {quiz.id!r} is also used by {quizzes[quiz.id].source}"
            )
        quizzes[quiz.id] = quiz
    if not quizzes:
        raise QuizError(f"{directory}: no quiz files (*.yml, *.yaml, *.json) found")
    return quizzes


def quiz_files(directory: str | os.PathLike) -> list[Path]:
    """Quiz files directly inside ``directory``, sorted by name."""
    return sorted(
        p for p in Path(directory).iterdir() if p.is_file() and p.suffix in QUIZ_SUFFIXES
    )


def find_quiz_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where quizzes live: ``explicit``, else ``$COURSEKIT_QUIZ_DIR``, else the nearest
    ``quizzes/`` folder in the working directory or above it, else the repository's."""
    if explicit:
        return Path(explicit)
    if os.environ.get(QUIZ_DIR_ENV):
        return Path(os.environ[QUIZ_DIR_ENV])
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        candidate = folder / "quizzes"
        if candidate.is_dir() and quiz_files(candidate):
            return candidate
    repo = Path(__file__).resolve().parents[2] / "quizzes"
    if repo.is_dir():
        return repo
    raise QuizError(
        f"no quiz folder found: set {QUIZ_DIR_ENV} or pass quiz_dir= (looked in {cwd} and above)"
    )


def resolve_quiz(quiz: "Quiz | str | os.PathLike", quiz_dir: str | os.PathLike | None = None) -> Quiz:
    """A :class:`Quiz` from a quiz object, a quiz file path or a quiz id in ``quiz_dir``."""
    if isinstance(quiz, Quiz):
        return quiz
    as_path = Path(quiz)
    if as_path.suffix in QUIZ_SUFFIXES and as_path.is_file():
        return load_quiz(as_path)
    quizzes = load_quizzes(find_quiz_dir(quiz_dir))
    if str(quiz) not in quizzes:
        raise QuizError(f"unknown quiz {str(quiz)!r}; available: {', '.join(sorted(quizzes))}")
    return quizzes[str(quiz)]


# --------------------------------------------------------------------------- validation


def parse_quiz(data: Any, source: str = "<quiz>") -> Quiz:
    """Validate raw quiz data (as read from YAML/JSON) and build a :class:`Quiz`."""
    if not isinstance(data, dict):
        raise QuizError(f"{source}: a quiz file must hold a mapping (id, title, version, questions)")
    data = _normalise_dates(data)
    _check_schema(data, source)
    _check_cross_fields(data, source)
    return _build(data, source)


def _normalise_dates(data: dict) -> dict:
    # YAML turns an unquoted 2026-12-15T23:59:00Z into a datetime; keep it as ISO text.
    due = data.get("due")
    if isinstance(due, (dt.datetime, dt.date)):
        data = {**data, "due": due.isoformat()}
    return data


def _where(data: dict, path: Iterable[Any], source: str) -> tuple[str, str]:
    """Split a JSON path into ('question 'id'' or quiz-level prefix, 'field' text)."""
    path = list(path)
    prefix = source
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        questions = data.get("questions") or []
        raw = questions[path[1]] if path[1] < len(questions) else {}
        qid = raw.get("id") if isinstance(raw, dict) else None
        prefix = f"{source}: question {qid!r}" if qid else f"{source}: question #{path[1] + 1}"
        path = path[2:]
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return prefix, text


def _check_schema(data: dict, source: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(quiz_json_schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    prefix, field_path = _where(data, error.absolute_path, source)
    message = error.message
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        field_path = ".".join(filter(None, [field_path, missing[0] if missing else ""]))
        message = "required field is missing"
    elif error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field_path = ".".join(filter(None, [field_path, extra[0] if extra else ""]))
        message = "unknown field"
    elif error.validator is None or error.schema is False:
        kind = _kind_at(data, error.absolute_path)
        forbidden = _forbidden_fields(data, error.absolute_path, kind)
        field_path = ".".join(filter(None, [field_path, forbidden[0] if forbidden else ""]))
        message = f"not allowed for kind {kind!r}" if kind else "not allowed here"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise QuizError(f"{prefix}: field '{field_path or '<root>'}': {message}{more}")


def _forbidden_fields(data: dict, path: Iterable[Any], kind: str | None) -> list[str]:
    """Fields of the question at ``path`` that the schema forbids for its kind (jsonschema
    reports a ``false`` sub-schema at the question, not at the field)."""
    path = list(path)
    if kind is None or len(path) != 2:
        return []
    question = data["questions"][path[1]]
    for rule in quiz_json_schema()["$defs"]["question"]["allOf"]:
        if rule["if"]["properties"]["kind"]["const"] == kind:
            return [name for name, sub in rule["then"]["properties"].items() if sub is False and name in question]
    return []


def _kind_at(data: dict, path: Iterable[Any]) -> str | None:
    path = list(path)
    if len(path) >= 2 and path[0] == "questions":
        try:
            return data["questions"][path[1]].get("kind")
        except (IndexError, KeyError, TypeError, AttributeError):
            return None
    return None


def _fail(source: str, question: dict | None, field_name: str, problem: str) -> None:
    where = f"{source}: question {question.get('id')!r}" if question is not None else source
    raise QuizError(f"{where}: field '{field_name}': {problem}")


def _check_cross_fields(data: dict, source: str) -> None:
    release = data.get("release")
    mode = release["mode"] if release else "key"
    if mode == "practice" and not release.get("salt"):
        _fail(source, None, "release.salt", "a practice copy needs the salt its hashes were made with")
    if data.get("due"):
        try:
            due = dt.datetime.fromisoformat(str(data["due"]))
        except ValueError:
            _fail(source, None, "due", f"{data['due']!r} is not an ISO 8601 date-time")
        if due.tzinfo is None:
            _fail(source, None, "due", "give a time zone, e.g. 2026-12-15T23:59:00+00:00")
    seen: set[str] = set()
    for question in data["questions"]:
        if question["id"] in seen:
            _fail(source, question, "id", "duplicate question id")
        seen.add(question["id"])
        _check_question(question, mode, source)


def _duplicates(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


def _check_question(q: dict, mode: str, source: str) -> None:
    kind = q["kind"]
    option_ids = [o["id"] for o in q.get("options", [])]
    if _duplicates(option_ids):
        _fail(source, q, "options", f"duplicate option id(s): {', '.join(_duplicates(option_ids))}")
    if kind == "reflection":
        if q["min_words"] > q["max_words"]:
            _fail(source, q, "min_words", f"min_words ({q['min_words']}) is above max_words ({q['max_words']})")
        rubric_ids = [p["id"] for p in q.get("rubric", [])]
        if _duplicates(rubric_ids):
            _fail(source, q, "rubric", f"duplicate rubric id(s): {', '.join(_duplicates(rubric_ids))}")
        if mode == "key" and not q.get("rubric"):
            _fail(source, q, "rubric", "a reflection needs a rubric of key points for the instructor")
        if mode != "key":
            for name in ("rubric", "explanation"):
                if name in q:
                    _fail(source, q, name, f"a released {mode} copy must not contain the {name}")
        return
    if kind == "choice_per_item":
        item_ids = [i["id"] for i in q["items"]]
        if _duplicates(item_ids):
            _fail(source, q, "items", f"duplicate item id(s): {', '.join(_duplicates(item_ids))}")
        justification = {**DEFAULT_JUSTIFICATION, **q.get("justification", {})}
        if justification["min_words"] > justification["max_words"]:
            _fail(source, q, "justification.min_words", "min_words is above max_words")
    if "rubric" in q and mode != "key":
        _fail(source, q, "rubric", f"a released {mode} copy must not contain the rubric")
    if mode == "key":
        _check_key_answer(q, option_ids, source)
    else:
        _check_student_copy(q, mode, source)


def _check_key_answer(q: dict, option_ids: list[str], source: str) -> None:
    kind = q["kind"]
    for name in ("answer_hash", "explanation_locked"):
        if name in q:
            _fail(source, q, name, "only released student copies carry hashed answers (this file has no 'release' block)")
    if not q.get("explanation"):
        _fail(source, q, "explanation", "required field is missing (shown after answering)")
    if kind == "choice_per_item":
        for index, item in enumerate(q["items"]):
            if "answer_hash" in item:
                _fail(source, q, f"items[{index}].answer_hash", "only released student copies carry hashed answers")
            if "answer" not in item:
                _fail(source, q, f"items[{index}].answer", "required field is missing")
            if item["answer"] not in option_ids:
                _fail(source, q, f"items[{index}].answer", f"{item['answer']!r} is not one of the option ids {', '.join(option_ids)}")
        return
    if "answer" not in q:
        _fail(source, q, "answer", "required field is missing")
    answer = q["answer"]
    if kind == "single_choice" and answer not in option_ids:
        _fail(source, q, "answer", f"{answer!r} is not one of the option ids {', '.join(option_ids)}")
    if kind == "multiple_select":
        unknown = [a for a in answer if a not in option_ids]
        if unknown:
            _fail(source, q, "answer", f"{', '.join(map(repr, unknown))} not among the option ids {', '.join(option_ids)}")


def _check_student_copy(q: dict, mode: str, source: str) -> None:
    for name in ("answer", "explanation"):
        if name in q:
            _fail(source, q, name, f"a released {mode} copy must not contain the plain {name}")
    items = q.get("items", [])
    for index, item in enumerate(items):
        for name in ("answer", "explanation"):
            if name in item:
                _fail(source, q, f"items[{index}].{name}", f"a released {mode} copy must not contain the plain {name}")
    hashed = [("answer_hash", q)] if q["kind"] != "choice_per_item" else [
        (f"items[{i}].answer_hash", item) for i, item in enumerate(items)
    ]
    for name, holder in hashed:
        has = "answer_hash" in holder
        if mode == "practice" and not has:
            _fail(source, q, name, "a practice copy needs the hashed answer")
        if mode == "assessed" and has:
            _fail(source, q, name, "an assessed copy must carry no answer material")
    if mode == "assessed" and "explanation_locked" in q:
        _fail(source, q, "explanation_locked", "an assessed copy must carry no answer material")


# --------------------------------------------------------------------------- building


def _build(data: dict, source: str) -> Quiz:
    release = data.get("release") or {}
    due = dt.datetime.fromisoformat(data["due"]) if data.get("due") else None
    return Quiz(
        id=data["id"],
        title=data["title"],
        version=str(data["version"]),
        questions=tuple(_build_question(q) for q in data["questions"]),
        mode=release.get("mode", "key"),
        release_mode=data.get("release_mode", "practice"),
        salt=release.get("salt"),
        due=due,
        description=data.get("description", ""),
        source=source,
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
    )
