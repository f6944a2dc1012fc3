"""A decision threshold picked for a stated recall of the unhappy customers, on validation data.

A shop that wants to answer, say, 80% of its unhappy customers does not care for the
default threshold of 0.5: it needs the rule that flags that share of them, and to know
how many happy customers the rule flags too. The rule here is "NEGATIVE when
P(positive) < threshold"; :func:`threshold_for_recall` picks the lowest threshold that
reaches the stated recall of the negative class on the data it is given (validation
data: choosing it on the test split would make the test score optimistic), and
:func:`apply_threshold` says what the rule does on other reviews.
"""
from __future__ import annotations

import math

import numpy as np

from coursekit.errors import EvaluationError
from coursekit.evaluation.intervals import count_scores
from coursekit.evaluation.metrics import check_inputs


def threshold_for_recall(y_true, y_prob, recall: float = 0.8) -> dict:
    """The lowest threshold ``t`` whose rule "NEGATIVE when P(positive) < t" finds at least
    ``recall`` of the NEGATIVE rows of ``y_true``; with the precision, recall and F1 it gets there.

    Lower thresholds flag fewer reviews (higher precision, lower recall), so the lowest one
    that reaches the recall is the most precise rule that does.
    """
    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    if not 0 < recall <= 1:
        raise EvaluationError(f"the recall to reach must be in (0, 1], got {recall}")
    negatives = np.sort(y_prob[y_true == 0])
    if negatives.size == 0:
        raise EvaluationError("choosing a threshold for the negative class needs NEGATIVE rows")
    needed = math.ceil(recall * negatives.size - 1e-9)  # this many negatives must fall below t
    threshold = float(np.nextafter(negatives[needed - 1], np.inf))
    return {"threshold": threshold, "target_recall": recall, "n": int(y_true.size),
            "n_negative": int(negatives.size), **_negative_scores(y_true, y_prob, threshold)}


def apply_threshold(y_true, y_prob, threshold: float) -> dict:
    """Precision, recall and F1 of the negative class, and accuracy, under "NEGATIVE when P(positive) < threshold"."""
    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    return {"threshold": float(threshold), "n": int(y_true.size), "n_negative": int(np.sum(y_true == 0)),
            **_negative_scores(y_true, y_prob, threshold)}


def _negative_scores(y_true, y_prob, threshold: float) -> dict:
    y_pred = (y_prob >= threshold).astype(int)
    scores = count_scores(y_true, y_pred)
    flagged = int(np.sum(y_pred == 0))
    return {"precision_negative": scores["precision_negative"], "recall_negative": scores["recall_negative"],
            "f1_negative": scores["f1_negative"], "accuracy": scores["accuracy"], "flagged": flagged,
            "flagged_share": flagged / max(1, y_true.size)}


def describe_threshold(chosen: dict, applied: dict, where: str = "the held-out reviews") -> str:
    """What a threshold chosen on validation data does elsewhere, in words."""
    return (f"Chosen on validation data for a recall of {chosen['target_recall']:.0%} of the unhappy customers, the "
            f"rule \"NEGATIVE when P(positive) < {chosen['threshold']:.3f}\" finds {applied['recall_negative']:.1%} of "
            f"the {applied['n_negative']:,} unhappy customers among {where} ({applied['n']:,} reviews), and "
            f"{applied['precision_negative']:.1%} of the {applied['flagged']:,} reviews it flags are unhappy "
            f"(F1 {applied['f1_negative']:.3f}; accuracy {applied['accuracy']:.3f}).")
