"""Move a finished export from its staging folder into place, the manifest last.

Everything is built in a temporary folder inside the output folder; only when every
step worked are the files moved in (same file system: each move is atomic), so a failed
export never damages an earlier one.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..fileio import write_json_atomic
from .manifest import FP32_NAME, INT8_NAME, MANIFEST_NAME

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


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
    write_json_atomic(output_dir / MANIFEST_NAME, manifest)
