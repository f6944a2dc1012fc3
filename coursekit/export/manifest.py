"""The ``export.json`` manifest that describes an exported ONNX folder.

The scoring script (:mod:`coursekit.serving.score`) reads the same keys without
importing this module, so the format is plain JSON and versioned.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST_NAME = "export.json"
FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
PARITY_NAME = "parity.json"
FORMAT = "coursekit-onnx"
FORMAT_VERSION = 1


def is_export_dir(path: str | os.PathLike) -> bool:
    """True when ``path`` holds an exported model (manifest and fp32 graph)."""
    path = Path(path)
    return (path / MANIFEST_NAME).is_file() and (path / FP32_NAME).is_file()


def read_manifest(export_dir: str | os.PathLike) -> dict:
    """The manifest of ``export_dir`` as a dict."""
    with open(Path(export_dir) / MANIFEST_NAME, encoding="utf-8") as fh:
        return json.load(fh)
