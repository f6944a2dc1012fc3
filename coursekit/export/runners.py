"""The same classifier behind two engines: PyTorch eager and an ONNX Runtime session.

Both take the same int64 numpy batch (what the Hugging Face tokenizer returns) and give
numpy logits, so parity checks and latency runs compare like with like.
"""
from __future__ import annotations

import inspect
import os
from pathlib import Path

import numpy as np


def encode(tokenizer, texts: list[str], max_length: int, *, pad_to_max: bool = False) -> dict[str, np.ndarray]:
    """Tokenize ``texts`` to int64 arrays (longest-in-batch padding, or exactly ``max_length``)."""
    encoded = tokenizer(
        list(texts),
        padding="max_length" if pad_to_max else True,
        truncation=True,
        max_length=max_length,
        return_tensors="np",
    )
    return {name: np.asarray(value, dtype=np.int64) for name, value in encoded.items()}


class TorchClassifier:
    """PyTorch eager inference (``torch.inference_mode``, the default attention) of a saved HF classifier."""

    engine = "pytorch"

    def __init__(self, model_dir: str | os.PathLike, threads: int | None = None):
        import torch

        from ..errors import ExportError
        from ..model_folder import ModelFolder

        if threads:
            torch.set_num_threads(threads)
        self.model_dir = Path(model_dir)
        self.model = ModelFolder(model_dir).load(error=ExportError, show_progress=False)[0].eval()
        accepted = set(inspect.signature(self.model.forward).parameters)
        self.input_names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted]

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            tensors = {n: torch.from_numpy(batch[n]) for n in self.input_names if n in batch}
            return self.model(**tensors).logits.float().numpy()

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.model_dir.glob("*.safetensors")) or sum(
            p.stat().st_size for p in self.model_dir.glob("pytorch_model*.bin")
        )


def session_options(threads: int | None = None, spinning: bool = False):
    """ONNX Runtime session options as the scoring service uses them.

    ``threads``: intra-op threads (None: ORT's default, one per physical core). ``spinning``:
    whether idle worker threads busy-wait for the next run: ORT's own default is on, the
    scoring service (``coursekit/serving/score.py``) turns it off, as here by default.
    Spinning answers a dedicated server's next request sooner but burns the cores
    meanwhile, which slows anything else running on them.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = int(threads)
        options.inter_op_num_threads = 1
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class OrtClassifier:
    """An ONNX Runtime CPU session over one exported graph."""

    def __init__(self, onnx_path: str | os.PathLike, threads: int | None = None, engine: str | None = None,
                 *, spinning: bool = False):
        import onnxruntime as ort

        self.path = Path(onnx_path)
        self.engine = engine or self.path.stem
        self.session = ort.InferenceSession(str(self.path), session_options(threads, spinning),
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(["logits"], {n: batch[n] for n in self.input_names})[0]

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def make_runner(kind: str, path: str | os.PathLike, threads: int | None = None, spinning: bool = False):
    """A :class:`TorchClassifier` (``kind="torch"``, a model folder) or an :class:`OrtClassifier` (an .onnx file)."""
    if kind == "torch":
        return TorchClassifier(path, threads)
    if kind == "ort":
        return OrtClassifier(path, threads, spinning=spinning)
    raise ValueError(f"unknown engine kind {kind!r} (torch or ort)")
