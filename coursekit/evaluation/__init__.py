"""Honest evaluation of a fine-tuned sentiment model (Part 3 of the assignment).

>>> from coursekit.evaluation import predict, compute_metrics, slice_metrics
>>> preds = predict("results/model", splits["test"])
>>> compute_metrics(preds.y_true, preds.y_pred, preds.y_prob)["accuracy"]

Modules: ``predict`` (run a model), ``metrics`` (scikit-learn metrics, bootstrap CIs),
``plots`` (PR, ROC, confusion matrix, loss curves, reliability, threshold sweep),
``crossval`` (k-fold fine-tuning vs ``baseline``), ``slices`` (bias and error analysis),
``report`` (metrics.json + HTML).
"""
from coursekit.evaluation.baseline import make_baseline, predict_baseline, train_baseline
from coursekit.evaluation.crossval import (
    FAST,
    FULL,
    CrossValResult,
    CrossValSettings,
    cross_validate_baseline,
    cross_validate_finetune,
    make_folds,
)
from coursekit.evaluation.metrics import (
    bootstrap_ci,
    calibration_table,
    compute_metrics,
    point_metrics,
    threshold_sweep,
)
from coursekit.evaluation.plots import (
    plot_confusion_matrix,
    plot_loss_curves,
    plot_precision_recall,
    plot_reliability,
    plot_roc,
    plot_slice_metrics,
    plot_threshold_sweep,
)
from coursekit.evaluation.predict import Predictions, predict
from coursekit.evaluation.report import Analysis, analyse, write_report
from coursekit.model_folder import load_history  # the model folder's training history, for the loss plot
from coursekit.evaluation.slices import length_buckets, most_confident_mistakes, slice_metrics

__all__ = [
    "Analysis", "CrossValResult", "CrossValSettings", "FAST", "FULL", "Predictions", "analyse",
    "bootstrap_ci", "calibration_table", "compute_metrics", "cross_validate_baseline",
    "cross_validate_finetune", "length_buckets", "load_history", "make_baseline",
    "make_folds", "most_confident_mistakes", "plot_confusion_matrix", "plot_loss_curves",
    "plot_precision_recall", "plot_reliability", "plot_roc", "plot_slice_metrics",
    "plot_threshold_sweep", "point_metrics", "predict", "predict_baseline", "slice_metrics",
    "threshold_sweep", "train_baseline", "write_report",
]
