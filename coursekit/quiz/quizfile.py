"""Quiz files: reading the instructor's keys, finding them, writing their student copies.

A key is read within limits by :func:`coursekit.fileio.read_data_file` (at most
:data:`MAX_QUIZ_BYTES`, UTF-8, no YAML aliases, dates kept as text, text keys only),
checked by :func:`coursekit.quiz.validate.quiz_problems` and built by :func:`parse_quiz`.
Quizzes are found (:func:`find_quiz_dir`) in an explicit folder, else ``$COURSEKIT_QUIZ_DIR``,
else the nearest ``quizzes/`` in the working directory or above, never where coursekit was
installed; :func:`resolve_quiz` shows a key found by that search as its student copy.

Student copies (:func:`release_quizzes`) keep prompts, options and word ranges; rubrics and
grading rules stay with the instructor. ``practice``: answers become salted hashes and
explanations are locked with the right answer (:mod:`coursekit.quiz.answers`), hints stay;
``assessed``: no answers, hashes, explanations or hints. A copy is written from the parsed
data (the key's comments are not copied), after it validates as a student copy.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Mapping

from coursekit.errors import QuizError
from coursekit.fileio import read_data_file, write_text_atomic
from coursekit.quiz.answers import answer_hash, canonical, key_answer, lock_explanation, new_salt, why_key
from coursekit.quiz.model import (
    DEFAULT_JUSTIFICATION, RELEASE_MODES, Item, Option, Question, Quiz, RubricPoint, parse_time,
)
from coursekit.quiz.validate import quiz_problems

QUIZ_SUFFIXES = (".yml", ".yaml", ".json")
QUIZ_DIR_ENV = "COURSEKIT_QUIZ_DIR"
MAX_QUIZ_BYTES = 1_000_000


def read_quiz_data(path: str | os.PathLike, *, with_lines: bool = False):
    """The raw data of a quiz file, read within the limits above (``(data, lines)`` if asked)."""
    return read_data_file(path, limit=MAX_QUIZ_BYTES, what="a quiz file", error=QuizError, text_keys=True,
                          with_lines=with_lines)


def parse_quiz(data: Any, source: str = "<quiz>", lines: dict | None = None) -> Quiz:
    """Validate raw quiz data (as read from YAML/JSON) and build a :class:`Quiz`; the first
    problem is raised as :class:`QuizError` (``coursekit quiz validate`` lists them all)."""
    problems = quiz_problems(data, source, lines)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s); run `coursekit quiz validate`)" if len(problems) > 1 else ""
        raise QuizError(problems[0] + more)
    return _build(data, source, lines or {})


def load_quiz(path: str | os.PathLike) -> Quiz:
    """Read, validate and return the quiz in ``path`` (``.yml``, ``.yaml`` or ``.json``)."""
    data, lines = read_quiz_data(path, with_lines=True)
    return parse_quiz(data, source=str(path), lines=lines)


def quiz_file_problems(path: str | os.PathLike) -> tuple[Quiz | None, list[str]]:
    """``(quiz, [])`` for a valid file, else ``(None, every problem found)``."""
    try:
        data, lines = read_quiz_data(path, with_lines=True)
    except QuizError as exc:
        return None, [str(exc)]
    problems = quiz_problems(data, str(path), lines)
    return (None, problems) if problems else (_build(data, str(path), lines), [])


def _build(data: dict, source: str, lines: dict) -> Quiz:
    release = data.get("release") or {}
    return Quiz(
        id=data["id"], title=data["title"], version=str(data["version"]),
        questions=tuple(_build_question(q) for q in data["questions"]),
        mode=release.get("mode", "key"), release_mode=data.get("release_mode", "practice"),
        salt=release.get("salt"), due=parse_time(data.get("due"), zone_required=True),
        description=data.get("description", ""), source=source, grading=dict(data.get("grading") or {}),
        raw=data, lines=lines,
    )


def _build_question(q: dict) -> Question:
    justification = {**DEFAULT_JUSTIFICATION, **q.get("justification", {})} if q["kind"] == "choice_per_item" else {}
    return Question(
        id=q["id"], kind=q["kind"], points=float(q["points"]), objective=q["objective"], prompt=q["prompt"],
        explanation=q.get("explanation"), explanation_locked=q.get("explanation_locked"),
        options=tuple(Option(o["id"], o["text"], o.get("why"), o.get("why_locked")) for o in q.get("options", [])),
        answer=tuple(q["answer"]) if isinstance(q.get("answer"), list) else q.get("answer"),
        answer_hash=q.get("answer_hash"),
        items=tuple(Item(i["id"], i["prompt"], i.get("answer"), i.get("answer_hash"), i.get("explanation"))
                    for i in q.get("items", [])),
        justification=justification, min_words=q.get("min_words"), max_words=q.get("max_words"),
        rubric=tuple(RubricPoint(p["id"], p["point"], tuple(p["keywords"])) for p in q.get("rubric", [])),
        hint=q.get("hint"), taught_in=dict(q.get("taught_in") or {}),
    )


def quiz_files(directory: str | os.PathLike) -> list[Path]:
    """Quiz files directly inside ``directory``, sorted by name (suffixes in any case)."""
    return sorted(p for p in Path(directory).iterdir()
                  if p.is_file() and p.suffix.lower() in QUIZ_SUFFIXES and not p.name.startswith("."))


def load_quizzes(directory: str | os.PathLike) -> dict[str, Quiz]:
    """Every quiz file in ``directory`` keyed by quiz id (fails on a duplicate id)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QuizError(f"{directory}: quiz folder not found")
    quizzes: dict[str, Quiz] = {}
    for path in quiz_files(directory):
        quiz = load_quiz(path)
        if quiz.id in quizzes:
            raise QuizError(f"{path}: line {quiz.lines.get(('id',), 1)}: field 'id': quiz id {quiz.id!r} is also "
                            f"used by {quizzes[quiz.id].source}")
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
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / "quizzes").is_dir() and quiz_files(folder / "quizzes"):
            return folder / "quizzes"
    raise QuizError(f"no quiz folder found: set {QUIZ_DIR_ENV} or pass quiz_dir= "
                    f"(looked for quizzes/ in {cwd} and above)")


# --------------------------------------------------------------------------- student copies

_QUIZ_FIELDS = ("id", "title", "version", "description", "due")
_HEADERS = {
    "practice": "Practice: do not edit; your answers are checked against the salted hashes in it.",
    "assessed": "Assessed: it holds no answers; yours are saved and graded by your instructor.",
}
_NOTES = {
    "practice": "Student copy (practice): answers are salted hashes, explanations unlock when you answer correctly.",
    "assessed": "Student copy (assessed): no answers here; feedback comes with your grade.",
}


def release_quiz(quiz: Quiz, mode: str | None = None, salt: str | None = None) -> dict:
    """The student copy of an instructor ``quiz`` as plain data (ready for YAML)."""
    if not quiz.is_key:
        raise QuizError(f"{quiz.source}: already a released {quiz.mode} copy, not an instructor key")
    mode = mode or quiz.release_mode
    if mode not in RELEASE_MODES:
        raise QuizError(f"unknown release mode {mode!r}; choose one of: {', '.join(RELEASE_MODES)}")
    salt = salt or new_salt()
    release = {"mode": mode, **({"salt": salt} if mode == "practice" else {}),
               "released": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "note": _NOTES[mode]}
    return {**{name: quiz.raw[name] for name in _QUIZ_FIELDS if name in quiz.raw}, "release": release,
            "questions": [_release_question(quiz, raw, mode, salt) for raw in quiz.raw["questions"]]}


def _release_question(quiz: Quiz, raw: dict, mode: str, salt: str) -> dict:
    question = quiz.question(raw["id"])
    kept = {k: raw[k] for k in ("id", "kind", "points", "objective", "prompt",
                                "justification", "min_words", "max_words") if k in raw}
    if "options" in raw:  # a wrong option's "why" travels locked with its own id (practice), or not at all
        kept["options"] = [{"id": o.id, "text": o.text, **({"why_locked": lock_explanation(
            salt, question.id, why_key(o.id), o.why)} if o.why and mode == "practice" else {})}
            for o in question.options]
    if question.kind == "reflection":
        return kept
    practice = mode == "practice"
    if question.kind == "choice_per_item":
        kept["items"] = [{"id": item.id, "prompt": item.prompt, **(
            {"answer_hash": answer_hash(salt, question.id, item.answer, item_id=item.id)} if practice else {})}
            for item in question.items]
    elif practice:
        kept["answer_hash"] = answer_hash(salt, question.id, canonical(question, question.answer))
    if practice:
        kept.update({"hint": question.hint} if question.hint else {})  # shown after a wrong answer
        text = "\n".join([question.explanation, *(f"{item.prompt}: {item.explanation}" for item in question.items
                                                  if item.explanation)])
        kept["explanation_locked"] = lock_explanation(salt, question.id, canonical(question, key_answer(question)),
                                                      text)
    return kept


def release_quizzes(src_dir: str | os.PathLike, out_dir: str | os.PathLike, mode: str | Mapping[str, str] | None = None,
                    salt: str | None = None, *, overwrite: bool = False) -> list[Path]:
    """Write the student copy of every quiz in ``src_dir`` to ``out_dir/<quiz id>.yml``.

    ``mode``: one mode for all, ``{quiz_id: mode}``, or ``None`` (each quiz's ``release_mode``).
    Nothing is written unless every copy validates as a student copy; ``out_dir`` may not be
    the instructor's folder, nor hold files unless ``overwrite`` (only quiz files are replaced).
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    if out_dir.exists() and out_dir.resolve() == src_dir.resolve():
        raise QuizError(f"{out_dir}: refusing to write student copies over the instructor's quiz folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise QuizError(f"{out_dir}: exists and is not a folder; choose a new --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise QuizError(f"{out_dir} already exists and is not empty; choose a new folder or pass --overwrite")
    quizzes = load_quizzes(src_dir)
    modes = dict(mode) if isinstance(mode, Mapping) else {q: mode for q in quizzes}
    unknown = sorted(set(modes) - set(quizzes))
    if unknown:
        raise QuizError(f"--mode names unknown quiz(zes): {', '.join(unknown)}")
    import yaml

    rendered = {}
    for quiz_id, quiz in quizzes.items():
        data = release_quiz(quiz, modes.get(quiz_id), salt)
        parse_quiz(data, source=f"student copy of {quiz.source}")  # refuses any answer material
        rendered[quiz_id] = (f"# Student copy of quiz {quiz_id!r}, written by `coursekit quiz release`. "
                             f"{_HEADERS[data['release']['mode']]}\n"
                             + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_text_atomic(out_dir / f"{quiz_id}.yml", text) for quiz_id, text in rendered.items()]


def quiz_modes(mode: str | None, pairs: list[str], quizzes: Mapping[str, Quiz]) -> str | dict | None:
    """The ``mode`` argument of :func:`release_quizzes` from ``--mode`` and ``--quiz-mode QUIZ=MODE``."""
    if not pairs:
        return mode
    modes = {quiz_id: mode for quiz_id in quizzes} if mode else {}
    for pair in pairs:
        quiz_id, _, value = pair.partition("=")
        if value not in RELEASE_MODES:
            raise QuizError(f"--quiz-mode {pair!r}: expected QUIZ=practice or QUIZ=assessed")
        modes[quiz_id] = value
    return modes


def load_released(folders) -> list[Quiz]:
    """The student copies in each of ``folders`` (a student repository's ``quizzes/`` is found)."""
    copies = []
    for folder in map(Path, folders):
        copies += load_quizzes(folder / "quizzes" if (folder / "quizzes").is_dir() else folder).values()
    return copies


def student_view(quiz: Quiz) -> Quiz:
    """What a student sees of ``quiz``: an instructor key becomes its student copy (in the
    key's ``release_mode``, freshly salted, never written anywhere); a copy stays as it is."""
    return quiz if not quiz.is_key else parse_quiz(release_quiz(quiz), source=f"student view of {quiz.source}")


def resolve_quiz(quiz: "Quiz | str | os.PathLike", quiz_dir: str | os.PathLike | None = None) -> Quiz:
    """A :class:`Quiz` from a quiz object, a quiz file path or a quiz id.

    An explicit location (``quiz_dir``, ``$COURSEKIT_QUIZ_DIR``, a file path, a :class:`Quiz`)
    is used as it is, instructor keys included; a quiz found by searching the working
    directory and its parents is shown as the student sees it."""
    if isinstance(quiz, Quiz):
        return quiz
    as_path = Path(quiz)
    if as_path.suffix.lower() in QUIZ_SUFFIXES and as_path.is_file():
        return load_quiz(as_path)
    explicit = bool(quiz_dir) or bool(os.environ.get(QUIZ_DIR_ENV))
    quizzes = load_quizzes(find_quiz_dir(quiz_dir))
    if str(quiz) not in quizzes:
        raise QuizError(f"unknown quiz {str(quiz)!r}; available: {', '.join(sorted(quizzes))}")
    return quizzes[str(quiz)] if explicit else student_view(quizzes[str(quiz)])
