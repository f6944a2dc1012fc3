"""Write the student copies of quiz files: rubrics removed, answers hashed or gone.

* ``practice`` (the default): answers become salted hashes and explanations are locked
  with the correct answer, so the notebook gives instant feedback while the file holds
  nothing readable (see :mod:`coursekit.quiz.answer_lock` for what that does not stop);
  hints stay, to be shown after a wrong answer.
* ``assessed``: no answers, hashes, explanations or hints at all; feedback comes with the
  grade.

Reflections keep their prompt and word range; their rubric and explanation stay with
the instructor. Comments in the instructor's YAML are not copied (the copy is written
from the parsed data). Issue 5 (notebook release) reuses :func:`release_quizzes`.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Mapping

from coursekit.errors import QuizError
from coursekit.quiz.answer_lock import answer_hash, lock_explanation, new_salt
from coursekit.fileio import write_text_atomic
from coursekit.quiz.answers import canonical, key_answer
from coursekit.quiz.schema import RELEASE_MODES, Quiz, load_quizzes, parse_quiz

_QUIZ_FIELDS = ("id", "title", "version", "description", "due")
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
    out: dict = {name: quiz.raw[name] for name in _QUIZ_FIELDS if name in quiz.raw}
    out["release"] = {
        "mode": mode,
        **({"salt": salt} if mode == "practice" else {}),
        "released": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "note": _NOTES[mode],
    }
    out["questions"] = [
        _release_question(quiz, raw, mode, salt) for raw in quiz.raw["questions"]
    ]
    return out


def _release_question(quiz: Quiz, raw: dict, mode: str, salt: str) -> dict:
    question = quiz.question(raw["id"])
    kept = {k: raw[k] for k in ("id", "kind", "points", "objective", "prompt", "options",
                                "justification", "min_words", "max_words") if k in raw}
    if question.kind == "reflection":
        return kept
    if question.kind == "choice_per_item":
        kept["items"] = []
        for item in question.items:
            entry = {"id": item.id, "prompt": item.prompt}
            if mode == "practice":
                entry["answer_hash"] = answer_hash(salt, question.id, item.answer, item_id=item.id)
            kept["items"].append(entry)
    elif mode == "practice":
        kept["answer_hash"] = answer_hash(salt, question.id, canonical(question, question.answer))
    if mode == "practice":
        if question.hint:
            kept["hint"] = question.hint  # feedback for a wrong answer; assessed copies carry none
        text = question.explanation
        if question.kind == "choice_per_item":
            notes = [f"{item.prompt}: {item.explanation}" for item in question.items if item.explanation]
            text = "\n".join([text, *notes])
        kept["explanation_locked"] = lock_explanation(
            salt, question.id, canonical(question, key_answer(question)), text
        )
    return kept


def release_quizzes(
    src_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    mode: str | Mapping[str, str] | None = None,
    salt: str | None = None,
    *,
    overwrite: bool = False,
) -> list[Path]:
    """Write the student copy of every quiz in ``src_dir`` to ``out_dir/<quiz id>.yml``.

    ``mode``: one mode for all quizzes, a ``{quiz_id: mode}`` mapping, or ``None`` for
    each quiz's own ``release_mode``. Every quiz is validated before anything is
    written, each copy is re-validated as a student copy, and files are written
    atomically; ``out_dir`` may not be the instructor's folder, and a folder that already
    holds files is refused unless ``overwrite`` (then only the quiz files are replaced).
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
        header = (f"# Student copy of quiz {quiz_id!r} ({data['release']['mode']}), written by "
                  f"`coursekit quiz release`. Do not edit: answers are checked against the hashes.\n")
        rendered[quiz_id] = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for quiz_id, text in rendered.items():
        path = out_dir / f"{quiz_id}.yml"
        write_text_atomic(path, text)
        written.append(path)
    return written
