"""Stage 2 of the pipeline: fine-tune a pre-trained encoder (Part 2 of the assignment).

Names load on first use, so that ``coursekit --help`` and one-line errors do not pay
for importing torch and transformers.
"""
from importlib import import_module

from ..errors import Preempted
from ..labels import ID2LABEL, LABEL2ID, LABEL_NAMES

_LAZY = {
    "TrainConfig": ".config", "DataConfig": ".config",
    "PreparedData": ".pipeline", "ensure_trained_model": ".pipeline",
    "prepare_data": ".pipeline", "prepare_splits": ".pipeline", "run_training": ".pipeline",
    "splits_from_run_card": ".pipeline", "raw_splits_from_run_card": ".pipeline", "train_and_record": ".pipeline",
    "METRICS_FILE": ".trainer", "TrainResult": ".trainer", "build_trainer": ".trainer",
    "last_checkpoint": ".trainer", "train_model": ".trainer", "write_metrics": ".trainer",
}

__all__ = [*_LAZY, "Preempted", "LABEL_NAMES", "ID2LABEL", "LABEL2ID"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
