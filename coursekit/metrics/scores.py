"""The one implementation of the four headline scores (scikit-learn does the maths).

The ``evaluate`` modules beside this file (what the Trainer's ``compute_metrics`` loads,
as the assignment does with ``evaluate.load``) and :mod:`coursekit.evaluation.metrics`
(the evaluation lessons) both call these functions, so the numbers cannot drift apart.
"""
from __future__ import annotations

from sklearn import metrics as skm

POSITIVE = 1


def accuracy(references, predictions, sample_weight=None) -> float:
    """Share of predictions equal to the reference label."""
    return float(skm.accuracy_score(references, predictions, sample_weight=sample_weight))


def precision(references, predictions, average="binary", pos_label=POSITIVE, zero_division=0) -> float:
    """Of the texts predicted POSITIVE, the share that are."""
    return float(skm.precision_score(references, predictions, average=average, pos_label=pos_label,
                                     zero_division=zero_division, labels=[0, 1] if average != "binary" else None))


def recall(references, predictions, average="binary", pos_label=POSITIVE, zero_division=0) -> float:
    """Of the POSITIVE texts, the share predicted POSITIVE."""
    return float(skm.recall_score(references, predictions, average=average, pos_label=pos_label,
                                  zero_division=zero_division, labels=[0, 1] if average != "binary" else None))


def f1(references, predictions, average="binary", pos_label=POSITIVE, zero_division=0) -> float:
    """Harmonic mean of precision and recall."""
    return float(skm.f1_score(references, predictions, average=average, pos_label=pos_label,
                              zero_division=zero_division, labels=[0, 1] if average != "binary" else None))


SCORES = {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}
