"""Fingerprints: which weights a derived file (an export, an evaluation) came from, and which data file
a model was trained on."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import RunCardError

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json")


def file_fingerprint(path: str | Path, chunk: int = 1 << 20) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def model_fingerprint(folder: str | Path) -> str:
    """One fingerprint of a model folder's weights and config (what derived files are checked against)."""
    folder = Path(folder)
    digest = hashlib.sha256()
    found = False
    for name in WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            found = True
            digest.update(name.encode())
            digest.update(file_fingerprint(path).encode())
    if not found:
        raise RunCardError(f"{folder}: no model weights (model.safetensors); train one with coursekit train")
    return "sha256:" + digest.hexdigest()


def data_fingerprint(source: str) -> str:
    """The data file's fingerprint, or the Hub dataset's name for ``imdb``."""
    path = Path(source)
    if path.is_file():
        return file_fingerprint(path)
    return f"hub:{source}"
