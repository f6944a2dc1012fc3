"""Every metric of coursekit.evaluation.metrics against scikit-learn on the same inputs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from coursekit.errors import EvaluationError
from coursekit.evaluation.metrics import (
    bootstrap_ci,
    calibration_table,
    compute_metrics,
    point_metrics,
    threshold_sweep,
)


def noisy_scores(n: int, seed: int):
    """Labels, scores that are informative but imperfect, and the 0.5-threshold predictions."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    y_prob = np.clip(0.5 + (y_true - 0.5) * rng.normal(0.4, 0.5, n), 0, 1)
    return y_true, (y_prob >= 0.5).astype(int), y_prob


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_point_metrics_equal_sklearn(seed):
    y_true, y_pred, y_prob = noisy_scores(257, seed)
    got = point_metrics(y_true, y_pred, y_prob)
    assert 0.5 < got["accuracy"] < 0.99  # informative, not perfect: the comparison means something
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert got["precision"] == pytest.approx(skm.precision_score(y_true, y_pred))
    assert got["recall"] == pytest.approx(skm.recall_score(y_true, y_pred))
    assert got["f1"] == pytest.approx(skm.f1_score(y_true, y_pred))
    assert got["precision_macro"] == pytest.approx(skm.precision_score(y_true, y_pred, average="macro"))
    assert got["recall_macro"] == pytest.approx(skm.recall_score(y_true, y_pred, average="macro"))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, y_prob))
    assert got["average_precision"] == pytest.approx(skm.average_precision_score(y_true, y_prob))
    assert got["brier"] == pytest.approx(skm.brier_score_loss(y_true, y_prob))
    assert got["confusion_matrix"] == skm.confusion_matrix(y_true, y_pred).tolist()
    assert got["n"] == 257 and got["n_positive"] == int(y_true.sum())


def test_one_class_leaves_ranking_metrics_undefined():
    got = point_metrics([1, 1, 1, 1], [1, 0, 1, 1], [0.9, 0.4, 0.8, 0.7])
    assert got["roc_auc"] is None and got["average_precision"] is None
    assert got["accuracy"] == 0.75
    assert got["confusion_matrix"] == [[0, 0], [1, 3]]


def test_bootstrap_interval_is_seeded_and_sensible():
    y_true, y_pred, y_prob = noisy_scores(400, 3)
    first = compute_metrics(y_true, y_pred, y_prob, n_bootstrap=300, seed=7)
    again = compute_metrics(y_true, y_pred, y_prob, n_bootstrap=300, seed=7)
    other = compute_metrics(y_true, y_pred, y_prob, n_bootstrap=300, seed=8)
    assert first["ci"] == again["ci"]
    assert first["ci"]["accuracy"] != other["ci"]["accuracy"]
    for name in ("accuracy", "f1"):
        low, high = first["ci"][name]["low"], first["ci"][name]["high"]
        assert low < first[name] < high
    # A binomial proportion near 0.8 on 400 rows: a 95% interval about 2 * 1.96 * 0.02 wide.
    accuracy = first["accuracy"]
    expected = 2 * 1.96 * np.sqrt(accuracy * (1 - accuracy) / 400)
    width = first["ci"]["accuracy"]["high"] - first["ci"]["accuracy"]["low"]
    assert 0.7 * expected < width < 1.3 * expected


def test_bootstrap_of_a_custom_metric_and_no_bootstrap():
    y_true, y_pred, _ = noisy_scores(120, 4)
    low, high = bootstrap_ci(y_true, y_pred, skm.balanced_accuracy_score, n_resamples=200, seed=1)
    assert low <= skm.balanced_accuracy_score(y_true, y_pred) <= high
    assert "ci" not in compute_metrics(y_true, y_pred, n_bootstrap=0)


def test_threshold_sweep_finds_the_best_f1_threshold():
    y_true, _, y_prob = noisy_scores(150, 5)
    sweep = threshold_sweep(y_true, y_prob)
    brute = {t: skm.f1_score(y_true, (y_prob >= t).astype(int)) for t in np.unique(y_prob)}
    best = max(brute.values())
    assert sweep["best_f1"] == pytest.approx(best)
    assert brute[sweep["best_threshold"]] == pytest.approx(best)
    for t, p, r in zip(sweep["thresholds"][::10], sweep["precision"][::10], sweep["recall"][::10]):
        predicted = (y_prob >= t).astype(int)
        assert p == pytest.approx(skm.precision_score(y_true, predicted, zero_division=0))
        assert r == pytest.approx(skm.recall_score(y_true, predicted))


def test_calibration_table_matches_sklearn():
    y_true, _, y_prob = noisy_scores(300, 6)
    table = calibration_table(y_true, y_prob, n_bins=10)
    fraction, mean = calibration_curve(y_true, y_prob, n_bins=10)
    assert table["fraction_positive"] == pytest.approx(fraction.tolist())
    assert table["mean_predicted"] == pytest.approx(mean.tolist())
    assert sum(table["bin_counts"]) == 300


@pytest.mark.parametrize(
    "args, message",
    [
        (([0, 1, 1], [0, 1]), "y_pred has 2 values"),
        (([0, 2, 1], [0, 1, 1]), "row 1 is"),
        (([0, 1], [0, 1], [0.2, 1.5]), "probabilities in \\[0, 1\\]"),
        (([0, 1], [0, 1], [0.2, float("nan")]), "row 1"),
        (([], []), "empty"),
        ((["pos", "neg"], [0, 1]), "integer labels"),
    ],
)
def test_bad_inputs_are_named(args, message):
    with pytest.raises(EvaluationError, match=message):
        point_metrics(*args)
