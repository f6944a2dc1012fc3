"""Label maps: which spellings in a file's label column mean NEGATIVE (0) and POSITIVE (1).

``--label-map`` takes either inline pairs, ``"1 star=0,2 stars=0,3 stars=skip,5 stars=1"``,
or the path of a JSON or YAML file holding one mapping (``{"1 star": 0, "5 stars": 1}``).
A value is ``0``/``1``, ``negative``/``positive`` (or ``neg``/``pos``), or ``skip`` to drop
rows with that label (neutral ratings, say); the drops are counted in the data report.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..errors import DataError

SKIP = -1  # the id of labels whose rows are dropped
# Spellings accepted for each class (case-insensitive) unless a label map is given.
DEFAULT_LABEL_MAP: dict[str, int] = {
    "0": 0, "neg": 0, "negative": 0, "false": 0, "bad": 0,
    "1": 1, "pos": 1, "positive": 1, "true": 1, "good": 1,
}
_VALUES = {"0": 0, "neg": 0, "negative": 0, "1": 1, "pos": 1, "positive": 1, "skip": SKIP}
OPTION_HINT = ("map other spellings with --label-map, e.g. --label-map \"1 star=0,3 stars=skip,5 stars=1\" "
               "(VALUE=skip drops such rows; label_map= in Python)")
EXAMPLE = "1=0,2=0,3=skip,4=1,5=1"  # star ratings: 1-2 negative, 3 left out, 4-5 positive


def unknown_label_hint(label: str, given: Mapping[str, int] | None) -> str:
    """How to get past a label the map does not know: the map given so far, plus ``label=skip``."""
    label = str(label).strip()
    if given:
        pairs = ",".join(f"{key}={'skip' if value == SKIP else value}" for key, value in given.items())
        example = f"{pairs},{label}=skip"
    else:
        example = EXAMPLE if label in {"1", "2", "3", "4", "5"} else f"{label}=skip,..."
    return (f"map it with --label-map: {label}=0, {label}=1, or {label}=skip to drop such rows (counted in the "
            f"summary), e.g. --label-map \"{example}\" (label_map= in Python)")


def parse_label_map(value: str | Path | Mapping | None) -> dict[str, int] | None:
    """A ``{spelling: 0 | 1 | SKIP}`` dict from inline pairs, a JSON/YAML file path or a mapping."""
    if value is None or (isinstance(value, (Mapping, str)) and not value):
        return None  # the default spellings
    if isinstance(value, Mapping):
        return normalize_label_map(value)
    text = str(value).strip()
    path = Path(text)
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        return normalize_label_map(_read_file(path), source=str(path))
    if "=" not in text:
        raise DataError(f"--label-map {text!r}: expected SPELLING=0|1 pairs separated by commas, "
                        "e.g. \"1 star=0,5 stars=1\", or a .json/.yaml file")
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.rpartition("=")
        if not sep or not key.strip():
            raise DataError(f"--label-map: {part!r} is not SPELLING=0|1 (pairs are separated by commas)")
        pairs[key.strip()] = val.strip()
    return normalize_label_map(pairs, source="--label-map")


def normalize_label_map(mapping: Mapping, source: str = "label_map") -> dict[str, int]:
    """Lower-case, stripped spellings to 0, 1 or SKIP; both classes must appear."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise DataError(f"--label-map {source}: expected a non-empty mapping of label spellings to 0/1")
    out = {}
    for key, val in mapping.items():
        word = str(val).strip().lower()
        if isinstance(val, bool) or word not in _VALUES:
            raise DataError(f"{source}: {key!r} maps to {val!r}; use 0/1, negative/positive or skip")
        out[str(key).strip().lower()] = _VALUES[word]
    if not {0, 1} <= set(out.values()):
        raise DataError(f"{source}: maps every spelling to one class; a classifier needs both 0 and 1")
    return out


def _read_file(path: Path):
    if not path.is_file():
        raise DataError(f"--label-map {path}: no such file")
    from ..settings_files import load_settings_file  # size-limited, UTF-8, no YAML aliases

    return load_settings_file(path, option="--label-map", error=DataError)
