"""Stage 2 of the pipeline: fine-tune a pre-trained encoder (Part 2 of the assignment)."""
from ..labels import ID2LABEL, LABEL2ID, LABEL_NAMES
from ..errors import Preempted
from .config import DataConfig, TrainConfig
from .pipeline import (PreparedData, ensure_trained_model, is_trained_model, prepare_data, prepare_splits,
                       run_training, splits_from_run_card, train_and_record)
from .trainer import METRICS_FILE, TrainResult, build_trainer, last_checkpoint, train_model, write_metrics

__all__ = ["TrainConfig", "DataConfig", "TrainResult", "train_model", "build_trainer", "run_training",
           "prepare_splits", "prepare_data", "PreparedData", "train_and_record", "splits_from_run_card",
           "ensure_trained_model", "is_trained_model", "last_checkpoint", "write_metrics", "Preempted",
           "METRICS_FILE", "LABEL_NAMES", "ID2LABEL", "LABEL2ID"]
