"""Metrics for the binary sentiment task (label 1 = POSITIVE), computed by scikit-learn.

:func:`compute_metrics` is the one call students need: accuracy, precision, recall, F1
(of the positive class, of the negative class, and macro), ROC AUC, average precision
(of either class), Brier score, the confusion matrix and seeded bootstrap confidence
intervals for accuracy, macro-F1 and both classes' F1. On data where one class is rare
(the shop's unhappy customers are 12%), accuracy alone flatters a model: the negative
class's scores show what it misses.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
from sklearn import metrics as skm

from coursekit.defaults import DEFAULT_SEED
from coursekit.errors import EvaluationError
from coursekit.metrics import scores

POSITIVE = 1


def check_inputs(y_true, y_pred=None, y_prob=None):
    """Validate and convert to numpy: 0/1 labels, equal lengths, probabilities in [0, 1]."""
    y_true = _labels(y_true, "y_true")
    if y_pred is not None:
        y_pred = _labels(y_pred, "y_pred")
        if len(y_pred) != len(y_true):
            raise EvaluationError(f"y_pred has {len(y_pred)} values but y_true has {len(y_true)}")
    if y_prob is not None:
        y_prob = np.asarray(y_prob, dtype=float).ravel()
        if len(y_prob) != len(y_true):
            raise EvaluationError(f"y_prob has {len(y_prob)} values but y_true has {len(y_true)}")
        bad = np.flatnonzero(~np.isfinite(y_prob) | (y_prob < 0) | (y_prob > 1))
        if bad.size:
            raise EvaluationError(
                f"y_prob must hold probabilities in [0, 1]; row {int(bad[0])} is {y_prob[bad[0]]!r}"
            )
    return y_true, y_pred, y_prob


def _labels(values, name: str) -> np.ndarray:
    array = np.asarray(values).ravel()
    if array.size == 0:
        raise EvaluationError(f"{name} is empty: nothing to evaluate")
    if array.dtype.kind not in "biu":
        raise EvaluationError(f"{name} must hold integer labels 0/1, got dtype {array.dtype}")
    bad = np.flatnonzero((array != 0) & (array != 1))
    if bad.size:
        raise EvaluationError(f"{name} must hold labels 0/1; row {int(bad[0])} is {array[bad[0]]!r}")
    return array.astype(int)


def point_metrics(y_true, y_pred, y_prob=None) -> dict:
    """Point estimates; ROC AUC, average precision and Brier need ``y_prob`` = P(positive).

    ROC AUC and average precision are ``None`` when ``y_true`` holds one class only
    (they are undefined there).
    """
    y_true, y_pred, y_prob = check_inputs(y_true, y_pred, y_prob)
    labels = [0, 1]
    result = {
        "n": int(len(y_true)),
        "n_positive": int(y_true.sum()),
        **{name: score(y_true, y_pred) for name, score in scores.SCORES.items()},
        **{name: score(y_true, y_pred) for name, score in scores.NEGATIVE_SCORES.items()},
        **{f"{name}_macro": scores.SCORES[name](y_true, y_pred, average="macro")
           for name in ("precision", "recall", "f1")},
        "confusion_matrix": skm.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    if y_prob is not None:
        both_classes = len(np.unique(y_true)) == 2
        result["roc_auc"] = float(skm.roc_auc_score(y_true, y_prob)) if both_classes else None
        result["average_precision"] = (
            float(skm.average_precision_score(y_true, y_prob, pos_label=POSITIVE)) if both_classes else None
        )
        result["average_precision_negative"] = (  # the unhappy customers ranked by P(negative)
            float(skm.average_precision_score(1 - y_true, 1 - y_prob)) if both_classes else None
        )
        result["brier"] = float(skm.brier_score_loss(y_true, y_prob, pos_label=POSITIVE))
    return result


METRIC_FUNCTIONS: dict[str, Callable] = {
    "accuracy": scores.accuracy,
    "f1": scores.f1,
    "f1_macro": scores.f1_macro,
    **scores.NEGATIVE_SCORES,
}
CI_METRICS = ("accuracy", "f1_macro", "f1_negative", "f1")


def bootstrap_ci(
    y_true,
    y_pred,
    metric: str | Callable = "accuracy",
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``metric`` over resampled examples (seeded).

    ``metric`` is a name in :data:`METRIC_FUNCTIONS` or a ``f(y_true, y_pred)`` callable.
    Named scores are resampled through the confusion matrix (:mod:`.intervals`: fast, exact
    for them); a callable by :func:`scipy.stats.bootstrap` with paired data.
    """
    from scipy.stats import bootstrap

    from coursekit.evaluation.intervals import COUNT_METRICS, bootstrap_counts

    y_true, y_pred, _ = check_inputs(y_true, y_pred)
    if not 0 < confidence < 1:
        raise EvaluationError(f"confidence must be between 0 and 1, got {confidence}")
    if n_resamples < 2:
        raise EvaluationError(f"n_resamples must be at least 2, got {n_resamples}")
    if isinstance(metric, str) and metric in COUNT_METRICS and len(y_true) >= 2:
        return bootstrap_counts(y_true, y_pred, (metric,), n_resamples=n_resamples, confidence=confidence,
                                seed=seed)[metric]
    function = METRIC_FUNCTIONS[metric] if isinstance(metric, str) else metric
    if len(y_true) < 2:
        value = float(function(y_true, y_pred))
        return value, value
    result = bootstrap(
        (y_true, y_pred),
        lambda t, p: function(t, p),
        paired=True,
        vectorized=False,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return float(low), float(high)


def compute_metrics(
    y_true,
    y_pred,
    y_prob=None,
    *,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
    ci_metrics: Sequence[str] = CI_METRICS,
) -> dict:
    """All point metrics plus bootstrap intervals (``n_bootstrap=0`` skips the intervals).

    The result is plain JSON-ready Python: ``result["ci"]["accuracy"] == {"low": .., "high": ..}``.
    """
    result = point_metrics(y_true, y_pred, y_prob)
    if n_bootstrap:
        result["ci"] = {"confidence": confidence, "n_resamples": int(n_bootstrap), "seed": seed}
        for name in ci_metrics:
            low, high = bootstrap_ci(
                y_true, y_pred, name, n_resamples=n_bootstrap, confidence=confidence, seed=seed
            )
            result["ci"][name] = {"low": low, "high": high}
    return result


def threshold_sweep(y_true, y_prob) -> dict:
    """Precision, recall and F1 of the rule ``P(positive) >= t`` for every distinct ``t``.

    Returns arrays ``thresholds``, ``precision``, ``recall``, ``f1`` (from
    :func:`sklearn.metrics.precision_recall_curve`) and the best-F1 threshold.
    """
    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    precision, recall, thresholds = skm.precision_recall_curve(y_true, y_prob, pos_label=POSITIVE)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1))
    return {
        "thresholds": thresholds,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "best_threshold": float(thresholds[best]),
        "best_f1": float(f1[best]),
    }


def calibration_table(y_true, y_prob, n_bins: int = 10) -> dict:
    """Reliability data from :func:`sklearn.calibration.calibration_curve` (uniform bins)."""
    from sklearn.calibration import calibration_curve

    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    fraction_positive, mean_predicted = calibration_curve(y_true, y_prob, n_bins=n_bins, strategy="uniform")
    counts, _ = np.histogram(y_prob, bins=n_bins, range=(0.0, 1.0))
    return {
        "mean_predicted": mean_predicted.tolist(),
        "fraction_positive": fraction_positive.tolist(),
        "bin_counts": counts.tolist(),
        "brier": float(skm.brier_score_loss(y_true, y_prob, pos_label=POSITIVE)),
    }


def format_ci(metrics: dict, name: str) -> str:
    """``"0.912 [0.890, 0.931]"`` for a metric with an interval, else the value alone."""
    value = metrics.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    interval = metrics.get("ci", {}).get(name)
    if interval:
        return f"{value:.3f} [{interval['low']:.3f}, {interval['high']:.3f}]"
    return f"{value:.3f}"
