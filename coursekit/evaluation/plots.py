"""Evaluation plots. Each function returns a matplotlib Figure (shown inline when it is
a notebook cell's last value, or with ``display(fig)``) and saves a PNG when given
``path``. Figures are not registered with pyplot, so scripts never leak them and any
backend, Agg included, works."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from coursekit.errors import EvaluationError
from coursekit.evaluation.files import save_figure
from coursekit.evaluation.metrics import POSITIVE, check_inputs, threshold_sweep
from coursekit.labels import LABEL_NAMES


def _finish(fig: Figure, path) -> Figure:
    if path is not None:
        save_figure(fig, path)
    return fig


def _operating_point(y_true, y_prob, threshold):
    from sklearn.metrics import confusion_matrix

    tn, fp, fn, tp = confusion_matrix(y_true, (y_prob >= threshold).astype(int), labels=[0, 1]).ravel()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return precision, recall, fpr


def _need_both_classes(y_true, what: str):
    if len(np.unique(y_true)) < 2:
        raise EvaluationError(f"a {what} needs both classes among the gold labels")


def plot_precision_recall(y_true, y_prob, *, threshold: float = 0.5, name: str = "model", target: int = POSITIVE,
                          marks: dict | None = None, path=None) -> Figure:
    """Precision-recall curve of the ``target`` class with average precision in the legend, chance level
    (the class's share) and the operating point of ``threshold`` (POSITIVE when P(positive) >= threshold).

    ``target=0`` draws it for the NEGATIVE class (the unhappy customers), ranked by P(negative).
    ``marks``: more operating points to mark, ``{label: threshold}`` (e.g. one chosen for a recall).
    """
    from sklearn.metrics import PrecisionRecallDisplay

    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    _need_both_classes(y_true, "precision-recall curve")
    hits, scores = (y_true, y_prob) if target == POSITIVE else (1 - y_true, 1 - y_prob)
    fig = Figure(figsize=(6, 5), layout="constrained")
    ax = fig.subplots()
    PrecisionRecallDisplay.from_predictions(hits, scores, pos_label=1, name=name, ax=ax, plot_chance_level=True)
    for (label, t), color in zip({f"threshold {threshold:.2f}": threshold, **(marks or {})}.items(),
                                 ("crimson", "darkorange", "purple")):
        flagged = (y_prob >= t) if target == POSITIVE else (y_prob < t)
        found = int(np.sum(flagged & (hits == 1)))
        precision = found / max(1, int(flagged.sum()))
        recall = found / max(1, int(hits.sum()))
        ax.plot(recall, precision, "o", color=color, markersize=9, label=f"{label}: P={precision:.2f}, R={recall:.2f}")
    who = LABEL_NAMES[target]
    ax.set(xlabel=f"Recall ({who} class)", ylabel=f"Precision ({who} class)", xlim=(-0.01, 1.01), ylim=(0.0, 1.02),
           title="Precision-recall curve" + (": the unhappy customers" if target != POSITIVE else ""))
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    return _finish(fig, path)


def plot_roc(y_true, y_prob, *, threshold: float = 0.5, name: str = "model", path=None) -> Figure:
    """ROC curve with AUC, the chance diagonal and the operating point."""
    from sklearn.metrics import RocCurveDisplay

    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    _need_both_classes(y_true, "ROC curve")
    fig = Figure(figsize=(6, 5), layout="constrained")
    ax = fig.subplots()
    RocCurveDisplay.from_predictions(y_true, y_prob, pos_label=POSITIVE, name=name, ax=ax, plot_chance_level=True)
    _, recall, fpr = _operating_point(y_true, y_prob, threshold)
    ax.plot(fpr, recall, "o", color="crimson", markersize=9, label=f"threshold {threshold:.2f}")
    ax.set(xlabel="False positive rate", ylabel="True positive rate (recall)", title="ROC curve")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return _finish(fig, path)


def plot_confusion_matrix(y_true, y_pred, *, labels=LABEL_NAMES, path=None) -> Figure:
    """Confusion matrix with counts and the share of each true class."""
    from sklearn.metrics import ConfusionMatrixDisplay

    y_true, y_pred, _ = check_inputs(y_true, y_pred)
    fig = Figure(figsize=(5, 4.5), layout="constrained")
    ax = fig.subplots()
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=[0, 1], display_labels=list(labels), ax=ax, cmap="Blues",
        colorbar=False, values_format="d",
    )
    counts = display.confusion_matrix
    totals = counts.sum(axis=1, keepdims=True)
    for (i, j), text in np.ndenumerate(display.text_):
        share = counts[i, j] / totals[i, 0] if totals[i, 0] else 0.0
        text.set_text(f"{counts[i, j]}\n({share:.0%} of true {labels[i]})")
        text.set_fontsize(9)
    ax.set(xlabel="Predicted label", ylabel="True label", title=f"Confusion matrix (n = {len(y_true)})")
    ax.grid(False)  # grid lines would cross the counts (notebooks may turn axes.grid on globally)
    return _finish(fig, path)


def plot_loss_curves(history, *, path=None) -> Figure:
    """Training and validation loss per epoch (the overfitting picture), validation accuracy beside.

    ``history`` is a list of dicts with ``epoch``, ``train_loss``, ``eval_loss`` and
    optionally ``eval_accuracy`` (``TrainResult.history``).
    """
    rows = [r for r in (history or []) if r.get("epoch") is not None]
    if not rows:
        raise EvaluationError("the training history is empty: there are no epochs to plot")
    epochs = [float(r["epoch"]) for r in rows]
    fig = Figure(figsize=(7, 5), layout="constrained")
    ax = fig.subplots()
    plotted = False
    for key, label, style in (("train_loss", "training loss", "o-"), ("eval_loss", "validation loss", "s-")):
        points = [(e, r[key]) for e, r in zip(epochs, rows) if r.get(key) is not None]
        if points:
            ax.plot(*zip(*points), style, label=label)
            plotted = True
    if not plotted:
        raise EvaluationError("the training history has neither train_loss nor eval_loss")
    evals = [(e, r["eval_loss"]) for e, r in zip(epochs, rows) if r.get("eval_loss") is not None]
    if evals:
        best_epoch, best_loss = min(evals, key=lambda p: p[1])
        ax.axvline(best_epoch, color="grey", linestyle=":", label=f"lowest validation loss (epoch {best_epoch:g})")
        if evals[-1][1] > best_loss:
            ax.annotate("validation loss rising: overfitting?", xy=evals[-1], xytext=(0, 12),
                        textcoords="offset points", ha="right", color="crimson")
    accuracies = [(e, r["eval_accuracy"]) for e, r in zip(epochs, rows) if r.get("eval_accuracy") is not None]
    if accuracies:
        twin = ax.twinx()
        twin.plot(*zip(*accuracies), "^--", color="tab:green", label="validation accuracy")
        twin.set_ylabel("Validation accuracy")
        twin.set_ylim(0, 1.02)
        twin.grid(False)  # its ticks differ from the loss axis: a second grid would not line up
        more, more_names = twin.get_legend_handles_labels()
    else:
        more, more_names = [], []
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles + more, names + more_names, loc="outside lower center", ncols=2)
    ax.set(xlabel="Epoch", ylabel="Cross-entropy loss", title="Training vs validation loss per epoch")
    if len(epochs) <= 12:
        ax.set_xticks(epochs)
    ax.grid(alpha=0.3)
    return _finish(fig, path)


def plot_reliability(y_true, y_prob, *, n_bins: int = 10, name: str = "model", path=None) -> Figure:
    """Reliability diagram (calibration) with the Brier score, and how often each confidence occurs."""
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import brier_score_loss

    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    fig = Figure(figsize=(6, 6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    CalibrationDisplay.from_predictions(y_true, y_prob, n_bins=n_bins, pos_label=POSITIVE, name=name, ax=top)
    brier = brier_score_loss(y_true, y_prob, pos_label=POSITIVE)
    top.set(xlabel="", ylabel="Fraction of positives", title=f"Reliability diagram (Brier score {brier:.3f})")
    top.legend(loc="upper left")
    top.grid(alpha=0.3)
    bottom.hist(y_prob, bins=n_bins, range=(0, 1), color="tab:blue", alpha=0.7)
    bottom.set(xlabel="Predicted P(positive)", ylabel="Reviews")
    return _finish(fig, path)


def plot_threshold_sweep(y_true, y_prob, *, threshold: float = 0.5, path=None) -> Figure:
    """Precision, recall and F1 against the decision threshold; the best-F1 threshold marked."""
    y_true, _, y_prob = check_inputs(y_true, None, y_prob)
    _need_both_classes(y_true, "threshold sweep")
    sweep = threshold_sweep(y_true, y_prob)
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for key in ("precision", "recall", "f1"):
        ax.plot(sweep["thresholds"], sweep[key], label=key if key != "f1" else "F1", drawstyle="steps-post")
    ax.axvline(sweep["best_threshold"], color="crimson", linestyle="--",
               label=f"best F1 {sweep['best_f1']:.3f} at t = {sweep['best_threshold']:.2f}")
    ax.axvline(threshold, color="grey", linestyle=":", label=f"current threshold {threshold:.2f}")
    ax.set(xlabel="Decision threshold t (POSITIVE when P(positive) >= t)", ylabel="Score",
           xlim=(0, 1), ylim=(0, 1.02), title="Threshold sweep: precision, recall and F1")
    ax.legend(loc="lower left")
    ax.grid(alpha=0.3)
    return _finish(fig, path)


def plot_slice_metrics(table, *, metric: str = "accuracy", path=None) -> Figure:
    """Horizontal bars of ``metric`` per slice (from :func:`slice_metrics`), overall as a line."""
    if metric not in table.columns:
        raise EvaluationError(f"the slice table has no column {metric!r}")
    overall = table[table["column"] == "overall"]
    slices = table[table["column"] != "overall"]
    if slices.empty:
        raise EvaluationError("the slice table has no slices to plot")
    fig = Figure(figsize=(7, 0.45 * len(slices) + 1.6), layout="constrained")
    ax = fig.subplots()
    names = [f"{c} = {v} (n={n})" for c, v, n in zip(slices["column"], slices["value"], slices["n"])]
    colors = ["tab:orange" if small else "tab:blue" for small in slices["small"]]
    bars = ax.barh(names, slices[metric], color=colors)
    ax.bar_label(bars, fmt="%.3f", padding=3, fontsize=8)
    ax.invert_yaxis()
    if not overall.empty:
        ax.axvline(float(overall[metric].iloc[0]), color="crimson", linestyle="--",
                   label=f"overall {float(overall[metric].iloc[0]):.3f}")
        fig.legend(loc="outside lower center")
    ax.set(xlabel=metric.replace("_", " "), ylabel="Slice", xlim=(0, 1.1), title=f"{metric.replace('_', ' ').capitalize()} per slice"
           + (" (orange: too few rows to judge)" if any(slices["small"]) else ""))
    ax.grid(alpha=0.3, axis="x")
    return _finish(fig, path)


def plot_cross_validation_table(model, baseline, *, title: str | None = None, metric: str = "f1_macro",
                                path=None) -> Figure:
    """The cross-validation comparison as a picture: mean ± std per metric, folds ahead on ``metric``,
    and the sentence that interprets it. ``model``/``baseline``: CrossValResults or their ``to_dict()``."""
    import textwrap

    from coursekit.evaluation.interpret import describe_cross_validation, fold_values

    metrics = [("f1_macro", "macro-F1"), ("f1_negative", "F1 (negative)"), ("accuracy", "Accuracy")]
    lead = fold_values(model, metric) - fold_values(baseline, metric)
    rows, names = [], []
    for label, result in (("fine-tuned", model), ("TF-IDF + logistic regression", baseline)):
        cells = []
        for key, _ in metrics:
            values = fold_values(result, key)
            cells.append(f"{values.mean():.3f} ± {values.std(ddof=1):.3f}")
        names.append(label)
        rows.append(cells)
    rows[0].append(f"{int((lead > 0).sum())} of {len(lead)}")
    rows[1].append(f"{int((lead < 0).sum())} of {len(lead)}")
    sentence = textwrap.wrap(describe_cross_validation(model, baseline, metric), 150)
    height = 2.2 + 0.17 * len(sentence)
    fig = Figure(figsize=(9.5, height))
    ax = fig.add_axes((0.0, (0.25 + 0.17 * len(sentence)) / height, 1.0, 1.35 / height))
    ax.axis("off")
    table = ax.table(cellText=[[name, *row] for name, row in zip(names, rows)],
                     colLabels=["", *(m for _, m in metrics), "folds ahead"], colWidths=[0.28] + [0.17] * 4,
                     cellLoc="center", bbox=(0.02, 0.0, 0.96, 1.0))
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    best = 0 if lead.mean() >= 0 else 1
    for column in range(len(metrics) + 2):
        table[best + 1, column].set_facecolor("#e3f1e3")
    fig.suptitle(title or f"{len(lead)}-fold cross-validation, mean ± standard deviation over folds",
                 fontsize=11, y=1 - 0.12 / height, va="top")
    fig.text(0.02, 0.12 / height, "\n".join(sentence), fontsize=8.5, va="bottom", ha="left")
    return _finish(fig, path)
