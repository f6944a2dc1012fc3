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


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def markup_snippet(text: str, width: int = 60) -> str | None:
    """The part of ``text`` around its first HTML tag (``<br />``) or entity (``&#39;``, ``&quot;``),
    or ``None`` when it holds none (what the ``markup`` line of the data report shows)."""
    found = [m for m in (_BR.search(text), _TAG.search(text), _ENTITY.search(text)) if m is not None]
    found = [m for m in found if m.re is not _ENTITY or html.unescape(m.group(0)) != m.group(0)]
    if not found:
        return None
    start = max(0, min(m.start() for m in found) - width // 3)
    return ("…" if start else "") + text[start:start + width]


_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _drop_control(text: str) -> str:
    """``text`` without characters of Unicode category C (controls, format, unassigned) but tab and newline."""
    if text.isascii():  # the common case: a regular expression instead of a loop over characters
        return _ASCII_CONTROL.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n")


def clean_text(text: str, config: CleaningConfig | None = None) -> str:
    """Return ``text`` cleaned according to ``config`` (default: every step)."""
    cfg = config or CleaningConfig()
    if cfg.strip_html:
        text = _BR.sub(" ", text)
        text = _TAG.sub(" ", text)
        text = html.unescape(html.unescape(text))  # twice: exports hold double-escaped "&amp;#39;"
    if cfg.remove_urls:
        text = _URL.sub(" ", text)
    if cfg.normalize_unicode:
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        text = _drop_control(text)
    if cfg.remove_special:
        text = _SPECIAL.sub(" ", text)
    if cfg.lowercase:
        text = text.lower()
    return _SPACES.sub(" ", text).strip()
