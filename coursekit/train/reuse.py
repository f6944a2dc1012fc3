"""Show a model an earlier run trained instead of training it again.

``coursekit render`` executes the lessons to make their web pages; when a trained lesson
model already exists (``--model``, ``results/notebook-model`` or ``results/demo``) it puts
a copy in the lessons' results folder and sets ``COURSEKIT_REUSE_MODEL=1``, and the Part 2
notebook calls :func:`train_or_reuse`, which loads that model with its saved history and
test scores rather than spending minutes on the same fine-tuning.
"""
from __future__ import annotations

from pathlib import Path

from ..model_folder import CONFIG_FILE, ModelFolder
from .config import TrainConfig
from .trainer import TrainResult, train_model

REUSE_ENV = "COURSEKIT_REUSE_MODEL"


def load_train_result(model_dir: str | Path) -> TrainResult:
    """The :class:`TrainResult` of the run that saved ``model_dir`` (model, tokenizer,
    history and scores read back from the folder and its ``metrics.json``)."""
    folder = ModelFolder(model_dir)
    summary = folder.metrics()
    model, tokenizer = folder.load()
    return TrainResult(
        output_dir=folder.path,
        model=model,
        tokenizer=tokenizer,
        history=list(summary.get("history") or []),
        test_metrics=summary.get("test") or None,
        validation_metrics=dict(summary.get("validation") or {}),
        train_runtime_s=float(summary.get("train_runtime_s") or 0.0),
        best_checkpoint=summary.get("best_checkpoint"),
        summary=summary,
    )


def train_or_reuse(splits, config: TrainConfig, reuse: bool = False) -> TrainResult:
    """``train_model(splits, config)``; with ``reuse``, the model already trained in
    ``config.output_dir`` (when there is one), announced on one line."""
    folder = ModelFolder(config.output_dir)
    if reuse and (folder.path / CONFIG_FILE).is_file() and folder.metrics_path.is_file():  # weights + history
        result = load_train_result(folder)
        print(f"reusing the model already trained in {folder.path} ({result.summary.get('train_samples', '?')} "
              f"reviews, {result.train_runtime_s:.0f} s of training): not training it again", flush=True)
        return result
    return train_model(splits, config)
