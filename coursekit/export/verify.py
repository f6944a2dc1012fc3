"""Check an exported graph against PyTorch: same inputs, logits within a tolerance."""
from __future__ import annotations

from pathlib import Path

import numpy as np

# fp32 graphs, fused or not, differ from PyTorch by float rounding only (measured ~1e-6).
FP32_TOLERANCE = 1e-4


def ort_logits(path: Path, inputs: dict) -> np.ndarray:
    """Logits of the ONNX graph at ``path`` for a batch of torch tensors or numpy arrays."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {}
    for spec in session.get_inputs():
        value = inputs[spec.name]
        feeds[spec.name] = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.int64)
    return session.run(["logits"], feeds)[0]


def logit_difference(path: Path, inputs: dict, reference: np.ndarray) -> float:
    """The largest absolute difference between the graph's logits and ``reference``."""
    return float(np.abs(ort_logits(path, inputs) - reference).max())
