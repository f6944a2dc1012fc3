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
NEGATIVE = 0


def precision_negative(references, predictions) -> float:
    """Of the texts predicted NEGATIVE, the share that are (the unhappy customers the model flags)."""
    return precision(references, predictions, pos_label=NEGATIVE)


def recall_negative(references, predictions) -> float:
    """Of the NEGATIVE texts, the share predicted NEGATIVE (the unhappy customers the model finds)."""
    return recall(references, predictions, pos_label=NEGATIVE)


def f1_negative(references, predictions) -> float:
    """F1 of the NEGATIVE class: on data that is mostly positive, the figure that shows what a model misses."""
    return f1(references, predictions, pos_label=NEGATIVE)


def f1_macro(references, predictions) -> float:
    """The mean of both classes' F1: each class counts the same, however rare."""
    return f1(references, predictions, average="macro")


# Beside SCORES in every evaluation (evaluation.metrics.point_metrics).
NEGATIVE_SCORES = {"precision_negative": precision_negative, "recall_negative": recall_negative,
                   "f1_negative": f1_negative}
