"""The reference profile: what the model's inputs and outputs looked like when it was trained.

Written into the model folder (``monitoring-reference.json``) at the end of training from
the validation split: the distribution of P(positive), the predicted-positive share, text
lengths, unknown-token statistics (the same derived features the scoring script logs:
:mod:`coursekit.serving.score_features`), and the training split's vocabulary. The
monitor compares collected traffic with it; ``coursekit azure monitor`` uploads its rows
as the reference data of the Azure ML monitor.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import CoursekitError
from ..serving.score_features import special_token_ids, text_features, words_of

REFERENCE_NAME = "monitoring-reference.json"
FORMAT = "coursekit-monitor-reference"
MAX_ROWS = 5000  # validation rows kept (a seeded sample beyond that)
MAX_VOCABULARY = 50_000  # most frequent training words kept
FEATURES = ("chars", "words", "pieces", "unk")


class MonitorError(CoursekitError, ValueError):
    """Collected logs or a reference profile that cannot be used (names the file and the option)."""


def build_reference(texts: list[str], p_positive, tokenizer, *, max_length: int, vocabulary_texts=(),
                    labels=("NEGATIVE", "POSITIVE"), threshold: float = 0.5, seed: int = 0) -> dict:
    """The profile of ``texts`` (the validation split, as the model saw them) and their scores.

    ``tokenizer`` is a ``tokenizers.Tokenizer`` (a transformers fast tokenizer's
    ``backend_tokenizer``); ``vocabulary_texts`` (the training split) give the vocabulary.
    """
    p_positive = np.asarray(p_positive, dtype=float)
    if len(texts) != len(p_positive) or not len(texts):
        raise MonitorError(f"the reference needs one score per text ({len(texts)} texts, {len(p_positive)} scores)")
    keep = reference_positions(len(texts), seed)
    texts, p_positive = [texts[i] for i in keep], p_positive[keep]
    rows = _feature_rows(texts, tokenizer, max_length)
    vocab = Counter(w for t in vocabulary_texts for w in words_of(t))
    vocabulary = dict(vocab.most_common(MAX_VOCABULARY))
    words = [w for t in texts for w in words_of(t)]
    oov = sum(1 for w in words if w not in vocabulary) / len(words) if words and vocabulary else None
    rows["p_positive"] = [round(float(p), 5) for p in p_positive]
    rows["label"] = [labels[1] if p >= threshold else labels[0] for p in p_positive]
    pieces, unk = np.array(rows["pieces"]), np.array(rows["unk"])
    return {
        "format": FORMAT, "format_version": 1, "split": "validation", "rows": len(texts), "sample_seed": seed,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": list(labels), "positive_label": labels[1], "threshold": threshold, "max_length": int(max_length),
        "scores": {"positive_share": round(float(np.mean(p_positive >= threshold)), 4),
                   "mean": round(float(p_positive.mean()), 4),
                   "quantiles": [round(float(q), 4) for q in np.quantile(p_positive, np.linspace(0, 1, 11))]},
        "lengths": {name: _summary(rows[name]) for name in ("chars", "words", "pieces")},
        "unknown": {"rate": round(float(unk.sum() / max(pieces.sum(), 1)), 6),
                    "texts_with_unknown_share": round(float(np.mean(unk > 0)), 4)},
        "truncated_share": round(float(np.mean(rows.pop("truncated"))), 4),
        "vocabulary": {"words": vocabulary, "training_texts": len(vocabulary_texts),
                       "validation_oov_rate": None if oov is None else round(oov, 5)},
        "data": rows,
    }


def reference_positions(n: int, seed: int = 0) -> np.ndarray:
    """Which of ``n`` validation rows the profile keeps: all, or a seeded sample of :data:`MAX_ROWS`."""
    keep = np.arange(n)
    if n > MAX_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(keep, MAX_ROWS, replace=False))
    return keep


def _feature_rows(texts: list[str], tokenizer, max_length: int) -> dict:
    from copy import deepcopy

    tokenizer = deepcopy(tokenizer)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    unk_id, special = special_token_ids(tokenizer)
    feats = [text_features(t, e, unk_id, special) for t, e in zip(texts, tokenizer.encode_batch(list(texts)))]
    return {name: [f[name] for f in feats] for name in (*FEATURES, "truncated")}


def _summary(values) -> dict:
    values = np.asarray(values, dtype=float)
    return {"mean": round(float(values.mean()), 2),
            "quantiles": [round(float(q), 2) for q in np.quantile(values, [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])]}


def write_reference(folder: str | os.PathLike, profile: dict, name: str = REFERENCE_NAME) -> Path:
    from ..fileio import write_json_atomic

    return write_json_atomic(Path(folder) / name, profile)


def read_reference(path: str | os.PathLike, option: str = "--reference") -> dict:
    """A reference profile from its file, its model folder, or an export folder inside it."""
    path = find_reference(path, option)
    try:
        profile = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MonitorError(f"{option} {path}: cannot read the reference profile ({exc})") from None
    if not isinstance(profile, dict) or profile.get("format") != FORMAT or "data" not in profile:
        raise MonitorError(f"{option} {path}: not a coursekit monitoring reference (written by `coursekit train`)")
    return profile


def find_reference(path: str | os.PathLike, option: str = "--reference") -> Path:
    path = Path(path)
    for candidate in (path, path / REFERENCE_NAME, path.parent / REFERENCE_NAME):
        if candidate.is_file():
            return candidate
    raise MonitorError(f"{option} {path}: no {REFERENCE_NAME} there or in the folder above; `coursekit train` "
                       "writes it into the model folder (older models: `coursekit monitor --write-reference MODEL_DIR`)")


def profile_trained_model(model_dir: str | os.PathLike, validation_texts, training_texts=()) -> Path | None:
    """Score the validation texts with the trained model in ``model_dir`` and write its reference
    profile there (the training hook; only the main process of a distributed run writes)."""
    from ..evaluation.predict import positive_index, predict
    from ..model_folder import ModelFolder
    from ..train.distributed import is_main_process

    if not is_main_process():
        return None
    folder = ModelFolder(model_dir)
    model, tokenizer = folder.load()
    texts = list(validation_texts)
    if not texts:
        return None
    max_length = folder.max_length
    scores = predict((model, tokenizer), texts, max_length=max_length, progress=False).y_prob
    pos = positive_index(model.config)
    labels = (model.config.id2label[1 - pos], model.config.id2label[pos])  # (negative, positive)
    profile = build_reference(texts, scores, tokenizer.backend_tokenizer, max_length=max_length,
                              vocabulary_texts=list(training_texts), labels=labels)
    return write_reference(model_dir, profile)


def reference_after_training(model_dir: str | os.PathLike, splits) -> Path | None:
    """The training hook: write the reference profile from the run's validation and training
    splits; a failure is reported in one line and never fails the finished training."""
    try:
        path = profile_trained_model(model_dir, splits["validation"]["text"], splits["train"]["text"])
    except Exception as exc:  # noqa: BLE001 - the model is saved; the profile can be written later
        print(f"warning: no monitoring reference written ({type(exc).__name__}: {str(exc)[:200]}); "
              f"`coursekit monitor --write-reference {model_dir}` writes it later", flush=True)
        return None
    return path
