"""Shared, session-cached artefacts for the export, serving and Azure tests.

Building the classifier folder and exporting it take ~15 s on two cores, so they are
made once per test session (the first test module that asks) and reused; fixtures in
several modules call these functions, which cache by process.
"""
from __future__ import annotations

import os
from pathlib import Path

_CACHE: dict[str, Path] = {}


def classifier_dir(tmp_path_factory) -> Path:
    """The offline MiniLM with a fresh 2-class head (seeded), saved with its tokenizer."""
    if "model" not in _CACHE:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from coursekit.labels import ID2LABEL, LABEL2ID
        from coursekit.profiles import offline_model_path
        from coursekit.progress import configure_quiet_libraries

        configure_quiet_libraries(False)
        folder = tmp_path_factory.mktemp("classifier")
        torch.manual_seed(0)
        model = AutoModelForSequenceClassification.from_pretrained(
            offline_model_path(), num_labels=2, id2label=ID2LABEL, label2id=LABEL2ID)
        AutoTokenizer.from_pretrained(offline_model_path()).save_pretrained(folder)
        model.save_pretrained(folder)
        _CACHE["model"] = folder
    return _CACHE["model"]


def export_dir(tmp_path_factory) -> Path:
    """:func:`classifier_dir` exported once (fp32 + int8, max_length 64)."""
    if "export" not in _CACHE:
        from coursekit.export import export_onnx

        folder = tmp_path_factory.mktemp("export")
        export_onnx(classifier_dir(tmp_path_factory), folder, max_length=64)
        _CACHE["export"] = folder
    return _CACHE["export"]


def sample_texts(n: int = 40) -> tuple[list[str], list[int]]:
    """The first ``n`` usable reviews of the real shop slice (tests/data), as written, with 0/1 labels."""
    from shop_slice import slice_texts

    return slice_texts(n)
