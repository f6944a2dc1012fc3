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


def build_manifest(source, *, max_length: int, clean_text: bool, has_int8: bool, opset: int,
                   fusion: dict, export_check: dict, quantization: dict | None = None) -> dict:
    """The ``export.json`` of an export of ``source`` (a :class:`~coursekit.export.source.SourceModel`)."""
    from datetime import datetime, timezone

    config, tokenizer = source.config, source.tokenizer
    pad_id = tokenizer.pad_token_id
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": "text-classification",
        "labels": [config.id2label[i] for i in range(config.num_labels)],
        "inputs": list(source.input_names),
        "max_length": int(max_length),
        "clean_text": bool(clean_text),
        "pad_token": tokenizer.pad_token,
        "pad_token_id": int(pad_id if pad_id is not None else 0),
        "pad_token_type_id": int(getattr(tokenizer, "pad_token_type_id", 0) or 0),
        "files": {"fp32": FP32_NAME, **({"int8": INT8_NAME} if has_int8 else {})},
        "serve": "int8" if has_int8 else "fp32",
        "opset": int(opset),
        "exporter": "torchscript",
        "fusion": fusion,
        **({"quantization": quantization} if quantization else {}),
        "export_check": export_check,
        "source_model": source.model_dir.name,
        "model_type": config.model_type,
        "versions": _versions(),
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("torch", "transformers", "onnx", "onnxruntime", "tokenizers"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found
