"""The ``export.json`` manifest that describes an exported ONNX folder, and moving a finished export
into place, the manifest last.

The folder's file names and how to read it belong to the model folder's contract
(:mod:`coursekit.model_folder.exports`); the scoring script (:mod:`coursekit.serving.score`)
reads the same keys without importing either, so the format is plain JSON and versioned.
Everything is built in a temporary folder inside the output folder; only when every step
worked are the files moved in (same file system: each move is atomic), so a failed export
never damages an earlier one.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..fileio import write_json_atomic
from ..model_folder import CARD_FILE, FP32_NAME, INT8_NAME, MANIFEST_NAME, PARITY_NAME, is_export_dir, read_manifest

__all__ = ["FP32_NAME", "INT8_NAME", "MANIFEST_NAME", "PARITY_NAME", "is_export_dir", "read_manifest",
           "build_manifest", "publish"]
FORMAT = "coursekit-onnx"
FORMAT_VERSION = 1
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


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


def publish(staging: Path, output_dir: Path, manifest: dict) -> None:
    """Move the graphs and tokenizer files of ``staging`` into ``output_dir``, then write the manifest."""
    os.replace(staging / FP32_NAME, output_dir / FP32_NAME)
    if (staging / INT8_NAME).exists():
        os.replace(staging / INT8_NAME, output_dir / INT8_NAME)
    elif (output_dir / INT8_NAME).exists():
        (output_dir / INT8_NAME).unlink()  # a stale int8 copy of an older model
    for name in TOKENIZER_FILES:
        if (staging / "tokenizer" / name).exists():
            os.replace(staging / "tokenizer" / name, output_dir / name)
    if (staging / CARD_FILE).exists():
        os.replace(staging / CARD_FILE, output_dir / CARD_FILE)  # the model card
    if (output_dir / PARITY_NAME).exists():
        (output_dir / PARITY_NAME).unlink()  # the parity report of the model this export replaces
    write_json_atomic(output_dir / MANIFEST_NAME, manifest)
