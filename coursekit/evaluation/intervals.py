"""Bootstrap intervals of the scores that depend only on the confusion matrix, computed fast.

Resampling ``n`` predictions with replacement and counting true/false positives and
negatives draws the four counts from a multinomial distribution with the observed
shares: so one ``numpy`` call draws a thousand resampled confusion matrices, and every
count-based score (accuracy, precision, recall, F1 of either class, macro-F1) follows
from them at once. The result is the percentile bootstrap interval of resampling the
predictions, computed in milliseconds even for tens of thousands of reviews, which makes
intervals cheap enough for every slice of a bias audit.
"""
from __future__ import annotations

import numpy as np
from ..defaults import DEFAULT_SEED


def _ratio(numerator, denominator):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.maximum(denominator, 1), 0.0)


def _scores(tp, fp, fn, tn) -> dict:
    """Every count-based score, for arrays of counts (one entry per resample)."""
    n = tp + fp + fn + tn
    f1_pos = _ratio(2 * tp, 2 * tp + fp + fn)
    f1_neg = _ratio(2 * tn, 2 * tn + fn + fp)
    return {
        "accuracy": _ratio(tp + tn, n),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": f1_pos,
        "precision_negative": _ratio(tn, tn + fn),
        "recall_negative": _ratio(tn, tn + fp),
        "f1_negative": f1_neg,
        "f1_macro": (f1_pos + f1_neg) / 2,
    }


COUNT_METRICS = tuple(_scores(*(np.zeros(1),) * 4))  # the names this module computes


def confusion_counts(y_true, y_pred) -> np.ndarray:
    """``[tp, fp, fn, tn]`` of 0/1 arrays (label 1 = POSITIVE)."""
    y_true, y_pred = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)
    return np.array([np.sum((y_true == 1) & (y_pred == 1)), np.sum((y_true == 0) & (y_pred == 1)),
                     np.sum((y_true == 1) & (y_pred == 0)), np.sum((y_true == 0) & (y_pred == 0))])


def count_scores(y_true, y_pred) -> dict:
    """The point value of every count-based score."""
    tp, fp, fn, tn = confusion_counts(y_true, y_pred)
    values = _scores(*(np.array([c]) for c in (tp, fp, fn, tn)))
    return {name: float(value[0]) for name, value in values.items()}


def bootstrap_counts(y_true, y_pred, metrics=COUNT_METRICS, *, n_resamples: int = 1000, confidence: float = 0.95,
                     seed: int = DEFAULT_SEED) -> dict[str, tuple[float, float]]:
    """``{metric: (low, high)}``: percentile bootstrap intervals of count-based ``metrics``, seeded."""
    counts = confusion_counts(y_true, y_pred)
    n = int(counts.sum())
    if n == 0:
        return {name: (float("nan"), float("nan")) for name in metrics}
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=n_resamples)
    resampled = _scores(*draws.T)
    tail = (1 - confidence) / 2 * 100
    return {name: tuple(float(v) for v in np.percentile(resampled[name], [tail, 100 - tail])) for name in metrics}


def interval_half_width(low: float, high: float) -> float:
    """Half the width of an interval: ``±`` this much around the estimate (for targets like "within ±0.10")."""
    return (high - low) / 2
