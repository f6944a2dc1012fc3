"""Bias and error analysis: metrics per slice (department, reviewer age band, review length,
any column) with bootstrap intervals and the gap to the overall figure, and the model's most
confident mistakes."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from coursekit.errors import EvaluationError
from coursekit.evaluation.metrics import point_metrics
from coursekit.evaluation.predict import Predictions
from coursekit.labels import LABEL_NAMES
from ..defaults import DEFAULT_SEED

LENGTH = "length"
DEFAULT_LENGTH_EDGES = (10, 20, 40)  # words
AGE_BAND = "age band"  # derived from an "Age" column (the shop's reviewers are 18 to 99)
AGE_COLUMN = "Age"
DEFAULT_AGE_EDGES = (30, 40, 50, 60)  # under 30, 30-39, 40-49, 50-59, 60 and over
SLICE_CANDIDATES = ("domain", "Department Name")  # sliced by default when the data has them
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


def age_bands(ages: Sequence, edges: Sequence[int] = DEFAULT_AGE_EDGES) -> list[str]:
    """A band per age (``"under 30"``, ``"30-39"``, ..., ``"60 and over"``); ``"(missing)"`` where none is given."""
    names = age_band_names(edges)
    bands = []
    for age in ages:
        try:
            years = float(age)
        except (TypeError, ValueError):
            bands.append("(missing)")
            continue
        bands.append(names[int(np.searchsorted(sorted(edges), years, side="right"))])
    return bands


def age_band_names(edges: Sequence[int] = DEFAULT_AGE_EDGES) -> list[str]:
    edges = sorted(int(e) for e in edges)
    return ([f"under {edges[0]}"] + [f"{low}-{high - 1}" for low, high in zip(edges, edges[1:])]
            + [f"{edges[-1]} and over"])


def _slice_groups(predictions: Predictions, by, length_edges) -> dict[str, tuple[list, list | None]]:
    """column -> (a value per row, the values' order or None for sorted)."""
    groups = {}
    for column in by:
        if column == LENGTH:
            groups[column] = (length_buckets(predictions.texts, length_edges), bucket_names(length_edges))
        elif column == AGE_BAND and AGE_COLUMN in predictions.extra:
            groups[column] = (age_bands(predictions.extra[AGE_COLUMN]), age_band_names() + ["(missing)"])
        elif column in predictions.extra:
            groups[column] = (predictions.extra[column], None)
        else:
            derived = [AGE_BAND] if AGE_COLUMN in predictions.extra else []
            available = ", ".join([LENGTH, *derived, *predictions.extra])
            raise EvaluationError(f"cannot slice by {column!r}: no such column (available: {available})")
    return groups


def default_slices(predictions: Predictions) -> list[str]:
    """What to slice by when not told: product domain or department, reviewer age band, review length."""
    found = [c for c in SLICE_CANDIDATES if c in predictions.extra]
    return found + ([AGE_BAND] if AGE_COLUMN in predictions.extra else []) + [LENGTH]


def slice_metrics(
    predictions: Predictions,
    by: Sequence[str] | None = None,
    *,
    length_edges: Sequence[int] = DEFAULT_LENGTH_EDGES,
    min_size: int = MIN_SLICE_SIZE,
    n_bootstrap: int = 1000,
    seed: int = DEFAULT_SEED,
):
    """A DataFrame: one row per (column, value) plus an ``overall`` row.

    ``by`` names columns of the data (``"Department Name"``, ``"domain"``, any other),
    ``"age band"`` (from an ``Age`` column) and ``"length"`` (word buckets); by default
    :func:`default_slices`. Each row has accuracy, macro-F1 and the negative class's
    recall and F1 with 95% bootstrap intervals (``*_low``/``*_high``; ``n_bootstrap=0``
    skips them). Gaps are the slice's figure minus the overall one (negative = the model
    does worse there); ``small`` marks slices under ``min_size`` rows, too few to judge.
    """
    import pandas as pd

    y_true = predictions.require_labels()
    groups = _slice_groups(predictions, default_slices(predictions) if by is None else by, length_edges)
    overall = point_metrics(y_true, predictions.y_pred)
    everything = np.ones(len(y_true), dtype=bool)
    rows = [_row("overall", "all", everything, y_true, predictions.y_pred, overall, min_size, n_bootstrap, seed)]
    for column, (values, order) in groups.items():
        values = np.array(["(missing)" if v in (None, "") else str(v) for v in values], dtype=object)
        present = set(values)
        ordered = [v for v in order if v in present] if order else sorted(present)
        for value in ordered:
            rows.append(_row(column, value, values == value, y_true, predictions.y_pred, overall, min_size,
                             n_bootstrap, seed))
    return pd.DataFrame(rows)


INTERVAL_METRICS = ("accuracy", "f1_macro", "recall_negative", "f1_negative")


def _row(column, value, mask, y_true, y_pred, overall, min_size, n_bootstrap, seed) -> dict:
    from coursekit.evaluation.intervals import bootstrap_counts

    y_true, y_pred = y_true[mask], y_pred[mask]
    metrics = point_metrics(y_true, y_pred)
    row = {"column": column, "value": value, "n": metrics["n"], "n_negative": int(np.sum(y_true == 0))}
    intervals = bootstrap_counts(y_true, y_pred, INTERVAL_METRICS, n_resamples=n_bootstrap, seed=seed) \
        if n_bootstrap else {}
    for name in INTERVAL_METRICS:
        row[name] = metrics[name]
        if name in intervals:
            row[f"{name}_low"], row[f"{name}_high"] = intervals[name]
    row.update({
        "precision": metrics["precision"], "recall": metrics["recall"], "f1": metrics["f1"],
        "precision_negative": metrics["precision_negative"],
        "positive_rate": float(np.mean(y_true)),
        "predicted_positive_rate": float(np.mean(y_pred)),
        "accuracy_gap": metrics["accuracy"] - overall["accuracy"],
        "f1_macro_gap": metrics["f1_macro"] - overall["f1_macro"],
        "f1_gap": metrics["f1"] - overall["f1"],
        "small": metrics["n"] < min_size,
    })
    return row


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
