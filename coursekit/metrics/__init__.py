"""Classification metrics as ``evaluate`` modules that work offline.

``evaluate.load("accuracy")`` downloads its script from the Hub; these modules are the
project's own and load by path. :func:`classification_metrics` combines them into the
``compute_metrics`` function the Trainer calls after every evaluation.
"""
from __future__ import annotations

from pathlib import Path

METRIC_NAMES = ("accuracy", "precision", "recall", "f1")  # one module file each


def metric_path(name: str) -> str:
    """Path of the metric module ``name`` (one of :data:`METRIC_NAMES`)."""
    if name not in METRIC_NAMES:
        raise ValueError(f"unknown metric {name!r}; choose from {METRIC_NAMES}")
    return str(Path(__file__).with_name(f"{name}.py"))


def load_metrics(names=METRIC_NAMES):
    """An ``evaluate.CombinedEvaluations`` of the named metrics, loaded by path."""
    import evaluate

    return evaluate.combine([evaluate.load(metric_path(n)) for n in names])


def classification_metrics(names=METRIC_NAMES):
    """A ``compute_metrics(eval_pred)`` for ``transformers.Trainer``."""
    import numpy as np

    combined = load_metrics(names)

    def compute_metrics(eval_pred):
        logits, labels = eval_pred
        predictions = np.argmax(logits, axis=-1)
        return combined.compute(predictions=predictions.tolist(), references=np.asarray(labels).tolist())

    return compute_metrics
