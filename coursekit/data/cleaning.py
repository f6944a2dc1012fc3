"""Text cleaning, as the assignment asks: strip markup, special characters, case.

Cleaning is explicit and configurable: every step is a field of :class:`CleaningConfig`
so a lesson can show what each one does (and that an uncased tokenizer lower-cases
anyway).
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,100}>")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPECIAL = re.compile(r"[^0-9a-zA-Z\s.,!?'\-:;()]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CleaningConfig:
    """Which cleaning steps to apply (all on by default)."""

    strip_html: bool = True  # IMDB's "<br />" and other tags become spaces
    remove_urls: bool = True
    normalize_unicode: bool = True  # NFKC, curly quotes to straight, control characters dropped
    remove_special: bool = True  # keep letters, digits, whitespace and . , ! ? ' - : ; ( )
    lowercase: bool = True

    @classmethod
    def none(cls) -> "CleaningConfig":
        return cls(False, False, False, False, False)


def clean_text(text: str, config: CleaningConfig | None = None) -> str:
    """Return ``text`` cleaned according to ``config`` (default: every step)."""
    cfg = config or CleaningConfig()
    if cfg.strip_html:
        text = _BR.sub(" ", text)
        text = _TAG.sub(" ", text)
        text = html.unescape(text)
    if cfg.remove_urls:
        text = _URL.sub(" ", text)
    if cfg.normalize_unicode:
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    if cfg.remove_special:
        text = _SPECIAL.sub(" ", text)
    if cfg.lowercase:
        text = text.lower()
    return _SPACES.sub(" ", text).strip()
