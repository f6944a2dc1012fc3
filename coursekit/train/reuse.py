"""Show a model an earlier run trained instead of training it again.

``coursekit render`` executes the lessons to make their web pages; when a trained lesson
model already exists (``--model``, ``results/notebook-model`` or ``results/demo``) it puts
a copy in the lessons' results folder and sets ``COURSEKIT_REUSE_MODEL=1``, and the Part 2
notebook calls :func:`train_or_reuse`, which loads that model with its saved history and
test scores rather than spending minutes on the same fine-tuning.
"""
from __future__ import annotations

import json
from pathlib import Path

from .config import TrainConfig
from .trainer import METRICS_FILE, TrainResult, train_model

REUSE_ENV = "COURSEKIT_REUSE_MODEL"


def load_train_result(model_dir: str | Path) -> TrainResult:
    """The :class:`TrainResult` of the run that saved ``model_dir`` (model, tokenizer,
    history and scores read back from the folder and its ``metrics.json``)."""
    from ..evaluation.predict import load_trained_model

    folder = Path(model_dir)
    summary = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
    model, tokenizer = load_trained_model(folder)
    return TrainResult(
        output_dir=folder,
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
    folder = Path(config.output_dir)
    if reuse and (folder / "config.json").is_file() and (folder / METRICS_FILE).is_file():
        result = load_train_result(folder)
        print(f"reusing the model already trained in {folder} ({result.summary.get('train_samples', '?')} "
              f"reviews, {result.train_runtime_s:.0f} s of training): not training it again", flush=True)
        return result
    return train_model(splits, config)
