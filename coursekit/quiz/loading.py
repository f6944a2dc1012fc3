"""Read quiz files safely and find the quiz folder.

Quiz files are small, hand-written YAML (or JSON). They are read with limits so that a
crafted file cannot hang or crash a command: at most :data:`MAX_QUIZ_BYTES`, UTF-8 only,
no YAML aliases (``*name``: the "billion laughs" expansion), no YAML timestamps (a date
stays text and is checked as ISO 8601 with a zone), text keys only, bounded nesting.
Every failure is a one-line :class:`~coursekit.errors.QuizError` naming the file.

Where quizzes come from (:func:`find_quiz_dir`): an explicit folder, else
``$COURSEKIT_QUIZ_DIR``, else the nearest ``quizzes/`` folder in the working directory or
above it. Nothing falls back to the folder coursekit was installed from, so an installed
package never finds instructor keys on its own; and :func:`resolve_quiz` shows an
instructor key found by that search as its student copy (see :func:`student_view`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from coursekit.errors import QuizError
from coursekit.fileio import read_small_text
from coursekit.quiz.model import Quiz
from coursekit.quiz.parsing import normalise_dates, parse_quiz
from coursekit.quiz.validation import quiz_problems

QUIZ_SUFFIXES = (".yml", ".yaml", ".json")
QUIZ_DIR_ENV = "COURSEKIT_QUIZ_DIR"
MAX_QUIZ_BYTES = 1_000_000
MAX_DEPTH = 50


def read_quiz_data(path: str | os.PathLike) -> Any:
    """The raw data of a quiz file, read within the limits above."""
    path = Path(path)
    text = read_small_text(path, limit=MAX_QUIZ_BYTES, what="a quiz file", error=QuizError)
    try:
        data = _parse_json(text, path) if path.suffix.lower() == ".json" else _parse_yaml(text, path)
    except QuizError:
        raise
    except RecursionError as exc:
        raise QuizError(f"{path}: nested too deeply to be a quiz file") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault, said in one line
        raise QuizError(f"{path}: cannot be read as a quiz file ({exc.__class__.__name__}: {_first_line(exc)})") from exc
    _check_keys(data, path)
    return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


def _parse_json(text: str, path: Path) -> Any:
    def no_constants(name: str):
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise QuizError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc


def _quiz_loader():
    """A PyYAML safe loader without aliases and without timestamp resolution."""
    import yaml

    class QuizLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise QuizError(f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                                "allowed in quiz files; write the value out")
            return super().compose_node(parent, index)

        def fetch_flow_collection_start(self, TokenClass):
            if self.flow_level >= MAX_DEPTH:  # refuse [[[[... at once, not after scanning it all
                raise QuizError(f"line {self.line + 1}: nested deeper than {MAX_DEPTH} levels")
            return super().fetch_flow_collection_start(TokenClass)

    QuizLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return QuizLoader


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_quiz_loader())  # noqa: S506 - a SafeLoader subclass
    except QuizError as exc:
        raise QuizError(f"{path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or _first_line(exc)
        raise QuizError(f"{path}: {where}not valid YAML ({problem})") from exc


def _check_keys(node: Any, path: Path, where: str = "", depth: int = 0) -> None:
    """Every mapping key is text, and nesting stays shallow (quiz files are flat)."""
    if depth > MAX_DEPTH:
        raise QuizError(f"{path}: nested deeper than {MAX_DEPTH} levels at '{where or '<root>'}'")
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise QuizError(f"{path}: field '{where or '<root>'}': key {key!r} is not text; quote it "
                                f"(e.g. \"{key}\":)")
            _check_keys(value, path, f"{where}.{key}" if where else key, depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_keys(value, path, f"{where}[{index}]", depth + 1)


def load_quiz(path: str | os.PathLike) -> Quiz:
    """Read, validate and return the quiz in ``path`` (``.yml``, ``.yaml`` or ``.json``)."""
    return parse_quiz(read_quiz_data(path), source=str(path))


def quiz_file_problems(path: str | os.PathLike) -> tuple[Quiz | None, list[str]]:
    """``(quiz, [])`` for a valid file, else ``(None, every problem found)``."""
    try:
        data = normalise_dates(read_quiz_data(path))
    except QuizError as exc:
        return None, [str(exc)]
    problems = quiz_problems(data, str(path))
    if problems:
        return None, problems
    return parse_quiz(data, source=str(path)), []


def quiz_files(directory: str | os.PathLike) -> list[Path]:
    """Quiz files directly inside ``directory``, sorted by name (suffixes in any case)."""
    return sorted(
        p for p in Path(directory).iterdir()
        if p.is_file() and p.suffix.lower() in QUIZ_SUFFIXES and not p.name.startswith(".")
    )


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


def find_quiz_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where quizzes live: ``explicit``, else ``$COURSEKIT_QUIZ_DIR``, else the nearest
    ``quizzes/`` folder holding quiz files in the working directory or above it."""
    if explicit:
        return Path(explicit)
    if os.environ.get(QUIZ_DIR_ENV):
        return Path(os.environ[QUIZ_DIR_ENV])
    found = _nearest_quiz_dir()
    if found is None:
        raise QuizError(f"no quiz folder found: set {QUIZ_DIR_ENV} or pass quiz_dir= "
                        f"(looked for quizzes/ in {Path.cwd()} and above)")
    return found


def _nearest_quiz_dir() -> Path | None:
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        candidate = folder / "quizzes"
        if candidate.is_dir() and quiz_files(candidate):
            return candidate
    return None


def student_view(quiz: Quiz) -> Quiz:
    """What a student sees of ``quiz``: an instructor key becomes its student copy (in the
    key's ``release_mode``, freshly salted, never written anywhere); a copy stays as it is."""
    if not quiz.is_key:
        return quiz
    from coursekit.quiz.release import release_quiz

    return parse_quiz(release_quiz(quiz), source=f"student view of {quiz.source}")


def resolve_quiz(quiz: "Quiz | str | os.PathLike", quiz_dir: str | os.PathLike | None = None) -> Quiz:
    """A :class:`Quiz` from a quiz object, a quiz file path or a quiz id.

    An explicit location (``quiz_dir``, ``$COURSEKIT_QUIZ_DIR``, a file path, a
    :class:`Quiz`) is used as it is, instructor keys included. A quiz found by searching
    the working directory and its parents is shown as the student sees it."""
    if isinstance(quiz, Quiz):
        return quiz
    as_path = Path(quiz)
    if as_path.suffix.lower() in QUIZ_SUFFIXES and as_path.is_file():
        return load_quiz(as_path)
    explicit = bool(quiz_dir) or bool(os.environ.get(QUIZ_DIR_ENV))
    quizzes = load_quizzes(find_quiz_dir(quiz_dir))
    if str(quiz) not in quizzes:
        raise QuizError(f"unknown quiz {str(quiz)!r}; available: {', '.join(sorted(quizzes))}")
    found = quizzes[str(quiz)]
    return found if explicit else student_view(found)
