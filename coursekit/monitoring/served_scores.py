"""The reference's scores by the graph that answered the traffic: compare like with like.

Training scores the validation split with PyTorch; the endpoint answers with an ONNX graph
(int8 by default), whose scores differ a little from PyTorch's. On confident shop reviews
(scores near 0.99) that difference alone moves the score PSI past its threshold on traffic
that has not shifted at all. So before comparing, the monitor finds the graph named by the
traffic's model fingerprint (in the export folder), scores the reference's validation reviews
with it once, and keeps those scores in the reference profile under ``scores_by_model``.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import CoursekitError
from .reference import REFERENCE_NAME, MonitorError, reference_positions, write_reference

SCORES_KEY = "scores_by_model"
BATCH = 32
MAX_MISALIGNED = 0.01  # share of rows whose length may differ before the texts are judged not to line up


def served_fingerprint(models: dict) -> str | None:
    """The fingerprint of the graph that answered most of the traffic (None when none is logged)."""
    counts = Counter({k: v for k, v in models.items() if k})
    return counts.most_common(1)[0][0] if counts else None


def default_graph_fingerprint(export_dir) -> str | None:
    """The fingerprint of the graph an export serves by default (``export.json``'s ``serve``), or None."""
    from ..serving.export_dir import model_file
    from ..serving.score_model import file_fingerprint

    try:
        return file_fingerprint(Path(export_dir) / model_file(export_dir, None)[0])
    except (CoursekitError, OSError, ValueError):
        return None


def with_served_scores(profile: dict, reference_path: Path, fingerprint: str | None, exports=()) -> dict:
    """``profile`` with its scores from the graph ``fingerprint`` when they can be had, and
    ``scored_by`` saying which engine scored them (and, for PyTorch's, why the graph's could not)."""
    by_model = profile.get(SCORES_KEY) or {}
    if fingerprint is None:
        return {**profile, "scored_by": {"engine": "pytorch"}}
    if fingerprint not in by_model:
        try:
            entry = _score_with_graph(profile, reference_path, fingerprint, exports)
        except (CoursekitError, OSError, ValueError) as exc:
            note = (f"the reference was scored by PyTorch and the traffic by graph {fingerprint}, which could not "
                    f"score it ({str(exc)[:200]}): engine differences can read as score drift")
            return {**profile, "scored_by": {"engine": "pytorch", "note": note}}
        if entry is None:
            note = (f"the reference was scored by PyTorch and the traffic by graph {fingerprint}, found in no export "
                    "folder: engine differences can read as score drift (name the export with --export DIR)")
            return {**profile, "scored_by": {"engine": "pytorch", "note": note}}
        by_model = {**by_model, fingerprint: entry}
        _save(profile, reference_path, by_model)
    entry = by_model[fingerprint]
    scores = np.asarray(entry["p_positive"], dtype=float)
    threshold = profile.get("threshold", 0.5)
    labels = profile.get("labels", ["NEGATIVE", "POSITIVE"])
    data = {**profile["data"], "p_positive": entry["p_positive"],
            "label": [labels[1] if p >= threshold else labels[0] for p in scores]}
    return {**profile, SCORES_KEY: by_model, "data": data,
            "scored_by": {"engine": entry["file"], "fingerprint": fingerprint}}


def _save(profile: dict, reference_path: Path, by_model: dict) -> None:
    """Keep the graph's scores in the reference file (best effort: a read-only copy is scored again)."""
    try:
        write_reference(reference_path.parent, {**profile, SCORES_KEY: by_model}, reference_path.name)
    except OSError:
        pass


def export_candidates(reference_path: Path, exports=()) -> list[Path]:
    """Where the serving graph may be: the folders named, the reference's own folder when it is an
    export, and the model folder's default export folder."""
    from ..model_folder import EXPORT_FOLDER

    found = [Path(e) for e in exports] + [reference_path.parent, reference_path.parent / EXPORT_FOLDER]
    return list(dict.fromkeys(found))


def find_graph(fingerprint: str, candidates) -> tuple[Path, str] | None:
    """(export folder, file name) of the graph whose fingerprint is ``fingerprint``."""
    from ..model_folder import read_manifest
    from ..serving.score_model import file_fingerprint, find_export_dir

    for candidate in candidates:
        try:
            export_dir = find_export_dir(candidate)
            files = read_manifest(export_dir)["files"].values()
        except (OSError, ValueError, KeyError):
            continue
        for name in files:
            if (export_dir / name).is_file() and file_fingerprint(export_dir / name) == fingerprint:
                return export_dir, name
    return None


def _score_with_graph(profile: dict, reference_path: Path, fingerprint: str, exports) -> dict | None:
    """The graph's P(positive) for the reference's validation reviews, rebuilt from the run card."""
    from ..serving.score_model import OnnxSentimentClassifier
    from ..train.pipeline import raw_splits_from_run_card

    found = find_graph(fingerprint, export_candidates(reference_path, exports))
    if found is None:
        return None
    export_dir, name = found
    from ..model_folder import RUN_CARD_FILE

    model_dir = reference_path.parent if reference_path.name == REFERENCE_NAME else None
    if model_dir is None or not (model_dir / RUN_CARD_FILE).is_file():
        raise MonitorError(f"{reference_path} is not in a model folder with a run card, so its validation "
                           "reviews cannot be rebuilt")
    validation = list(raw_splits_from_run_card(model_dir)["validation"]["text"])
    texts = [validation[i] for i in reference_positions(len(validation), profile.get("sample_seed", 0))]
    if len(texts) != profile["rows"]:
        raise MonitorError(f"the run card's validation split has {len(texts)} reviews, the reference {profile['rows']}")
    classifier = OnnxSentimentClassifier(export_dir, model_file=name)
    positive = profile.get("positive_label", classifier.labels[-1])
    scores, features = [], []
    for start in range(0, len(texts), BATCH):
        answers = classifier.predict(texts[start:start + BATCH], features=features)
        scores += [a["probabilities"][positive] for a in answers]
    chars = np.asarray([f["chars"] for f in features]) != np.asarray(profile["data"]["chars"])
    if chars.mean() > MAX_MISALIGNED:
        raise MonitorError(f"the rebuilt validation reviews do not line up with the reference ({chars.sum()} of "
                           f"{len(texts)} differ in length)")
    return {"file": name, "export": str(export_dir.name), "p_positive": [round(float(p), 5) for p in scores]}
