"""Stratified k-fold cross-validation: disjoint, stratified folds shared by fine-tuning and
the TF-IDF baseline."""
from __future__ import annotations

import numpy as np
import pytest

from coursekit.errors import EvaluationError
from coursekit.evaluation.baseline import predict_baseline, train_baseline
from coursekit.evaluation.crossval import (
    CrossValSettings,
    cross_validate_baseline,
    cross_validate_finetune,
    make_folds,
    subset_rows,
)
from evaluation_helpers import toy_reviews


@pytest.mark.parametrize("k", [2, 5])
def test_folds_are_disjoint_cover_everything_and_stratified(k):
    labels = np.array([1] * 70 + [0] * 30)
    folds = make_folds(labels, k, seed=3)
    assert len(folds) == k
    tests = np.concatenate([f.test for f in folds])
    assert sorted(tests.tolist()) == list(range(100))  # every row tested exactly once
    for fold in folds:
        parts = [set(fold.train.tolist()), set(fold.validation.tolist()), set(fold.test.tolist())]
        assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
        assert len(fold.train) + len(fold.validation) + len(fold.test) == 100
        for part in (fold.test, fold.train):
            share = labels[part].mean()
            assert abs(share - 0.7) <= 1.0 / len(part) + 1e-9  # stratified: within one row of 70%
        assert set(labels[fold.validation]) == {0, 1}
    again = make_folds(labels, k, seed=3)
    assert all(np.array_equal(a.test, b.test) for a, b in zip(folds, again))
    other = make_folds(labels, k, seed=4)
    assert not all(np.array_equal(a.test, b.test) for a, b in zip(folds, other))


def test_fold_errors():
    with pytest.raises(EvaluationError, match="k >= 2"):
        make_folds([0, 1, 0, 1], 1)
    with pytest.raises(EvaluationError, match="rarer class has 2 rows"):
        make_folds([0, 0, 1, 1, 1, 1], 3)


def test_subset_is_stratified_and_seeded():
    labels = np.array([1] * 300 + [0] * 100)
    rows = subset_rows(labels, 40, seed=1)
    assert len(rows) == 40 and labels[rows].sum() == 30
    assert np.array_equal(rows, subset_rows(labels, 40, seed=1))
    assert len(subset_rows(labels, None)) == 400


def test_baseline_learns_the_toy_task():
    train, test = toy_reviews(80, seed=1), toy_reviews(40, seed=2)
    predictions = predict_baseline(train_baseline(train), test)
    assert (predictions.y_pred == predictions.y_true).mean() >= 0.9
    assert predictions.extra["domain"] == test["domain"]
    with pytest.raises(EvaluationError, match="both classes"):
        train_baseline({"text": ["a", "b"], "label": [1, 1]})


def test_baseline_cross_validation_uses_the_planned_folds():
    data = toy_reviews(100)
    settings = CrossValSettings(max_samples=60)
    result = cross_validate_baseline(data, k=3, settings=settings, seed=5)
    expected = make_folds(np.array(data["label"])[result.rows], 3, seed=5)
    assert len(result.rows) == 60
    assert all(np.array_equal(a.test, b.test) and np.array_equal(a.train, b.train)
               for a, b in zip(result.folds, expected))
    # Out-of-fold predictions: one per row, in the data's order.
    assert result.predictions.texts == [data["text"][i] for i in result.rows]
    assert [r["n_test"] for r in result.fold_metrics] == [len(f.test) for f in expected]
    summary = result.summary()
    accuracies = [r["accuracy"] for r in result.fold_metrics]
    assert summary["accuracy"]["mean"] == pytest.approx(np.mean(accuracies))
    assert summary["accuracy"]["std"] == pytest.approx(np.std(accuracies, ddof=1))
    assert summary["accuracy"]["mean"] > 0.8


@pytest.mark.slow
def test_finetune_cross_validation_tiny(tmp_path):
    """Two folds, two optimizer steps each: the same folds as the baseline, every row scored."""
    data = toy_reviews(60)
    settings = CrossValSettings(max_samples=40, max_steps=2, epochs=1, max_length=32, batch_size=8)
    result = cross_validate_finetune(data, k=2, settings=settings, seed=0, output_dir=tmp_path / "cv", log=None)
    baseline = cross_validate_baseline(data, k=2, settings=settings, seed=0)
    assert len(result.fold_metrics) == 2
    assert all(np.array_equal(a.test, b.test) for a, b in zip(result.folds, baseline.folds))
    assert np.array_equal(result.rows, baseline.rows)
    assert result.predictions.texts == baseline.predictions.texts
    assert sum(r["n_test"] for r in result.fold_metrics) == 40
    assert ((result.predictions.y_prob >= 0) & (result.predictions.y_prob <= 1)).all()
    assert all(r["history"] for r in result.fold_metrics)
    assert not any((tmp_path / "cv").glob("fold-*"))  # fold models are removed unless keep_models
