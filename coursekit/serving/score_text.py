"""Text cleaning for the scoring script: the training pipeline's ``coursekit.data.clean_text``.

Part of the endpoint's code folder (``coursekit/serving``, uploaded as it is): imports
nothing from ``coursekit``. Copied so the endpoint needs no coursekit install;
``tests/test_serving_score.py`` checks that both give identical output for every
combination of steps.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

RUN_CARD_NAME = "coursekit.json"
CLEANING_STEPS = ("strip_html", "remove_urls", "normalize_unicode", "remove_special", "lowercase")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,100}>")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPECIAL = re.compile(r"[^0-9a-zA-Z\s.,!?'\-:;()]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str, steps: dict | None = None) -> str:
    """Strip markup and URLs, normalize Unicode, drop special characters, lower-case
    (each step unless ``steps`` turns it off; all on by default, as in training)."""
    on = {step: True for step in CLEANING_STEPS} | dict(steps or {})
    if on["strip_html"]:
        text = html.unescape(_TAG.sub(" ", _BR.sub(" ", text)))
    if on["remove_urls"]:
        text = _URL.sub(" ", text)
    if on["normalize_unicode"]:
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    if on["remove_special"]:
        text = _SPECIAL.sub(" ", text)
    if on["lowercase"]:
        text = text.lower()
    return _SPACES.sub(" ", text).strip()


def cleaning_of(export_dir: Path, manifest: dict) -> dict | None:
    """The cleaning steps training used: the run card's (copied into ``export.json`` by the
    export, or a ``coursekit.json`` beside it), else the manifest's ``clean_text`` flag
    (every step or none). ``None`` means the model sees the raw text."""
    card = manifest.get("run_card")
    if not isinstance(card, dict) and (export_dir / RUN_CARD_NAME).is_file():
        card = json.loads((export_dir / RUN_CARD_NAME).read_text(encoding="utf-8"))
    if isinstance(card, dict) and "cleaning" in card:
        steps = card["cleaning"]
        return None if steps is None else {k: bool(v) for k, v in steps.items() if k in CLEANING_STEPS}
    return {step: True for step in CLEANING_STEPS} if manifest.get("clean_text", False) else None
