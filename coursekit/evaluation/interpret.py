"""Tables and sentences that say what an evaluation shows, computed from the numbers,
so a lesson's text never states a figure it did not measure."""
from __future__ import annotations

import numpy as np

from coursekit.evaluation.metrics import check_inputs

TABLE_METRICS = ("accuracy", "f1_macro", "precision_negative", "recall_negative", "f1_negative", "precision",
                 "recall", "f1", "roc_auc", "average_precision", "average_precision_negative", "brier")


def describe_scores(metrics: dict) -> str:
    """``accuracy 0.940, macro-F1 0.853, negative class (unhappy customers): precision 0.80, ...`` in one line.

    Accuracy first, then what it hides on data where one class is rare: macro-F1 and the
    negative class's precision, recall and F1 (the positive class's F1 last). Keys missing
    from ``metrics`` are left out.
    """
    def part(name, key):
        return f"{name} {metrics[key]:.3f}" if metrics.get(key) is not None else None

    head = [p for p in (part("accuracy", "accuracy"), part("macro-F1", "f1_macro")) if p]
    negative = [p for p in (part("precision", "precision_negative"), part("recall", "recall_negative"),
                            part("F1", "f1_negative")) if p]
    text = ", ".join(head)
    if negative:
        text += "; negative class (unhappy customers): " + ", ".join(negative)
    if metrics.get("f1") is not None:
        text += f"; positive class F1 {metrics['f1']:.3f}"
    return text


def metrics_table(metrics: dict, names=TABLE_METRICS):
    """One row per metric: its value and, where bootstrapped, the interval's bounds."""
    import pandas as pd

    intervals = metrics.get("ci", {})
    level = f"{intervals.get('confidence', 0.95):.0%}"
    rows = {}
    for name in names:
        if metrics.get(name) is None:
            continue
        bounds = intervals.get(name) or {}
        rows[name] = {"value": metrics[name], f"{level} low": bounds.get("low", np.nan),
                      f"{level} high": bounds.get("high", np.nan)}
    return pd.DataFrame(rows).T


def describe_interval(metrics: dict, name: str = "accuracy") -> str:
    """``accuracy 0.870, 95% interval 0.800 to 0.930 on 100 reviews: ...``"""
    interval = metrics.get("ci", {}).get(name)
    value = metrics[name]
    if not interval:
        return f"{name} {value:.3f} (no interval computed)"
    width = interval["high"] - interval["low"]
    return (f"{name} {value:.3f}, {metrics['ci']['confidence']:.0%} interval {interval['low']:.3f} to "
            f"{interval['high']:.3f} on {metrics['n']} reviews: another test split of this size could plausibly "
            f"score anywhere in that range, {width * 100:.0f} points wide.")


def calibration_summary(y_true, y_prob) -> dict:
    """Mean confidence (probability of the predicted class) against accuracy, and the verdict."""
    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    predicted = (y_prob >= 0.5).astype(int)
    confidence = float(np.mean(np.maximum(y_prob, 1 - y_prob)))
    accuracy = float(np.mean(predicted == y_true))
    gap = confidence - accuracy
    verdict = "over-confident" if gap > 0.03 else "under-confident" if gap < -0.03 else "well calibrated"
    return {"mean_confidence": confidence, "accuracy": accuracy, "gap": gap, "verdict": verdict}


def describe_calibration(y_true, y_prob) -> str:
    """A sentence reading the reliability diagram: over-, under- or well calibrated."""
    s = calibration_summary(y_true, y_prob)
    text = (f"On average the model gives its predicted label a probability of {s['mean_confidence']:.2f}, "
            f"and it is right {s['accuracy']:.2f} of the time: it is {s['verdict']}")
    if s["verdict"] == "under-confident":
        return text + (" (the curve is steeper than the diagonal: above it right of 0.5, below it left of 0.5): it is right more often than it claims, common after a "
                       "short fine-tuning with weight decay; its probabilities are still useful for ranking.")
    if s["verdict"] == "over-confident":
        return text + (" (the curve is flatter than the diagonal): it claims more certainty than it earns; do not read "
                       "its probabilities as chances without calibrating them on validation data.")
    return text + " (the curve follows the diagonal): its probabilities can be read as chances."


def fold_values(result, metric: str) -> np.ndarray:
    """``metric`` of every fold of a CrossValResult (or of its ``to_dict()``)."""
    folds = result["folds"] if isinstance(result, dict) else result.fold_metrics
    return np.array([m[metric] for m in folds], dtype=float)


NAMES = {"f1_macro": "macro-F1", "f1_negative": "negative-class F1", "f1": "positive-class F1",
         "accuracy": "accuracy", "roc_auc": "ROC AUC", "recall_negative": "negative-class recall",
         "precision_negative": "negative-class precision"}


def cross_validation_table(model, baseline, metrics=("f1_macro", "f1_negative", "accuracy")):
    """Mean ± standard deviation over folds of each metric, one row per model (two CrossValResults)."""
    import pandas as pd

    rows = {}
    for label, result in (("fine-tuned", model), ("TF-IDF baseline", baseline)):
        rows[label] = {}
        for m in metrics:
            values = fold_values(result, m)
            rows[label].update({f"{m} mean": values.mean(), f"{m} std": values.std(ddof=1)})
    return pd.DataFrame(rows).T


def fold_table(model, baseline, metric: str = "f1_macro"):
    """One row per fold: each model's ``metric``, the fine-tuned model's lead, and its validation
    loss after the first epoch, at its lowest and after the last epoch (a fold that did not train
    shows no fall; one whose last is above its lowest overfitted after its best epoch)."""
    import pandas as pd

    ours, theirs = fold_values(model, metric), fold_values(baseline, metric)
    frame = pd.DataFrame({"fold": range(1, len(ours) + 1), f"fine-tuned {metric}": ours,
                          f"TF-IDF {metric}": theirs, "lead": ours - theirs}).set_index("fold")
    folds = model["folds"] if isinstance(model, dict) else model.fold_metrics
    histories = [m.get("history") or [] for m in folds]
    if all(histories):  # did each fold's training converge? its validation loss says
        frame["first validation loss"] = [h[0].get("eval_loss") for h in histories]
        frame["lowest validation loss"] = [min(r.get("eval_loss", float("inf")) for r in h) for h in histories]
        frame["last validation loss"] = [h[-1].get("eval_loss") for h in histories]
    return frame


def describe_cross_validation(model, baseline, metric: str = "f1_macro") -> str:
    """What the cross-validation table shows, whichever way it came out."""
    ours, theirs = fold_values(model, metric), fold_values(baseline, metric)
    name = NAMES.get(metric, metric)
    lead = ours - theirs
    wins, k = int(np.sum(lead > 0)), len(lead)
    mean_lead = float(lead.mean())
    spread = float(lead.std(ddof=1)) if k > 1 else 0.0
    head = (f"Over {k} folds the fine-tuned model's mean {name} is {ours.mean():.3f} ± {ours.std(ddof=1):.3f} "
            f"against {theirs.mean():.3f} ± {theirs.std(ddof=1):.3f} for TF-IDF + logistic regression, "
            f"on the very same training and test rows; it is ahead on {wins} of {k} folds")
    if mean_lead > 0 and wins == k:
        return head + (f", by {mean_lead * 100:.1f} points on average. That lead is what fine-tuning a "
                       "pre-trained model buys on this data, beyond what word counts alone capture.")
    if mean_lead > 0:
        return head + (f". Its average lead of {mean_lead * 100:.1f} points is about the size of the fold-to-fold "
                       f"spread ({spread * 100:.1f} points), so this data does not show a clear advantage: more "
                       "folds, more data or longer fine-tuning would tell.")
    return head + (f". The baseline is ahead by {-mean_lead * 100:.1f} points on average: on this data fine-tuning "
                   "buys nothing yet. Check that each fold trained long enough (its validation loss must fall) "
                   "before concluding that word counts suffice.")
