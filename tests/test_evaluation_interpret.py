"""The sentences and tables that say what an evaluation shows: computed, whichever way it came out."""
from __future__ import annotations

import numpy as np
import pytest

from coursekit.evaluation.interpret import (
    calibration_summary,
    cross_validation_table,
    describe_calibration,
    describe_cross_validation,
    describe_interval,
    fold_table,
    metrics_table,
)
from coursekit.evaluation.metrics import compute_metrics


def cv(name, accuracies, losses=None):
    folds = []
    for i, accuracy in enumerate(accuracies):
        fold = {"fold": i, "accuracy": accuracy, "f1": accuracy - 0.01, "roc_auc": min(1.0, accuracy + 0.05),
                "f1_macro": accuracy - 0.1, "f1_negative": accuracy - 0.2}
        if losses:
            fold["history"] = [{"eval_loss": losses[0]}, {"eval_loss": losses[1]}]
        folds.append(fold)
    return {"name": name, "k": len(folds), "folds": folds}


def test_cross_validation_sentence_follows_the_numbers():
    ahead = describe_cross_validation(cv("ft", [0.90, 0.88, 0.92]), cv("tfidf", [0.80, 0.79, 0.83]), "accuracy")
    assert "mean accuracy is 0.900 ± 0.020 against 0.807 ± 0.021" in ahead
    assert "ahead on 3 of 3 folds, by 9.3 points on average" in ahead and "what fine-tuning" in ahead
    by_default = describe_cross_validation(cv("ft", [0.90, 0.88, 0.92]), cv("tfidf", [0.80, 0.79, 0.83]))
    assert "mean macro-F1 is 0.800 ± 0.020 against 0.707 ± 0.021" in by_default  # macro-F1 unless told
    mixed = describe_cross_validation(cv("ft", [0.85, 0.80, 0.84]), cv("tfidf", [0.82, 0.83, 0.80]))
    assert "ahead on 2 of 3 folds" in mixed and "does not show a clear advantage" in mixed
    behind = describe_cross_validation(cv("ft", [0.59, 0.70, 0.48]), cv("tfidf", [0.99, 0.98, 0.99]))
    assert "The baseline is ahead by 39.7 points" in behind and "trained long enough" in behind


def test_cross_validation_tables():
    model, baseline = cv("ft", [0.9, 0.8], losses=(0.69, 0.31)), cv("tfidf", [0.7, 0.8])
    table = cross_validation_table(model, baseline)
    assert table.loc["fine-tuned", "accuracy mean"] == pytest.approx(0.85)
    assert table.loc["fine-tuned", "f1_macro mean"] == pytest.approx(0.75)
    assert table.loc["TF-IDF baseline", "accuracy std"] == pytest.approx(np.std([0.7, 0.8], ddof=1))
    folds = fold_table(model, baseline)
    assert folds["lead"].tolist() == pytest.approx([0.2, 0.0])
    assert folds["last validation loss"].tolist() == [0.31, 0.31]


def test_metrics_table_shows_the_intervals():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 120)
    y_prob = np.clip(0.5 + (y_true - 0.5) * rng.normal(0.5, 0.4, 120), 0, 1)
    metrics = compute_metrics(y_true, (y_prob >= 0.5).astype(int), y_prob, n_bootstrap=200)
    table = metrics_table(metrics)
    assert list(table.columns) == ["value", "95% low", "95% high"]
    low, high = table.loc["accuracy", ["95% low", "95% high"]]
    assert low <= metrics["accuracy"] <= high and low < high
    assert np.isnan(table.loc["roc_auc", "95% low"])  # no interval computed for it: shown empty, not invented
    sentence = describe_interval(metrics, "accuracy")
    assert f"{metrics['accuracy']:.3f}, 95% interval {low:.3f} to {high:.3f} on 120 reviews" in sentence


def test_calibration_verdicts():
    y_true = np.array([1] * 50 + [0] * 50)
    timid = np.where(y_true == 1, 0.62, 0.38)  # always right, never sure
    assert calibration_summary(y_true, timid)["verdict"] == "under-confident"
    assert "right 1.00 of the time: it is under-confident" in describe_calibration(y_true, timid)
    bold = np.where(np.arange(100) % 3 == 0, 1 - y_true, y_true) * 0.98 + 0.01  # sure, and wrong a third of the time
    assert calibration_summary(y_true, bold)["verdict"] == "over-confident"
    fair = np.where(np.arange(100) % 5 == 0, 1 - y_true, y_true) * 0.6 + 0.2  # 80% sure, 80% right
    assert calibration_summary(y_true, fair)["verdict"] == "well calibrated"


def test_cross_validation_table_picture(tmp_path):
    from coursekit.evaluation.plots import plot_cross_validation_table

    path = tmp_path / "cv.png"
    fig = plot_cross_validation_table(cv("ft", [0.90, 0.88, 0.92]), cv("tfidf", [0.80, 0.79, 0.83]), path=path)
    texts = [t.get_text() for t in fig.texts] + [c.get_text().get_text() for c in fig.axes[0].tables[0].get_celld().values()]
    assert "0.900 ± 0.020" in texts and "3 of 3" in texts
    assert any("ahead on 3 of 3 folds" in t for t in texts)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
