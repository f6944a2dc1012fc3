"""The run card, ``coursekit.json``: what training decided, so later stages never re-derive it.

``coursekit train`` writes it beside the model: the tier, the base model, ``max_length``, the
cleaning steps, the label names, the data file with its fingerprint and read options, the
split itself (positions and source row ids), what was dropped while loading, the training
settings and outcome, and the fingerprint of the saved weights. Reading it checks every value
it holds (type and range) and its size, so a damaged or hand-edited card is one line of
:class:`~coursekit.errors.RunCardError`, never a traceback further on.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..data.cleaning import CleaningConfig
from ..errors import RunCardError
from .fingerprints import data_fingerprint

RUN_CARD_FILE = "coursekit.json"
FORMAT = 1
MAX_RUN_CARD_BYTES = 32_000_000  # IMDB's 50,000 rows make a card of about 1.3 MB
MAX_LENGTH_RANGE = (2, 8192)  # [CLS] + [SEP] at least; the model's own position limit is checked too
SEED_RANGE = (0, 2**32 - 1)  # what numpy (and so transformers' set_seed) accepts
SPLIT_PARTS = ("train", "validation", "test")
RETRAIN = "retrain with `coursekit train --overwrite`"


@dataclass
class RunCard:
    """What one training run decided; every later stage reads its settings from here."""

    tier: str
    base_model: str
    max_length: int
    labels: list[str]
    cleaning: dict | None  # CleaningConfig fields, or None when trained with --no-clean
    data: dict  # DataConfig fields + source path + fingerprint + rows loaded
    split: dict  # seed, fractions, and per part: positions + row ids
    dropped: dict = field(default_factory=dict)  # what loading/cleaning dropped, by kind
    training: dict = field(default_factory=dict)  # hyperparameters and outcome (best epoch, stop reason)
    model_fingerprint: str | None = None
    format: int = FORMAT
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    # --- what later stages ask, typed -------------------------------------------------------
    @property
    def cleaning_config(self) -> CleaningConfig | None:
        """The :class:`~coursekit.data.CleaningConfig` training used, or ``None`` (no cleaning)."""
        return cleaning_config(self.cleaning)

    @property
    def clean(self) -> bool:
        return self.cleaning is not None

    @property
    def seed(self) -> int:
        return int(self.split["seed"])

    @property
    def base_model_name(self) -> str:
        """The base model as it may be shown off this machine: a Hub id as it is, a local folder by its name."""
        return Path(self.base_model).name if Path(self.base_model).is_absolute() else self.base_model

    @property
    def data_source(self) -> str:
        return self.data.get("source")

    def is_training_data(self, source: str | Path) -> bool:
        """True when ``source`` is the file this model was trained on (same bytes)."""
        if not self.data.get("fingerprint"):
            return False
        if str(source).lower() == str(self.data_source).lower() and not Path(source).is_file():
            return True  # the same Hub dataset name
        try:
            return Path(source).is_file() and data_fingerprint(str(source)) == self.data["fingerprint"]
        except OSError:
            return False

    def rows(self, part: str) -> list:
        """Source row ids of one part of the split (line numbers in a file, indices for the Hub)."""
        return list(self.split[part]["rows"])

    def to_dict(self) -> dict:
        return json.loads(json.dumps(asdict(self), default=str))

    @classmethod
    def from_dict(cls, data: dict) -> "RunCard":
        """A card from parsed JSON, every value checked (:func:`check_card`)."""
        check_card(data)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def cleaning_config(steps: dict | None) -> CleaningConfig | None:
    """Recorded cleaning steps (a run card's or an export manifest's ``cleaning``) as a typed config."""
    return None if steps is None else CleaningConfig(**{k: bool(v) for k, v in steps.items()
                                                        if k in CleaningConfig.__dataclass_fields__})


def write_run_card(folder: str | Path, card: RunCard) -> Path:
    """Write ``coursekit.json`` atomically."""
    from ..fileio import write_json_atomic

    return write_json_atomic(Path(folder) / RUN_CARD_FILE, card.to_dict())


def read_run_card(folder: str | Path) -> RunCard:
    """The run card of a trained model folder, or a one-line error saying how to get one."""
    from ..fileio import read_small_text

    path = Path(folder) / RUN_CARD_FILE
    if not path.is_file():
        raise RunCardError(f"{folder}: no {RUN_CARD_FILE} (the run card training writes); "
                           "train the model with `coursekit train --output FOLDER` first")
    try:
        text = read_small_text(path, limit=MAX_RUN_CARD_BYTES, what="a run card", error=ValueError, prefix="the file")
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, expected an object")
        return RunCard.from_dict(data)
    except RecursionError as exc:
        raise RunCardError(f"{path}: unreadable run card (nested too deeply); {RETRAIN}") from exc
    except (ValueError, TypeError) as exc:
        raise RunCardError(f"{path}: unreadable run card ({_first_line(exc)}); {RETRAIN}") from exc


# --- checking every value on read ------------------------------------------------------------
def check_card(data: dict) -> None:
    """Raise ``ValueError`` naming the first value of a parsed run card that is missing, of the
    wrong type or out of range."""
    if data.get("format") != FORMAT:
        raise ValueError(f"format {_show(data.get('format'))}, expected {FORMAT}")
    for name in ("tier", "base_model"):
        _expect(data, name, str)
    _whole(data, "max_length", MAX_LENGTH_RANGE)
    labels = _expect(data, "labels", list)
    if len(labels) != 2 or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"field 'labels' is {_show(labels)}, expected two label names")
    _check_cleaning(_expect(data, "cleaning", (dict, type(None))))
    _check_data(_expect(data, "data", dict))
    _check_split(_expect(data, "split", dict))
    for name in ("dropped", "training"):
        _expect(data, name, dict, required=False)
    _expect(data, "model_fingerprint", (str, type(None)), required=False)


def _check_cleaning(steps: dict | None) -> None:
    for key, value in (steps or {}).items():
        if key not in CleaningConfig.__dataclass_fields__ or not isinstance(value, bool):
            raise ValueError(f"field 'cleaning' holds {_show(key)}: {_show(value)}; expected the steps "
                             f"{', '.join(CleaningConfig.__dataclass_fields__)} set to true or false")


def _check_data(data: dict) -> None:
    for name in ("source", "fingerprint", "text_column", "label_column"):
        _expect(data, name, (str, type(None)), required=False, where="data")
    for name in ("rows_loaded", "rows_used"):
        if name in data:
            _whole(data, name, (0, None), where="data")


def _check_split(split: dict) -> None:
    _whole(split, "seed", SEED_RANGE, where="split")
    for part in SPLIT_PARTS:
        record = _expect(split, part, dict, required=False, where="split")
        if record is None:
            continue
        positions = _expect(record, "positions", list, where=f"split.{part}")
        if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in positions):
            raise ValueError(f"field 'split.{part}.positions' holds a value that is not a row position")
        if len(_expect(record, "rows", list, where=f"split.{part}")) != len(positions):
            raise ValueError(f"field 'split.{part}.rows' and its positions differ in length")


def _expect(data: dict, name: str, kind, *, required: bool = True, where: str = ""):
    label = f"{where}.{name}" if where else name
    if name not in data:
        if required:
            raise ValueError(f"field {label!r} is missing")
        return None
    value = data[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join("null" if k is type(None) else {"str": "text", "dict": "an object", "list": "a list"}
                            .get(k.__name__, k.__name__) for k in kinds)
        raise ValueError(f"field {label!r} is {_show(value)}, expected {names}")
    return value


def _whole(data: dict, name: str, bounds: tuple, *, where: str = "") -> int:
    label = f"{where}.{name}" if where else name
    value = data.get(name)
    low, high = bounds
    if (not isinstance(value, int) or isinstance(value, bool) or value < low
            or (high is not None and value > high)):
        span = f"from {low} to {high}" if high is not None else f"of {low} or more"
        raise ValueError(f"field {label!r} is {_show(value)}, expected a whole number {span}")
    return value


def _show(value, limit: int = 60) -> str:
    """A value as an error line shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_line(exc: Exception) -> str:
    return ((str(exc).strip().splitlines() or [type(exc).__name__])[0])[:300]
