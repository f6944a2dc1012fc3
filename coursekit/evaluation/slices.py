"""Bias and error analysis: metrics per slice (domain, review length, any column) with
the gap to the overall figure, and the model's most confident mistakes."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from coursekit.errors import EvaluationError
from coursekit.evaluation.metrics import point_metrics
from coursekit.evaluation.predict import Predictions
from coursekit.labels import LABEL_NAMES

LENGTH = "length"
DEFAULT_LENGTH_EDGES = (10, 20, 40)  # words
MIN_SLICE_SIZE = 30


def length_buckets(texts: Sequence[str], edges: Sequence[int] = DEFAULT_LENGTH_EDGES) -> list[str]:
    """A word-count bucket per text, e.g. ``"<=10 words"``, ``"11-20 words"``, ``">40 words"``."""
    edges = sorted(int(e) for e in edges)
    names = bucket_names(edges)
    counts = np.array([len(t.split()) for t in texts])
    return [names[i] for i in np.searchsorted(edges, counts, side="left")]


def bucket_names(edges: Sequence[int] = DEFAULT_LENGTH_EDGES) -> list[str]:
    """The bucket names of :func:`length_buckets`, shortest first."""
    edges = sorted(int(e) for e in edges)
    names, low = [], 1
    for edge in edges:
        names.append(f"<={edge} words" if low == 1 else f"{low}-{edge} words")
        low = edge + 1
    names.append(f">{edges[-1]} words")
    return names


def slice_metrics(
    predictions: Predictions,
    by: Sequence[str] | None = None,
    *,
    length_edges: Sequence[int] = DEFAULT_LENGTH_EDGES,
    min_size: int = MIN_SLICE_SIZE,
):
    """A DataFrame: one row per (column, value) plus an ``overall`` row.

    ``by`` names columns of the data (``"domain"``, any other) and ``"length"`` (word
    buckets). By default: ``domain`` when the data has it, and ``length``. Gaps are the
    slice's figure minus the overall one (negative = the model does worse there);
    ``small`` marks slices under ``min_size`` rows, too few to judge.
    """
    import pandas as pd

    y_true = predictions.require_labels()
    if by is None:
        by = [c for c in ("domain",) if c in predictions.extra] + [LENGTH]
    groups: dict[str, list] = {}
    for column in by:
        if column == LENGTH:
            groups[column] = length_buckets(predictions.texts, length_edges)
        elif column in predictions.extra:
            groups[column] = predictions.extra[column]
        else:
            available = ", ".join([LENGTH, *predictions.extra]) or LENGTH
            raise EvaluationError(f"cannot slice by {column!r}: no such column (available: {available})")

    overall = point_metrics(y_true, predictions.y_pred)
    rows = [_row("overall", "all", overall, y_true, predictions.y_pred, overall, min_size)]
    for column, values in groups.items():
        values = np.array(["(missing)" if v is None else str(v) for v in values], dtype=object)
        present = set(values)
        ordered = [b for b in bucket_names(length_edges) if b in present] if column == LENGTH else sorted(present)
        for value in ordered:
            mask = values == value
            metrics = point_metrics(y_true[mask], predictions.y_pred[mask])
            rows.append(_row(column, value, metrics, y_true[mask], predictions.y_pred[mask], overall, min_size))
    return pd.DataFrame(rows)


def _row(column, value, metrics, y_true, y_pred, overall, min_size) -> dict:
    return {
        "column": column,
        "value": value,
        "n": metrics["n"],
        "accuracy": metrics["accuracy"],
        "precision": metrics["precision"],
        "recall": metrics["recall"],
        "f1": metrics["f1"],
        "f1_macro": metrics["f1_macro"],
        "positive_rate": float(np.mean(y_true)),
        "predicted_positive_rate": float(np.mean(y_pred)),
        "accuracy_gap": metrics["accuracy"] - overall["accuracy"],
        "f1_gap": metrics["f1"] - overall["f1"],
        "small": metrics["n"] < min_size,
    }


def most_confident_mistakes(predictions: Predictions, n: int = 10):
    """The ``n`` wrong predictions the model was surest of (highest P of the predicted class)."""
    frame = predictions.to_frame()
    if "label" not in frame:
        predictions.require_labels()
    confidence = np.where(frame["predicted"] == 1, frame["p_positive"], 1.0 - frame["p_positive"])
    frame.insert(0, "confidence", confidence)
    frame["label"] = [LABEL_NAMES[i] for i in frame["label"]]
    frame["predicted"] = [LABEL_NAMES[i] for i in frame["predicted"]]
    wrong = frame[~frame["correct"]].drop(columns=["correct"])
    top = wrong.sort_values("confidence", ascending=False, kind="stable").head(n)
    if "row" in top.columns:  # the source file's row id (its line number) travels with the data
        return top.reset_index(drop=True)[["row", *[c for c in top.columns if c != "row"]]]
    return top.reset_index(names="row")
