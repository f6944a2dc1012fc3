"""The classifier folder and its ONNX export that the export, serving, monitoring and Azure tests read.

Building and exporting it take ~15 s on two cores, so they are made once per test run
(``built_once``: every pytest-xdist worker shares them) and reused: take the session
fixtures ``offline_classifier`` and ``offline_export`` (tests/conftest.py).
"""
from __future__ import annotations

import os
from pathlib import Path

from fixture_cache import built_once


def build_classifier(folder: Path) -> None:
    """Save the offline MiniLM with a fresh 2-class head (seeded) and its tokenizer in ``folder``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from coursekit.labels import ID2LABEL, LABEL2ID
    from coursekit.profiles import offline_model_path
    from coursekit.progress import configure_quiet_libraries

    configure_quiet_libraries(False)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        offline_model_path(), num_labels=2, id2label=ID2LABEL, label2id=LABEL2ID)
    AutoTokenizer.from_pretrained(offline_model_path()).save_pretrained(folder)
    model.save_pretrained(folder)


def classifier_dir(tmp_path_factory) -> Path:
    """The ``offline_classifier`` session fixture (tests/conftest.py), for code that has no fixture at hand."""
    return built_once(tmp_path_factory, "offline-classifier", build_classifier)


def export_dir(tmp_path_factory) -> Path:
    """The ``offline_export`` session fixture (tests/conftest.py): :func:`classifier_dir` exported once
    (fp32 + int8, max_length 64)."""
    from coursekit.export import export_onnx

    model = classifier_dir(tmp_path_factory)
    return built_once(tmp_path_factory, "offline-export", lambda folder: export_onnx(model, folder, max_length=64))


def sample_texts(n: int = 40) -> tuple[list[str], list[int]]:
    """The first ``n`` usable reviews of the real shop slice (tests/data), as written, with 0/1 labels."""
    from shop_slice import slice_texts

    return slice_texts(n)
