"""Bias and error analysis on toy predictions with known gaps."""
from __future__ import annotations

import numpy as np
import pytest

from coursekit.errors import EvaluationError
from coursekit.evaluation.predict import Predictions
from coursekit.evaluation.slices import length_buckets, most_confident_mistakes, slice_metrics


@pytest.fixture()
def toy():
    """Domain a: 10 rows, all right. Domain b: 10 rows, 5 right. Overall accuracy 0.75."""
    y_true = np.array([1, 0] * 10)
    right = np.array([True] * 10 + [True, False] * 5)
    y_pred = np.where(right, y_true, 1 - y_true)
    # Confidence of each prediction: wrong rows of b get 0.6, 0.7, 0.8, 0.9, 0.95.
    confidence = np.full(20, 0.8)
    wrong_rows = np.flatnonzero(~right)
    confidence[wrong_rows] = [0.6, 0.7, 0.8, 0.9, 0.95]
    y_prob = np.where(y_pred == 1, confidence, 1 - confidence)
    texts = ["short one"] * 10 + [" ".join(["word"] * 25)] * 10
    extra = {"domain": ["a"] * 10 + ["b"] * 10, "style": ["plain", "fancy"] * 10}
    return Predictions(texts=texts, y_pred=y_pred, y_prob=y_prob, y_true=y_true, extra=extra)


def test_domain_gap_is_exact(toy):
    table = slice_metrics(toy, ["domain"], min_size=5)
    overall = table[table["column"] == "overall"].iloc[0]
    assert overall["accuracy"] == pytest.approx(0.75)
    rows = table[table["column"] == "domain"].set_index("value")
    assert rows.loc["a", "accuracy"] == pytest.approx(1.0)
    assert rows.loc["b", "accuracy"] == pytest.approx(0.5)
    assert rows.loc["a", "accuracy_gap"] == pytest.approx(0.25)
    assert rows.loc["b", "accuracy_gap"] == pytest.approx(-0.25)
    assert rows.loc["b", "n"] == 10 and not rows.loc["b", "small"]


def test_default_slices_are_domain_and_length(toy):
    table = slice_metrics(toy)
    assert set(table["column"]) == {"overall", "domain", "length"}
    lengths = table[table["column"] == "length"].set_index("value")
    assert list(lengths.index) == ["<=10 words", "21-40 words"]  # shortest first, empty buckets left out
    assert lengths.loc["21-40 words", "accuracy"] == pytest.approx(0.5)
    assert table["small"].all()  # 20 rows is under the default minimum of 30


def test_any_named_column_and_unknown_column(toy):
    table = slice_metrics(toy, ["style"])
    styles = table[table["column"] == "style"].set_index("value")
    assert styles.loc["plain", "accuracy"] == pytest.approx(1.0)
    assert styles.loc["fancy", "accuracy"] == pytest.approx(0.5)
    with pytest.raises(EvaluationError, match="no such column.*available: length, domain, style"):
        slice_metrics(toy, ["country"])


def test_length_buckets_edges():
    texts = ["one", " ".join(["w"] * 10), " ".join(["w"] * 11), " ".join(["w"] * 40), " ".join(["w"] * 41)]
    assert length_buckets(texts) == ["<=10 words", "<=10 words", "11-20 words", "21-40 words", ">40 words"]
    assert length_buckets(texts, edges=(5,)) == ["<=5 words", ">5 words", ">5 words", ">5 words", ">5 words"]


def test_most_confident_mistakes_sorted(toy):
    table = most_confident_mistakes(toy, n=3)
    assert list(table["confidence"]) == pytest.approx([0.95, 0.9, 0.8])
    assert set(table["domain"]) == {"b"}
    assert (table["label"] != table["predicted"]).all()
    assert set(table["label"]) <= {"NEGATIVE", "POSITIVE"}
    assert len(most_confident_mistakes(toy, n=50)) == 5
