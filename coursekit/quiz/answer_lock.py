"""Salted answer hashes and explanations locked with the correct answer (practice copies).

A practice copy of a quiz stores, for each question, ``sha256(salt | question | answer)``
instead of the answer, and the explanation encrypted (Fernet, from ``cryptography``)
with a key derived from the correct answer. The notebook can then tell a student
"correct" and show the explanation without the answer being readable in the file.

This is a speed bump, not security: the options are few, so a determined student can
hash each option (or each combination, for multiple-select) and compare. Quizzes that
count for a grade should be released in ``assessed`` mode, which carries no answer
material at all.
"""
from __future__ import annotations

import base64
import hashlib
import secrets

_ANSWER_DOMAIN = "coursekit-answer/1"
_EXPLANATION_DOMAIN = "coursekit-explanation/1"


def new_salt() -> str:
    """A fresh random salt (32 hex characters) for one released quiz."""
    return secrets.token_hex(16)


def answer_hash(salt: str, question_id: str, canonical: str, item_id: str = "") -> str:
    """Hex SHA-256 of the canonical answer, bound to the salt, question and item."""
    payload = "\x1f".join((_ANSWER_DOMAIN, salt, question_id, item_id, canonical))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fernet(salt: str, question_id: str, canonical: str):
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(
        "\x1f".join((_EXPLANATION_DOMAIN, salt, question_id, canonical)).encode("utf-8")
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


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
