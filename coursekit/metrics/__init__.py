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


# What every evaluation reports beside the four headline scores: on data that is 88% positive,
# accuracy and the positive class's F1 flatter a model; macro-F1 and the negative (unhappy) class's
# precision, recall and F1 show what it misses. Each comes from the same modules, other arguments.
EXTRA_SCORES = {
    "f1_macro": ("f1", {"average": "macro"}),
    "precision_negative": ("precision", {"pos_label": 0}),
    "recall_negative": ("recall", {"pos_label": 0}),
    "f1_negative": ("f1", {"pos_label": 0}),
}


def classification_metrics(names=METRIC_NAMES, extra=EXTRA_SCORES):
    """A ``compute_metrics(eval_pred)`` for ``transformers.Trainer``: the ``names`` metrics combined,
    plus :data:`EXTRA_SCORES` (macro-F1, the negative class's precision, recall and F1)."""
    import evaluate
    import numpy as np

    combined = load_metrics(names)
    modules = {name: evaluate.load(metric_path(name)) for name in {module for module, _ in extra.values()}}

    def compute_metrics(eval_pred):
        logits, labels = eval_pred
        predictions = np.argmax(logits, axis=-1).tolist()
        references = np.asarray(labels).tolist()
        scores = combined.compute(predictions=predictions, references=references)
        for key, (module, kwargs) in extra.items():
            value = modules[module].compute(predictions=predictions, references=references, **kwargs)
            scores[key] = value[module]
        return scores

    return compute_metrics
