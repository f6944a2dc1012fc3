"""Evaluation on imbalanced data: the negative class's scores, fast intervals, a threshold for a
stated recall, slices by department and age band, and sentences computed from the numbers."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from coursekit.errors import EvaluationError
from coursekit.evaluation.imbalance import (
    describe_imbalance,
    describe_mistakes,
    describe_slices,
    error_rates,
    majority_baseline,
)
from coursekit.evaluation.intervals import bootstrap_counts, count_scores
from coursekit.evaluation.metrics import bootstrap_ci, compute_metrics
from coursekit.evaluation.predict import Predictions
from coursekit.evaluation.slices import age_bands, most_confident_mistakes, slice_metrics
from coursekit.evaluation.thresholds import apply_threshold, describe_threshold, threshold_for_recall


def _imbalanced(n=2000, negative_share=0.12, seed=0):
    """Labels 12% negative and probabilities that rank most negatives low."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) >= negative_share).astype(int)
    y_prob = np.clip(np.where(y_true == 1, rng.normal(0.8, 0.15, n), rng.normal(0.35, 0.2, n)), 0, 1)
    return y_true, y_prob


def test_count_scores_match_scikit_learn_for_both_classes():
    y_true, y_prob = _imbalanced()
    y_pred = (y_prob >= 0.5).astype(int)
    got = count_scores(y_true, y_pred)
    assert got["f1_negative"] == pytest.approx(skm.f1_score(y_true, y_pred, pos_label=0))
    assert got["recall_negative"] == pytest.approx(skm.recall_score(y_true, y_pred, pos_label=0))
    assert got["precision_negative"] == pytest.approx(skm.precision_score(y_true, y_pred, pos_label=0))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
    metrics = compute_metrics(y_true, y_pred, y_prob, n_bootstrap=200)
    for name in ("f1_negative", "f1_macro", "precision_negative", "recall_negative"):
        assert metrics[name] == pytest.approx(got[name])
    assert metrics["average_precision_negative"] == pytest.approx(skm.average_precision_score(1 - y_true, 1 - y_prob))
    assert set(metrics["ci"]) >= {"accuracy", "f1_macro", "f1_negative", "f1"}


def test_confusion_matrix_bootstrap_agrees_with_resampling_rows():
    """The multinomial draw of confusion matrices gives the interval that resampling rows gives."""
    y_true, y_prob = _imbalanced(n=1500)
    y_pred = (y_prob >= 0.5).astype(int)
    fast = bootstrap_counts(y_true, y_pred, ("f1_negative",), n_resamples=2000, seed=1)["f1_negative"]
    slow = bootstrap_ci(y_true, y_pred, lambda t, p: skm.f1_score(t, p, pos_label=0), n_resamples=2000, seed=1)
    assert fast[0] == pytest.approx(slow[0], abs=0.015) and fast[1] == pytest.approx(slow[1], abs=0.015)
    assert bootstrap_counts(y_true, y_pred, seed=3) == bootstrap_counts(y_true, y_pred, seed=3)  # seeded
    wide = bootstrap_counts(y_true[:150], y_pred[:150], ("f1_negative",))["f1_negative"]
    assert wide[1] - wide[0] > fast[1] - fast[0]  # fewer reviews, a wider interval


def test_a_threshold_chosen_for_a_recall_reaches_it_and_says_what_it_costs():
    y_true, y_prob = _imbalanced(seed=2)
    chosen = threshold_for_recall(y_true, y_prob, recall=0.8)
    negatives = y_prob[y_true == 0]
    assert chosen["recall_negative"] >= 0.8 and np.mean(negatives < chosen["threshold"]) >= 0.8
    below = apply_threshold(y_true, y_prob, np.nextafter(np.sort(negatives)[int(np.ceil(0.8 * negatives.size)) - 1], 0))
    assert below["recall_negative"] < 0.8  # the lowest threshold that reaches it
    other_y, other_p = _imbalanced(seed=3)
    applied = apply_threshold(other_y, other_p, chosen["threshold"])
    assert applied["flagged"] == int(np.sum(other_p < chosen["threshold"]))
    sentence = describe_threshold(chosen, applied, "the held-out reviews")
    assert f"{applied['recall_negative']:.1%}" in sentence and "chosen on validation data" in sentence.lower()
    with pytest.raises(EvaluationError, match="NEGATIVE rows"):
        threshold_for_recall(np.ones(10, dtype=int), np.full(10, 0.9))


def test_the_majority_rule_is_what_accuracy_must_beat():
    y_true = np.array([1] * 88 + [0] * 12)
    base = majority_baseline(y_true)
    assert base["accuracy"] == pytest.approx(0.88) and base["f1_negative"] == 0.0
    assert base["f1_macro"] == pytest.approx(skm.f1_score(y_true, np.ones(100, dtype=int), average="macro"))
    sentence = describe_imbalance(y_true)
    assert "88.0% of the 100 reviews are POSITIVE" in sentence and "accuracy 0.880" in sentence


def _shop_like_predictions(n=1200, seed=4):
    rng = np.random.default_rng(seed)
    y_true, y_prob = _imbalanced(n, seed=seed)
    departments = rng.choice(["Tops", "Dresses", "Bottoms", ""], size=n, p=[0.45, 0.3, 0.24, 0.01])
    ages = rng.integers(18, 90, size=n).astype(str)
    stars = np.where(y_true == 1, rng.choice(["4", "5"], n), rng.choice(["1", "2"], n))
    texts = [f"review number {i} " + "word " * int(rng.integers(1, 60)) for i in range(n)]
    extra = {"Department Name": list(departments), "Age": list(ages), "Rating": list(stars), "row": list(range(2, n + 2))}
    return Predictions.from_probabilities(texts, y_prob, y_true, extra)


def test_slices_by_department_and_age_band_carry_intervals():
    predictions = _shop_like_predictions()
    table = slice_metrics(predictions, n_bootstrap=300)
    assert {"overall", "Department Name", "age band", "length"} == set(table["column"])
    assert "(missing)" in set(table[table["column"] == "Department Name"]["value"])  # the empty department
    bands = table[table["column"] == "age band"]["value"].tolist()
    assert bands == ["under 30", "30-39", "40-49", "50-59", "60 and over"]  # in age order, not alphabetical
    assert ((table["f1_macro_low"] <= table["f1_macro"] + 1e-9) & (table["f1_macro"] <= table["f1_macro_high"] + 1e-9)).all()
    tops = table[(table["column"] == "Department Name") & (table["value"] == "Tops")].iloc[0]
    mask = np.array(predictions.extra["Department Name"]) == "Tops"
    assert tops["n"] == mask.sum() and tops["n_negative"] == int((predictions.y_true[mask] == 0).sum())
    assert "Overall f1-macro is" in describe_slices(table)
    assert age_bands(["18", "29", "30", "60", "99", "", None]) == ["under 30", "under 30", "30-39", "60 and over",
                                                                  "60 and over", "(missing)", "(missing)"]


def test_describe_slices_names_a_slice_worse_beyond_its_interval():
    import pandas as pd

    rows = [{"column": "overall", "value": "all", "n": 3000, "n_negative": 360, "f1_macro": 0.85, "f1_macro_low": 0.83,
             "f1_macro_high": 0.87, "small": False},
            {"column": "Department Name", "value": "Trend", "n": 40, "n_negative": 8, "f1_macro": 0.60,
             "f1_macro_low": 0.45, "f1_macro_high": 0.75, "small": False},
            {"column": "Department Name", "value": "Tops", "n": 1300, "n_negative": 150, "f1_macro": 0.84,
             "f1_macro_low": 0.80, "f1_macro_high": 0.88, "small": False}]
    sentence = describe_slices(pd.DataFrame(rows))
    assert "lowest slice is Department Name = Trend (0.600" in sentence
    assert "beyond its interval: Department Name = Trend." in sentence


def test_mistakes_are_shown_in_full_with_their_stars():
    predictions = _shop_like_predictions(n=300)
    mistakes = most_confident_mistakes(predictions, n=3)
    text = describe_mistakes(mistakes, width=1000)
    for _, row in mistakes.iterrows():
        assert row["text"].strip() in text and f"Rating {row['Rating']}" in text and f"row {row['row']}:" in text
    table = error_rates(predictions, "Rating")
    assert table["reviews"].sum() == 300 and (table["share wrong"] <= 1).all()


def test_one_line_of_scores_leads_with_what_accuracy_hides():
    from coursekit.evaluation.interpret import describe_scores

    line = describe_scores({"accuracy": 0.94, "f1_macro": 0.853, "precision_negative": 0.8, "recall_negative": 0.7,
                            "f1_negative": 0.747, "f1": 0.966})
    assert line == ("accuracy 0.940, macro-F1 0.853; negative class (unhappy customers): precision 0.800, "
                    "recall 0.700, F1 0.747; positive class F1 0.966")
    moved = _shop_like_predictions(n=50).with_threshold(0.9)
    assert (moved.y_pred == (moved.y_prob >= 0.9)).all() and moved.threshold == 0.9
