"""One model folder: its files, its settings as training recorded them, the model itself, its
history and its export. Every stage after training takes a :class:`ModelFolder`; none
re-derives what it holds.

A folder coursekit did not train (a Hugging Face folder from elsewhere) has no run card; it
still works, with the one fallback written here: max length :data:`FOREIGN_MAX_LENGTH`, the
training pipeline's cleaning (every step), the default seed. The commands say so when they
use it (:meth:`ModelFolder.fallback_note`).
"""
from __future__ import annotations

import json
import os
from functools import cached_property
from pathlib import Path

from ..data.cleaning import CleaningConfig
from ..defaults import DEFAULT_SEED
from ..errors import RunCardError
from .card import RUN_CARD_FILE, RunCard, read_run_card
from .exports import EXPORT_FOLDER, export_matches
from .fingerprints import model_fingerprint
from .history import METRICS_FILE, load_history

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
WEIGHTS = ("model.safetensors", "pytorch_model.bin")
CHECKPOINTS_FOLDER = "checkpoints"
# Files that mean "a model (or a run's checkpoints) lives here".
MODEL_MARKERS = (CONFIG_FILE, *WEIGHTS, METRICS_FILE, RUN_CARD_FILE, "training_args.bin")
FOREIGN_TIER = "unknown (no run card)"
FOREIGN_MAX_LENGTH = 128  # for a folder without a run card (as the offline tier trains)


class ModelFolder:
    """A folder ``coursekit train`` wrote (or a Hugging Face classifier folder from elsewhere)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def __fspath__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"ModelFolder({str(self.path)!r})"

    # --- its files -------------------------------------------------------------------------
    @property
    def export_dir(self) -> Path:
        """Where ``coursekit export`` writes by default: ``MODEL/onnx``."""
        return self.path / EXPORT_FOLDER

    @property
    def checkpoints_dir(self) -> Path:
        return self.path / CHECKPOINTS_FOLDER

    @property
    def metrics_path(self) -> Path:
        return self.path / METRICS_FILE

    def has_run_card(self) -> bool:
        return (self.path / RUN_CARD_FILE).is_file()

    def is_trained(self) -> bool:
        """What ``coursekit train``/``demo`` leave: the model's config, ``metrics.json`` and the run card."""
        return all((self.path / name).is_file() for name in (CONFIG_FILE, METRICS_FILE, RUN_CARD_FILE))

    def holds_a_run(self) -> bool:
        """True when the folder holds a trained model or checkpoints of a run (so a new run would clobber it)."""
        if any((self.path / name).exists() for name in MODEL_MARKERS):
            return True
        return self.checkpoints_dir.is_dir() and any(self.checkpoints_dir.glob("checkpoint-*"))

    def check_files(self, error: type[Exception] = RunCardError, tokenizer_json: bool = False) -> "ModelFolder":
        """Raise ``error`` naming what is missing: the folder, ``config.json``, the weights (the tokenizer file)."""
        where = self.path
        if not where.is_dir():
            raise error(f"{where}: no such model folder (it does not exist); train one with `coursekit train`")
        if not (where / CONFIG_FILE).is_file():
            raise error(f"{where}: config.json is missing; this is not a Hugging Face model folder (pass the "
                        "folder that training saved the model in)")
        if not any((where / name).is_file() for name in WEIGHTS) and not any(where.glob("model-*.safetensors")):
            raise error(f"{where}: no model weights (model.safetensors) found")
        if tokenizer_json and not (where / TOKENIZER_FILE).is_file():
            raise error(f"{where}: tokenizer.json is missing; save the tokenizer next to the model "
                        "(tokenizer.save_pretrained(folder))")
        return self

    # --- the run card and the settings every later stage applies ----------------------------
    @cached_property
    def card(self) -> RunCard | None:
        """The run card, every value checked (``max_length`` against the model's own position
        limit too); ``None`` for a folder coursekit did not train."""
        if not self.has_run_card():
            return None
        card = read_run_card(self.path)
        limit = self.position_limit()
        if limit is not None and card.max_length > limit:
            raise RunCardError(f"{self.path / RUN_CARD_FILE}: unreadable run card (max_length {card.max_length} is "
                               f"above the model's position limit {limit}); retrain with `coursekit train --overwrite`")
        return card

    def require_card(self) -> RunCard:
        """The run card, or a one-line error saying how to get one."""
        return self.card or read_run_card(self.path)  # read_run_card raises the missing-card error

    @property
    def trained_by_coursekit(self) -> bool:
        return self.card is not None

    @property
    def max_length(self) -> int:
        return self.card.max_length if self.card else FOREIGN_MAX_LENGTH

    @property
    def cleaning(self) -> CleaningConfig | None:
        """The cleaning training applied (``None``: the raw text); every step for a foreign folder."""
        return self.card.cleaning_config if self.card else CleaningConfig()

    @property
    def seed(self) -> int:
        return self.card.seed if self.card else DEFAULT_SEED

    @property
    def tier(self) -> str:
        return self.card.tier if self.card else FOREIGN_TIER

    @property
    def base_model(self) -> str:
        return self.card.base_model if self.card else self.path.name

    def fallback_note(self, max_length: int | None = None) -> str:
        """What a command assumes for a folder coursekit did not train (one line)."""
        return (f"{self.path} has no run card (not trained by coursekit train): using max length "
                f"{max_length or self.max_length} (--max-length) and the training pipeline's cleaning")

    def position_limit(self) -> int | None:
        """The longest input the model's position table holds (``max_position_embeddings``), if it says."""
        try:
            config = json.loads((self.path / CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        limit = config.get("max_position_embeddings") if isinstance(config, dict) else None
        return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None

    def check_max_length(self, value: int, option: str = "--max-length", error: type[Exception] = RunCardError) -> int:
        """``value`` when the model can take inputs that long, else a one-line ``error`` naming ``option``."""
        limit = self.position_limit()
        if limit is not None and value > limit:
            raise error(f"{option} {value} is above the model's position limit {limit} (max_position_embeddings in "
                        f"{self.path / CONFIG_FILE}): longer inputs cannot be scored; choose {limit} or less")
        return value

    def check_weights(self) -> None:
        """Raise when the weights are not the ones the run card recorded (changed after training)."""
        card = self.card
        if card and card.model_fingerprint and model_fingerprint(self.path) != card.model_fingerprint:
            raise RunCardError(f"{self.path}: the model weights changed after training (fingerprint differs from "
                               f"{RUN_CARD_FILE}); retrain with `coursekit train --overwrite`")

    def fingerprint(self) -> str:
        return model_fingerprint(self.path)

    # --- the model, its metrics and history -------------------------------------------------
    def load(self, *, eager_attention: bool = False, error: type[Exception] = RunCardError,
             show_progress: bool | None = None):
        """``(model, tokenizer)``. ``eager_attention``: the plain attention ONNX Runtime's fusions
        recognise (export); otherwise the library's default (SDPA)."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from ..progress import configure_quiet_libraries

        self.check_files(error, tokenizer_json=eager_attention)
        configure_quiet_libraries(show_progress)  # no weight-loading bars or warnings outside a terminal
        options = {"attn_implementation": "eager"} if eager_attention else {}
        try:
            model = AutoModelForSequenceClassification.from_pretrained(self.path, **options)
            tokenizer = AutoTokenizer.from_pretrained(self.path)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise error(f"{self.path}: cannot load the classifier ({first})") from exc
        return model, tokenizer

    def metrics(self) -> dict:
        """``metrics.json`` as training wrote it (test scores, history, runtime)."""
        try:
            return json.loads(self.metrics_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunCardError(f"{self.metrics_path}: not readable JSON ({exc}); retrain with "
                               "`coursekit train --overwrite`") from exc

    def history(self) -> list[dict] | None:
        return load_history(self.path)

    # --- its export --------------------------------------------------------------------------
    def export_is_current(self, export_dir: str | os.PathLike | None = None) -> bool:
        """True when ``export_dir`` (default ``MODEL/onnx``) was exported from the weights now here."""
        card = self.card
        return export_matches(self.path, Path(export_dir) if export_dir else self.export_dir,
                              card.model_fingerprint if card else None, card is not None)
