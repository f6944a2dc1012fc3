"""Stage 2 of the pipeline: fine-tune a pre-trained encoder (Part 2 of the assignment)."""
from ..labels import ID2LABEL, LABEL2ID, LABEL_NAMES
from .config import TrainConfig
from .pipeline import ensure_trained_model, is_trained_model, prepare_splits, run_training
from .preemption import Preempted
from .trainer import METRICS_FILE, TrainResult, build_trainer, last_checkpoint, train_model, write_metrics

__all__ = ["TrainConfig", "TrainResult", "train_model", "build_trainer", "run_training", "prepare_splits",
           "ensure_trained_model", "is_trained_model", "last_checkpoint", "write_metrics", "Preempted",
           "METRICS_FILE", "LABEL_NAMES", "ID2LABEL", "LABEL2ID"]
