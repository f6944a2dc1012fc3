"""The export folder of a model folder (``MODEL/onnx`` unless ``--output`` says otherwise): its file
names, its manifest, and whether it still matches the weights it was exported from.

:mod:`coursekit.export` writes these files; serving, Azure and the lessons read them; the
scoring script (:mod:`coursekit.serving.score`) reads the same keys without importing this
module, so the manifest is plain, versioned JSON.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

EXPORT_FOLDER = "onnx"  # MODEL/onnx: where `coursekit export MODEL` writes by default
MANIFEST_NAME = "export.json"
FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
PARITY_NAME = "parity.json"
SOURCE_KEY = "source_model_fingerprint"  # the weights an export came from (the run card's fingerprint)


def is_export_dir(path: str | os.PathLike) -> bool:
    """True when ``path`` holds an exported model (manifest and fp32 graph)."""
    path = Path(path)
    return (path / MANIFEST_NAME).is_file() and (path / FP32_NAME).is_file()


def read_manifest(export_dir: str | os.PathLike) -> dict:
    """The manifest of ``export_dir`` as a dict."""
    with open(Path(export_dir) / MANIFEST_NAME, encoding="utf-8") as fh:
        return json.load(fh)


def export_matches(model_dir: Path, export_dir: Path, fingerprint: str | None, trained_by_coursekit: bool) -> bool:
    """Whether ``export_dir`` was exported from the weights now in ``model_dir``: the manifest's
    fingerprint is the run card's; for a folder without a run card, no weight file is newer than the graph."""
    if not is_export_dir(export_dir):
        return False
    if trained_by_coursekit:
        recorded = read_manifest(export_dir).get(SOURCE_KEY)
        return bool(recorded) and recorded == fingerprint
    weights = [p.stat().st_mtime for p in Path(model_dir).glob("*.safetensors")]
    return bool(weights) and (Path(export_dir) / FP32_NAME).stat().st_mtime >= max(weights)
