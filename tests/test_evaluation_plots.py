"""Each evaluation plot: a titled, labelled Figure, and a non-empty PNG when given a path."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from coursekit.errors import EvaluationError
from coursekit.evaluation import plots
from coursekit.evaluation.predict import Predictions
from coursekit.evaluation.slices import slice_metrics

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def scores():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200)
    y_prob = np.clip(0.5 + (y_true - 0.5) * rng.normal(0.4, 0.5, 200), 0, 1)
    return y_true, (y_prob >= 0.5).astype(int), y_prob


HISTORY = [
    {"epoch": 1.0, "train_loss": 0.62, "eval_loss": 0.48, "eval_accuracy": 0.78},
    {"epoch": 2.0, "train_loss": 0.31, "eval_loss": 0.41, "eval_accuracy": 0.84},
    {"epoch": 3.0, "train_loss": 0.12, "eval_loss": 0.47, "eval_accuracy": 0.83},
]


def _calls(y_true, y_pred, y_prob):
    frame = slice_metrics(Predictions.from_probabilities(
        [f"review number {i} " + "word " * (i % 30) for i in range(len(y_true))], y_prob, y_true,
        {"domain": ["a" if i % 2 else "b" for i in range(len(y_true))]}))
    return {
        "precision_recall": (plots.plot_precision_recall, (y_true, y_prob), "Recall", "Precision"),
        "roc": (plots.plot_roc, (y_true, y_prob), "False positive rate", "True positive rate"),
        "confusion_matrix": (plots.plot_confusion_matrix, (y_true, y_pred), "Predicted label", "True label"),
        "loss_curves": (plots.plot_loss_curves, (HISTORY,), "Epoch", "loss"),
        "reliability": (plots.plot_reliability, (y_true, y_prob), "Predicted P(positive)", "Fraction of positives"),
        "threshold_sweep": (plots.plot_threshold_sweep, (y_true, y_prob), "threshold", "Score"),
        "slices": (plots.plot_slice_metrics, (frame,), "accuracy", "Slice"),
    }


@pytest.mark.parametrize("name", ["precision_recall", "roc", "confusion_matrix", "loss_curves", "reliability",
                                  "threshold_sweep", "slices"])
def test_plot_is_titled_labelled_and_saved(name, scores, tmp_path):
    function, args, xlabel, ylabel = _calls(*scores)[name]
    path = tmp_path / f"{name}.png"
    fig = function(*args, path=path)
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert axes[0].get_title(), "every plot has a title"
    assert any(xlabel.lower() in ax.get_xlabel().lower() for ax in axes)
    assert any(ylabel.lower() in ax.get_ylabel().lower() for ax in axes)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_precision_recall_shows_average_precision_and_operating_point(scores):
    y_true, _, y_prob = scores
    from sklearn.metrics import average_precision_score, precision_score, recall_score

    fig = plots.plot_precision_recall(y_true, y_prob, threshold=0.5)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(f"AP = {average_precision_score(y_true, y_prob):.2f}" in t for t in legend)
    predicted = (y_prob >= 0.5).astype(int)
    marker = f"P={precision_score(y_true, predicted):.2f}, R={recall_score(y_true, predicted):.2f}"
    assert any(marker in t for t in legend)


def test_threshold_sweep_marks_best_f1(scores):
    from coursekit.evaluation.metrics import threshold_sweep

    y_true, _, y_prob = scores
    best = threshold_sweep(y_true, y_prob)
    legend = [t.get_text() for t in plots.plot_threshold_sweep(y_true, y_prob).axes[0].get_legend().get_texts()]
    assert any(f"best F1 {best['best_f1']:.3f} at t = {best['best_threshold']:.2f}" in t for t in legend)


def test_loss_curve_flags_rising_validation_loss():
    fig = plots.plot_loss_curves(HISTORY)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("overfitting" in t for t in texts)
    fig = plots.plot_loss_curves(HISTORY[:2])
    assert not any("overfitting" in t.get_text() for t in fig.axes[0].texts)


def test_plots_refuse_what_they_cannot_draw():
    with pytest.raises(EvaluationError, match="both classes"):
        plots.plot_precision_recall([1, 1, 1], [0.2, 0.6, 0.9])
    with pytest.raises(EvaluationError, match="history is empty"):
        plots.plot_loss_curves([])
    with pytest.raises(EvaluationError, match="neither"):
        plots.plot_loss_curves([{"epoch": 1, "eval_accuracy": 0.8}])


def _grid_drawn(ax) -> bool:
    return any(line.get_visible() for axis in (ax.xaxis, ax.yaxis) for line in axis.get_gridlines())


def test_no_grid_on_the_heat_map_or_the_twin_axis_even_with_a_global_grid(scores):
    import matplotlib

    y_true, y_pred, _ = scores
    with matplotlib.rc_context({"axes.grid": True}):
        confusion = plots.plot_confusion_matrix(y_true, y_pred)
        loss, twin = plots.plot_loss_curves(HISTORY).axes
    assert not _grid_drawn(confusion.axes[0]), "grid lines would cross the counts"
    assert _grid_drawn(loss) and not _grid_drawn(twin), "one grid, on the loss axis only"
