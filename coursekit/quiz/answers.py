"""Answers in their JSON shapes (one per question kind: ``quizzes/README.md``, *Submissions*):
check, canonicalise, describe, hash.

An answer that does not fit its question (a list for a single choice, ``"A"`` where the
option id is ``"a"``) is never guessed at: :func:`normalise_answer` returns the problem,
which grading reports as an invalid answer (worth 0 points, and said so).

Practice copies store ``sha256(salt | question | answer)`` instead of each answer, and the
explanation encrypted (Fernet) with a key derived from the correct answer, so a notebook can
say "correct" and explain while the file holds nothing readable. A speed bump, not security:
the options are few, so a student can hash each one and compare; quizzes that count are
released ``assessed``. :func:`text_hash` names the text a manual score was given for.
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any, Mapping

from coursekit.quiz.model import Question

_ANSWER_DOMAIN = "coursekit-answer/1"
_EXPLANATION_DOMAIN = "coursekit-explanation/1"

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def word_count(text: str | None) -> int:
    """Words in ``text`` (hyphenated words, contractions, "e.g." and "3.5" count once)."""
    return len(_WORD.findall(text or ""))


def _short(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def normalise_answer(question: Question, raw: Any) -> tuple[Any, str | None]:
    """``(answer, problem)``: the answer in its canonical JSON shape, or ``None`` with
    a problem when it does not fit the question (wrong type, unknown option)."""
    kind, options = question.kind, question.option_ids
    if raw is None or raw in ("", [], {}):
        return None, None
    if kind == "single_choice":
        ok = isinstance(raw, str) and raw in options
        return (raw, None) if ok else (None, f"{_short(raw)} is not one of the options {', '.join(options)}")
    if kind == "true_false":
        text = raw.strip().lower() if isinstance(raw, str) else None
        if isinstance(raw, bool) or text in ("true", "false"):
            return (raw if isinstance(raw, bool) else text == "true"), None
        return None, f"{_short(raw)} is not true or false"
    if kind == "multiple_select":
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            return None, f"{_short(raw)} is not a list of option ids"
        unknown = [v for v in raw if v not in options]
        return (None, f"{', '.join(map(_short, unknown))} not among the options {', '.join(options)}") if unknown \
            else (sorted(set(raw)), None)
    if kind == "choice_per_item":
        return _normalise_items(question, raw)
    return (raw, None) if isinstance(raw, str) else (None, f"{_short(raw)} is not text")  # a reflection


def _normalise_items(question: Question, raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, Mapping):
        return None, f"{_short(raw)} is not {{item: {{choice, justification}}}}"
    answer = {}
    for item in question.items:
        entry = raw.get(item.id) or {}
        if isinstance(entry, str):
            entry = {"choice": entry}
        if not isinstance(entry, Mapping):
            return None, f"item {item.id!r}: expected a choice and a justification"
        choice = entry.get("choice")
        if choice is not None and (not isinstance(choice, str) or choice not in question.option_ids):
            return None, f"item {item.id!r}: {_short(choice)} is not one of the options"
        text = " ".join(str(entry.get("justification") or "").split())
        if choice is not None or text:
            answer[item.id] = {"choice": choice, "justification": text}
    return (answer or None), None


def canonical(question: Question, answer: Any) -> str:
    """The string that is hashed for an answer (see :func:`answer_hash`)."""
    if question.kind == "true_false":
        return "true" if answer else "false"
    if question.kind == "multiple_select":
        return ",".join(sorted(answer))
    if question.kind == "choice_per_item":
        return "|".join(f"{item.id}={(answer.get(item.id) or {}).get('choice')}" for item in question.items)
    return str(answer)


def key_answer(question: Question) -> Any:
    """The instructor key's answer in the submission shape (choice_per_item: choices only)."""
    if question.kind == "choice_per_item":
        return {item.id: {"choice": item.answer} for item in question.items}
    if question.kind == "multiple_select":
        return sorted(question.answer)
    return question.answer


def describe_answer(question: Question, answer: Any) -> str:
    """Readable text for an answer (gradebook summaries, feedback pages)."""
    if answer is None:
        return ""
    if question.kind == "single_choice":
        return f"{answer}) {question.option_text(answer)}"
    if question.kind == "true_false":
        return "True" if answer else "False"
    if question.kind == "multiple_select":
        return " + ".join(f"{a}) {question.option_text(a)}" for a in answer)
    if question.kind == "choice_per_item":
        return "; ".join(f"{item.id}: {question.option_text((answer.get(item.id) or {}).get('choice') or '-')}"
                         for item in question.items)
    return f"{word_count(answer)} words"


def rubric_mentions(text: str, question: Question) -> tuple[str, ...]:
    """Ids of the rubric points whose keywords appear in ``text`` (case-insensitive,
    matched at the start of a word, so ``overfit`` finds "overfitting")."""
    return tuple(point.id for point in question.rubric
                 if any(re.search(r"(?<!\w)" + re.escape(k), text or "", re.IGNORECASE) for k in point.keywords))


def text_hash(text: str | None) -> str:
    """A short hash of a reflection's words (spacing ignored): which text a manual score is for."""
    return hashlib.sha256(" ".join((text or "").split()).encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- practice copies


def new_salt() -> str:
    """A fresh random salt (32 hex characters) for one released quiz."""
    return secrets.token_hex(16)


def answer_hash(salt: str, question_id: str, canonical: str, item_id: str = "") -> str:
    """Hex SHA-256 of the canonical answer, bound to the salt, question and item."""
    payload = "\x1f".join((_ANSWER_DOMAIN, salt, question_id, item_id, canonical))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fernet(salt: str, question_id: str, canonical: str):
    from cryptography.fernet import Fernet

    digest = hashlib.sha256("\x1f".join((_EXPLANATION_DOMAIN, salt, question_id, canonical)).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def why_key(option_id: str) -> str:
    """What a wrong option's "why" is locked with in a practice copy: its own id (picking it unlocks it)."""
    return f"why:{option_id}"


def lock_explanation(salt: str, question_id: str, canonical: str, explanation: str) -> str:
    """The explanation encrypted with a key only the correct answer reproduces."""
    return _fernet(salt, question_id, canonical).encrypt(explanation.encode("utf-8")).decode("ascii")


def unlock_explanation(salt: str, question_id: str, canonical: str, token: str) -> str | None:
    """The explanation if ``canonical`` is the answer it was locked with, else ``None``."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(salt, question_id, canonical).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
