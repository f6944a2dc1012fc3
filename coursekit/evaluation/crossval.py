"""Stratified k-fold cross-validation of fine-tuning, and of the TF-IDF baseline on the
very same folds and training rows, so the two can be compared fold by fold.

Each fold's training part is split again: a stratified slice of it is the validation
set that training watches; the fold's test part is only ever predicted on.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coursekit.defaults import DEFAULT_SEED
from coursekit.errors import EvaluationError
from coursekit.evaluation.examples import read_examples
from coursekit.evaluation.metrics import compute_metrics
from coursekit.evaluation.predict import Predictions

SUMMARY_METRICS = ("accuracy", "f1", "f1_macro", "roc_auc")


@dataclass(frozen=True)
class CrossValSettings:
    """How big each fold's fine-tuning is. ``None`` means "the profile's value / everything"."""

    max_samples: int | None = None  # a stratified subset of the data, taken before the folds
    max_steps: int | None = None
    epochs: int | None = None
    max_length: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    validation_fraction: float = 0.1


# CPU / CI / notebooks (lesson 03 runs 3 folds): every row, texts cut to 64 tokens, and a learning
# rate of 1e-4 so that each fold converges in 3 epochs. At the assignment's 2e-5 a fold of ~600
# reviews barely moves in 3 epochs (validation loss 0.691 -> 0.682, accuracy 0.68, measured on a
# harder draft of the sample reviews), which made fine-tuning look worse than TF-IDF.
FAST = CrossValSettings(epochs=3, max_length=64, batch_size=16, learning_rate=1e-4)
# GPU: every row, the profile's epochs and max_length.
FULL = CrossValSettings()


@dataclass(frozen=True)
class Fold:
    """Row indices (into the data the folds were made from) of one fold's three parts."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


@dataclass
class CrossValResult:
    """Per-fold metrics, their mean and sample standard deviation, out-of-fold predictions."""

    name: str
    k: int
    fold_metrics: list[dict]
    predictions: Predictions  # every row predicted once, by the model that did not see it
    rows: np.ndarray  # row i of ``predictions`` is row ``rows[i]`` of the data given
    settings: dict = field(default_factory=dict)
    folds: list = field(default_factory=list)  # the Fold objects (indices into the rows above)

    def summary(self, metrics=SUMMARY_METRICS) -> dict:
        """``{metric: {"mean": .., "std": ..}}`` over folds (std with ddof=1)."""
        out = {}
        for name in metrics:
            values = [m[name] for m in self.fold_metrics if m.get(name) is not None]
            if values:
                out[name] = {
                    "mean": float(np.mean(values)),
                    "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
                }
        return out

    def to_frame(self):
        """One row per fold (accuracy, F1, ...), as a pandas DataFrame."""
        import pandas as pd

        keep = ("fold", "n_train", "n_validation", "n_test", "seconds", "n", *SUMMARY_METRICS, "precision", "recall")
        return pd.DataFrame([{k: m.get(k) for k in keep if k in m} for m in self.fold_metrics])

    def to_dict(self) -> dict:
        return {"name": self.name, "k": self.k, "summary": self.summary(), "folds": self.fold_metrics,
                "settings": self.settings}


def subset_rows(labels, max_samples: int | None, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Indices of a stratified random subset of at most ``max_samples`` rows (sorted)."""
    from sklearn.model_selection import train_test_split

    labels = np.asarray(labels)
    rows = np.arange(len(labels))
    if max_samples is None or max_samples >= len(labels):
        return rows
    kept, _ = train_test_split(rows, train_size=max_samples, stratify=labels, random_state=seed)
    return np.sort(kept)


def make_folds(labels, k: int = 5, *, seed: int = DEFAULT_SEED, validation_fraction: float = 0.1) -> list[Fold]:
    """Stratified k folds (shuffled, seeded); each training part loses a stratified validation slice."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    labels = np.asarray(labels)
    if k < 2:
        raise EvaluationError(f"cross-validation needs k >= 2 folds, got {k}")
    smallest = int(np.bincount(labels, minlength=2).min())
    if smallest < k:
        raise EvaluationError(
            f"the rarer class has {smallest} rows: too few for {k} stratified folds (need at least {k})"
        )
    folds = []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        if validation_fraction:
            train, validation = train_test_split(
                train, test_size=validation_fraction, stratify=labels[train], random_state=seed
            )
        else:
            validation = np.array([], dtype=int)
        folds.append(Fold(np.sort(train), np.sort(validation), np.sort(test)))
    return folds


def _prepare(dataset, settings: CrossValSettings, k: int, seed: int, text_column: str, label_column: str):
    from datasets import Dataset

    if not isinstance(dataset, Dataset):
        import pandas as pd

        frame = dataset if isinstance(dataset, pd.DataFrame) else pd.DataFrame(dict(dataset))
        dataset = Dataset.from_pandas(frame, preserve_index=False)
    labels = read_examples(dataset, text_column, label_column).labels
    if labels is None:
        raise EvaluationError(f"cross-validation needs labels: no column {label_column!r}")
    rows = subset_rows(labels, settings.max_samples, seed)
    folds = make_folds(labels[rows], k, seed=seed, validation_fraction=settings.validation_fraction)
    return dataset.select(rows), rows, folds


def _fold_record(index: int, fold: Fold, predictions: Predictions, seconds: float) -> dict:
    metrics = compute_metrics(predictions.y_true, predictions.y_pred, predictions.y_prob, n_bootstrap=0)
    return {"fold": index, "n_train": len(fold.train), "n_validation": len(fold.validation),
            "n_test": len(fold.test), "seconds": round(seconds, 2), **metrics}


def _out_of_fold(parts: list[Predictions], folds: list[Fold]) -> Predictions:
    order = np.concatenate([f.test for f in folds])
    merged = Predictions(
        texts=[t for p in parts for t in p.texts],
        y_pred=np.concatenate([p.y_pred for p in parts]),
        y_prob=np.concatenate([p.y_prob for p in parts]),
        y_true=np.concatenate([p.y_true for p in parts]),
        extra={k: [v for p in parts for v in p.extra[k]] for k in parts[0].extra},
        threshold=parts[0].threshold,
    )
    return merged.take(np.argsort(order, kind="stable"))


def cross_validate_baseline(
    dataset,
    *,
    k: int = 5,
    fast: bool = True,
    settings: CrossValSettings | None = None,
    seed: int = DEFAULT_SEED,
    text_column: str = "text",
    label_column: str = "label",
) -> CrossValResult:
    """TF-IDF + logistic regression on the same folds (and the same training rows) as
    :func:`cross_validate_finetune` with the same ``k``, ``seed`` and settings."""
    from coursekit.evaluation.baseline import predict_baseline, train_baseline

    settings = settings or (FAST if fast else FULL)
    data, rows, folds = _prepare(dataset, settings, k, seed, text_column, label_column)
    records, parts = [], []
    for index, fold in enumerate(folds):
        started = time.perf_counter()
        pipeline = train_baseline(data.select(fold.train), text_column=text_column, label_column=label_column,
                                  seed=seed)
        predictions = predict_baseline(pipeline, data.select(fold.test), text_column=text_column,
                                       label_column=label_column)
        records.append(_fold_record(index, fold, predictions, time.perf_counter() - started))
        parts.append(predictions)
    oof = _out_of_fold(parts, folds)
    return CrossValResult("tfidf-logreg", k, records, oof, rows,
                          settings=settings.__dict__.copy(), folds=folds)


def _fine_tune_fold(data, fold, index, profile, settings, root, seed, learning_rate):
    """Train one fold's model on its training part (watching its validation part); predict its test part."""
    from datasets import DatasetDict

    from coursekit.evaluation.predict import predict
    from coursekit.train import TrainConfig, train_model
    from coursekit.train.config import ASSIGNMENT

    started = time.perf_counter()
    splits = DatasetDict({"train": data.select(fold.train), "validation": data.select(fold.validation)})
    config = TrainConfig.from_profile(
        profile, output_dir=str(root / f"fold-{index}"), epochs=settings.epochs or ASSIGNMENT["epochs"],
        max_steps=settings.max_steps, batch_size=settings.batch_size,
        learning_rate=learning_rate or settings.learning_rate, max_length=settings.max_length, seed=seed,
    )
    result = train_model(splits, config)
    predictions = predict((result.model, result.tokenizer), data.select(fold.test),
                          max_length=getattr(config, "max_length", None), progress=False)
    record = _fold_record(index, fold, predictions, time.perf_counter() - started)
    record["history"] = result.history
    return record, predictions


def cross_validate_finetune(
    dataset,
    profile=None,
    *,
    k: int = 5,
    fast: bool = True,
    settings: CrossValSettings | None = None,
    seed: int = DEFAULT_SEED,
    text_column: str = "text",
    label_column: str = "label",
    output_dir=None,
    keep_models: bool = False,
    learning_rate: float | None = None,
    log=print,
) -> CrossValResult:
    """Fine-tune one model per fold with :func:`coursekit.train.train_model` and score
    it on the fold's test part.

    ``fast=True`` uses :data:`FAST` (short texts, a higher learning rate: for CPU, CI and notebooks);
    ``fast=False`` uses :data:`FULL` (every row, the profile's epochs: for a GPU).
    Fold models go to a temporary folder, removed afterwards unless ``keep_models``.
    """
    from coursekit.profiles import get_profile

    profile = profile or get_profile()
    settings = settings or (FAST if fast else FULL)
    data, rows, folds = _prepare(dataset, settings, k, seed, text_column, label_column)
    if text_column != "text" or label_column != "label":
        data = data.rename_columns({c: n for c, n in ((text_column, "text"), (label_column, "label")) if c != n})
    root = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="coursekit-cv-"))
    records, parts = [], []
    try:
        for index, fold in enumerate(folds):
            record, predictions = _fine_tune_fold(data, fold, index, profile, settings, root, seed, learning_rate)
            records.append(record)
            parts.append(predictions)
            if log:
                log(f"fold {index + 1}/{k}: accuracy {record['accuracy']:.3f}, macro-F1 {record['f1_macro']:.3f}, "
                    f"negative-class F1 {record['f1_negative']:.3f} ({record['seconds']:.0f} s)")
            if not keep_models:
                shutil.rmtree(root / f"fold-{index}", ignore_errors=True)
    finally:
        if not keep_models and not output_dir:
            shutil.rmtree(root, ignore_errors=True)
    oof = _out_of_fold(parts, folds)
    return CrossValResult("fine-tuned " + Path(str(profile.model)).name, k, records, oof,
                          rows, settings=settings.__dict__.copy(), folds=folds)
