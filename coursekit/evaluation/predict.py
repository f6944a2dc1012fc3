"""Run a fine-tuned classifier over texts: batched, no gradients, a progress bar only
in a terminal. Returns :class:`Predictions` (texts, gold labels, predicted labels,
P(positive)) that every other evaluation function takes."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from coursekit.errors import EvaluationError
from coursekit.evaluation.examples import read_examples
from coursekit.progress import progress_enabled


@dataclass
class Predictions:
    """One row per text: ``y_true`` (gold, or ``None``), ``y_pred`` and ``y_prob`` = P(positive)."""

    texts: list[str]
    y_pred: np.ndarray
    y_prob: np.ndarray
    y_true: np.ndarray | None = None
    extra: dict[str, list] = field(default_factory=dict)
    threshold: float = 0.5

    def __len__(self) -> int:
        return len(self.texts)

    def require_labels(self) -> np.ndarray:
        if self.y_true is None:
            raise EvaluationError("these predictions have no gold labels (the data had no label column)")
        return self.y_true

    def to_frame(self):
        """A pandas DataFrame: text, label, predicted, p_positive, correct, extra columns."""
        import pandas as pd

        frame = pd.DataFrame({"text": self.texts, "predicted": self.y_pred, "p_positive": self.y_prob})
        if self.y_true is not None:
            frame.insert(1, "label", self.y_true)
            frame["correct"] = frame["label"] == frame["predicted"]
        for name, values in self.extra.items():
            frame[name] = values
        return frame

    def take(self, indices) -> "Predictions":
        """The rows at ``indices`` (in that order)."""
        indices = np.asarray(indices, dtype=int)
        return Predictions(
            texts=[self.texts[i] for i in indices],
            y_pred=self.y_pred[indices],
            y_prob=self.y_prob[indices],
            y_true=None if self.y_true is None else self.y_true[indices],
            extra={k: [v[i] for i in indices] for k, v in self.extra.items()},
            threshold=self.threshold,
        )

    def with_threshold(self, threshold: float) -> "Predictions":
        """The same rows labelled POSITIVE when ``y_prob >= threshold`` (e.g. one chosen on validation data)."""
        return Predictions.from_probabilities(self.texts, self.y_prob, self.y_true, self.extra, threshold=threshold)

    @classmethod
    def from_probabilities(cls, texts, y_prob, y_true=None, extra=None, threshold: float = 0.5):
        """Label each row positive when ``y_prob >= threshold``."""
        y_prob = np.asarray(y_prob, dtype=float)
        return cls(
            texts=list(texts),
            y_pred=(y_prob >= threshold).astype(int),
            y_prob=y_prob,
            y_true=None if y_true is None else np.asarray(y_true, dtype=int),
            extra=dict(extra or {}),
            threshold=threshold,
        )


def positive_index(config) -> int:
    """Index of the POSITIVE logit: from ``config.label2id`` when it names it, else 1."""
    if getattr(config, "num_labels", 2) != 2:
        raise EvaluationError(f"the model has {config.num_labels} labels; this evaluation is for 2 (sentiment)")
    for name, index in (getattr(config, "label2id", None) or {}).items():
        if str(name).strip().upper() in ("POSITIVE", "POS"):
            return int(index)
    return 1


def predict(
    model,
    data,
    *,
    tokenizer=None,
    text_column: str = "text",
    label_column: str = "label",
    batch_size: int = 32,
    max_length: int | None = None,
    threshold: float = 0.5,
    device: str | None = None,
    progress: bool | None = None,
) -> Predictions:
    """Predict sentiment for ``data`` (Dataset, DataFrame or list of texts).

    ``model`` is a model folder (:class:`~coursekit.model_folder.ModelFolder` or its path: its
    run card's max length by default), a ``(model, tokenizer)`` pair, or a model with
    ``tokenizer=``. Texts are batched by length (less padding) and returned in the original
    order; a row is POSITIVE when P(positive) >= ``threshold``.
    """
    model, tokenizer, max_length = _classifier(model, tokenizer, max_length)
    if batch_size < 1:
        raise EvaluationError(f"batch_size must be at least 1, got {batch_size}")
    examples = read_examples(data, text_column, label_column)
    shown = progress_enabled() if progress is None else progress
    probabilities = _positive_probabilities(model, tokenizer, examples.texts, batch_size, max_length, device, shown)
    return Predictions.from_probabilities(
        examples.texts, probabilities, examples.labels, examples.extra, threshold=threshold
    )


def _classifier(model, tokenizer, max_length: int | None):
    """(model, tokenizer, max length) from a model folder, a pair, or a model and ``tokenizer``."""
    from coursekit.model_folder import ModelFolder

    if isinstance(model, (str, os.PathLike)):
        folder = ModelFolder(model)
        model, tokenizer = folder.load(error=EvaluationError)
        max_length = max_length or folder.max_length
    elif isinstance(model, tuple):
        model, tokenizer = model
    if tokenizer is None:
        raise EvaluationError("a tokenizer is needed: pass a model folder, a (model, tokenizer) pair or tokenizer=")
    if max_length is None:  # (model, tokenizer) without a folder: the tokenizer's own limit
        max_length = min(int(getattr(tokenizer, "model_max_length", 512) or 512), 512)
    return model, tokenizer, max_length


def _positive_probabilities(model, tokenizer, texts: list[str], batch_size: int, max_length: int,
                            device: str | None, show: bool) -> np.ndarray:
    """P(positive) per text, in the order of ``texts`` (batches of similar lengths, no gradients)."""
    import torch
    from tqdm.auto import tqdm

    from coursekit.data.tokenization import length_sorted_batches

    pos = positive_index(model.config)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    was_training = model.training
    model.to(device).eval()
    probabilities = np.empty(len(texts), dtype=float)
    bar = tqdm(length_sorted_batches(texts, batch_size), desc="predict", unit="batch", disable=not show)
    try:
        with torch.no_grad():
            for rows in bar:
                encoded = tokenizer([texts[i] for i in rows], truncation=True, max_length=max_length,
                                    padding=True, return_tensors="pt").to(device)
                logits = model(**encoded).logits.float()
                probabilities[rows] = torch.softmax(logits, dim=-1)[:, pos].cpu().numpy()
    finally:
        bar.close()
        if was_training:
            model.train()
    return probabilities
