"""The run card: what training recorded in the model folder, so later stages never re-derive it.

``coursekit train`` writes ``coursekit.json`` beside the model: the tier, the base model,
``max_length``, the cleaning settings, the label names, the data file with its
fingerprint and read options, the split itself (positions and source row ids), what was
dropped while loading, the training settings and outcome, and the fingerprint of the
saved weights. Export, evaluate, predict, serve, deploy and the lessons read it; none of
them takes these from the active tier again.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import RunCardError

RUN_CARD_FILE = "coursekit.json"
FORMAT = 1
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json")


def file_fingerprint(path: str | Path, chunk: int = 1 << 20) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def model_fingerprint(folder: str | Path) -> str:
    """One fingerprint of a model folder's weights and config (what derived files are checked against)."""
    folder = Path(folder)
    digest = hashlib.sha256()
    found = False
    for name in WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            found = True
            digest.update(name.encode())
            digest.update(file_fingerprint(path).encode())
    if not found:
        raise RunCardError(f"{folder}: no model weights (model.safetensors); train one with coursekit train")
    return "sha256:" + digest.hexdigest()


def data_fingerprint(source: str) -> str:
    """The data file's fingerprint, or the Hub dataset's name for ``imdb``."""
    path = Path(source)
    if path.is_file():
        return file_fingerprint(path)
    return f"hub:{source}"


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

    # --- what later stages ask -------------------------------------------------------------
    def cleaning_config(self):
        """The :class:`~coursekit.data.CleaningConfig` training used, or ``None`` (no cleaning)."""
        from .data import CleaningConfig

        return None if self.cleaning is None else CleaningConfig(**self.cleaning)

    @property
    def clean(self) -> bool:
        return self.cleaning is not None

    @property
    def seed(self) -> int:
        return int(self.split["seed"])

    @property
    def data_source(self) -> str:
        return self.data["source"]

    def is_training_data(self, source: str | Path) -> bool:
        """True when ``source`` is the file this model was trained on (same bytes)."""
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
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def write_run_card(folder: str | Path, card: RunCard) -> Path:
    """Write ``coursekit.json`` atomically."""
    from .fileio import write_json_atomic

    return write_json_atomic(Path(folder) / RUN_CARD_FILE, card.to_dict())


def has_run_card(folder: str | Path) -> bool:
    return (Path(folder) / RUN_CARD_FILE).is_file()


def read_run_card(folder: str | Path) -> RunCard:
    """The run card of a trained model folder, or a one-line error saying how to get one."""
    path = Path(folder) / RUN_CARD_FILE
    if not path.is_file():
        raise RunCardError(f"{folder}: no {RUN_CARD_FILE} (the run card training writes); "
                           "train the model with `coursekit train --output FOLDER` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, expected an object")
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        card = RunCard.from_dict(data)
        for name, kind in (("data", dict), ("split", dict), ("labels", list), ("max_length", int)):
            if not isinstance(getattr(card, name), kind):
                raise ValueError(f"field {name!r} is not a {kind.__name__}")
        return card
    except (OSError, ValueError, TypeError) as exc:
        raise RunCardError(f"{path}: unreadable run card ({exc}); retrain with `coursekit train --overwrite`") from exc


def check_model_matches(folder: str | Path, card: RunCard | None = None) -> None:
    """Raise when the weights in ``folder`` are not the ones its run card recorded."""
    card = card or read_run_card(folder)
    if card.model_fingerprint and model_fingerprint(folder) != card.model_fingerprint:
        raise RunCardError(f"{folder}: the model weights changed after training (fingerprint differs from "
                           f"{RUN_CARD_FILE}); retrain with `coursekit train --overwrite`")
