"""Batched predictions of a (not fine-tuned) MiniLM classifier saved to a folder."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit.errors import EvaluationError
from coursekit.evaluation.predict import Predictions, positive_index, predict
from coursekit.model_folder import ModelFolder

TEXTS = [
    "Great phone, the battery lasts for days.",
    "Terrible.",
    "The food was cold and the waiter ignored us for twenty minutes, never again.",
    "ok",
    "A wonderful film with a moving story and fine acting from the whole cast.",
    "Broke after one week.",
    "I would buy it again.",
]
LABELS = [1, 0, 0, 1, 1, 0, 1]


@pytest.fixture(scope="module")
def model_dir(offline_classifier):
    """An untrained 2-class head on the offline MiniLM, saved like a training run saves it (read-only)."""
    return offline_classifier


def _one_by_one(model, tokenizer, texts):
    import torch

    with torch.no_grad():
        return np.array([
            torch.softmax(model(**tokenizer(t, return_tensors="pt")).logits, -1)[0, 1].item() for t in texts
        ])


def test_predict_from_a_folder_matches_the_model_text_by_text(model_dir):
    frame = pd.DataFrame({"text": TEXTS, "label": LABELS, "domain": ["x"] * 4 + ["y"] * 3})
    result = predict(model_dir, frame, batch_size=3, progress=False)
    assert isinstance(result, Predictions) and len(result) == len(TEXTS)
    assert result.texts == TEXTS
    assert result.y_true.tolist() == LABELS
    assert result.extra == {"domain": ["x"] * 4 + ["y"] * 3}
    model, tokenizer = ModelFolder(model_dir).load()
    # Batching sorts texts by length and pads: the order and values must still match.
    np.testing.assert_allclose(result.y_prob, _one_by_one(model, tokenizer, TEXTS), atol=1e-5)
    assert result.y_pred.tolist() == (result.y_prob >= 0.5).astype(int).tolist()


def test_pair_and_folder_agree_and_threshold_applies(model_dir):
    model, tokenizer = ModelFolder(model_dir).load()
    from_pair = predict((model, tokenizer), TEXTS, batch_size=16, progress=False)
    from_kw = predict(model, TEXTS, tokenizer=tokenizer, batch_size=1, threshold=0.0, progress=False)
    np.testing.assert_allclose(from_pair.y_prob, from_kw.y_prob, atol=1e-5)
    assert from_pair.y_true is None
    assert from_kw.y_pred.tolist() == [1] * len(TEXTS)


def test_dataset_input_with_string_labels(model_dir):
    import datasets

    ds = datasets.Dataset.from_dict({"review": TEXTS[:3], "stars": ["positive", "NEGATIVE", "negative"]})
    result = predict(model_dir, ds, text_column="review", label_column="stars", progress=False)
    assert result.y_true.tolist() == [1, 0, 0]


def test_no_progress_bar_outside_a_terminal(model_dir, capsys):
    predict(model_dir, TEXTS, progress=None)
    captured = capsys.readouterr()
    assert "predict:" not in captured.err and "it/s" not in captured.err


def test_positive_index_follows_label2id():
    from transformers import BertConfig

    assert positive_index(BertConfig(id2label={0: "POSITIVE", 1: "NEGATIVE"},
                                     label2id={"POSITIVE": 0, "NEGATIVE": 1})) == 0
    assert positive_index(BertConfig(num_labels=2)) == 1
    with pytest.raises(EvaluationError, match="3 labels"):
        positive_index(BertConfig(num_labels=3))


def test_bad_model_folders_and_inputs(tmp_path, model_dir):
    with pytest.raises(EvaluationError, match="does not exist"):
        predict(tmp_path / "missing", TEXTS)
    with pytest.raises(EvaluationError, match="config.json is missing"):
        predict(tmp_path, TEXTS)
    with pytest.raises(EvaluationError, match="no text column 'text'"):
        predict(model_dir, pd.DataFrame({"body": TEXTS}))
    with pytest.raises(EvaluationError, match="row 1: 'label' is 'meh'"):
        predict(model_dir, pd.DataFrame({"text": TEXTS[:2], "label": ["positive", "meh"]}))
    with pytest.raises(EvaluationError, match="no rows"):
        predict(model_dir, [])
