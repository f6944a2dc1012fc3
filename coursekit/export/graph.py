"""The two graph-building steps, PyTorch → ONNX and ONNX Runtime's transformer fusions, and the check
that a graph still computes PyTorch's logits.

Why the TorchScript exporter (``dynamo=False``) and not the newer ``torch.export`` one:
ONNX Runtime's BERT optimizer (``onnxruntime.transformers.optimizer``, the library that
fuses BERT and DistilBERT graphs) recognises the TorchScript graph of eager attention and
turns it into ``EmbedLayerNormalization``, ``Attention`` (one packed QKV weight),
``SkipLayerNormalization`` and ``BiasGelu``. The ``torch.export`` graph of the same model
builds its attention mask with gathers that this optimizer cannot match (no Attention
fused; tried: MiniLM with SDPA attention, DistilBERT with eager attention). onnxscript's
own fusions do fuse it, but into an ``Attention`` with three separate weight sizes and a
float mask, which the quantizer leaves in fp32: that int8 copy kept the QKV projections
in fp32 (1 thread, batch 1, 128 tokens, CPU time per call: 11.7 ms against 9.7 ms here;
PyTorch 40 ms). The TorchScript exporter still ships with the pinned torch (it warns that
it is deprecated) and traces BERT in seconds where ``torch.export`` takes tens of seconds.
"""
from __future__ import annotations

import collections
import contextlib
import io
import logging
import re
import warnings
from pathlib import Path

import numpy as np

from ..errors import ExportError

DEFAULT_OPSET = 17
# Operators of ONNX Runtime's contrib domain that the fusions produce (fp32 graph) and the
# quantizer turns into their integer forms (int8 graph); counted in the saved files.
FUSED_OPS = ("EmbedLayerNormalization", "Attention", "MultiHeadAttention", "SkipLayerNormalization",
             "BiasGelu", "FastGelu", "Gelu", "QEmbedLayerNormalization", "QAttention")


@contextlib.contextmanager
def quiet_exporter(enabled: bool = True):
    """Silence the exporter's and optimizer's prints, warnings and log lines."""
    if not enabled:
        yield
        return
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(previous)


def torch_to_onnx(model, inputs: dict, path: Path, opset: int = DEFAULT_OPSET) -> Path:
    """Trace ``model`` on ``inputs`` into one self-contained ONNX file with dynamic batch and sequence axes."""
    import torch

    try:
        torch.onnx.export(
            model, (), str(path), kwargs=inputs, input_names=list(inputs), output_names=["logits"],
            dynamic_axes={**{name: {0: "batch", 1: "sequence"} for name in inputs}, "logits": {0: "batch"}},
            opset_version=opset, dynamo=False, do_constant_folding=True,
        )
    except Exception as exc:  # noqa: BLE001 - the exporter raises many types; one message names the model
        raise ExportError(f"torch.onnx.export failed: {exc}") from exc
    return path


def fuse_for_onnxruntime(src: Path, dst: Path, *, num_heads: int, hidden_size: int) -> dict[str, int]:
    """Apply ONNX Runtime's BERT fusions to ``src``, save to ``dst``; the fused operators counted in ``dst``.

    The same optimizer serves BERT and DistilBERT (``model_type="bert"``). Attention keeps
    the raw 2-D padding mask, so padding on either side (or anywhere) is honoured.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.use_raw_attention_mask(True)  # the default for BERT keeps only each row's length (right padding)
    # opt_level=0: only the Python fusions, so the saved graph runs on any CPU (ORT's own
    # hardware-specific rewrites happen when a session loads it).
    optimized = optimize_model(str(src), model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                               opt_level=0, optimization_options=options, use_gpu=False)
    optimized.save_model_to_file(str(dst))
    return fused_op_counts(dst)


# The first ONNX Runtime whose BERT optimizer recognises Transformers 5's attention mask (it needs Python 3.11).
ATTENTION_FUSION_ORT = (1, 32)


def unfused_attention_note(ops: dict[str, int]) -> str | None:
    """Why a fused graph holds no ``Attention``, when the installed ONNX Runtime is too old to fuse it
    (Python 3.10's newest is 1.23); None when attention is fused or the reason is something else."""
    import onnxruntime

    version = tuple(int(part) for part in re.findall(r"\d+", onnxruntime.__version__)[:2])
    if "Attention" in ops or version >= ATTENTION_FUSION_ORT:
        return None
    wanted = ".".join(map(str, ATTENTION_FUSION_ORT))
    return (f"ONNX Runtime {onnxruntime.__version__} does not recognise Transformers 5's attention mask: attention "
            f"runs unfused (the same answers, slower; no QAttention in the int8 copy). ONNX Runtime {wanted} "
            "or later, on Python 3.11 or later, fuses it")


def fused_op_counts(path: Path, names: tuple[str, ...] = FUSED_OPS) -> dict[str, int]:
    """How many of each operator in ``names`` (default: ORT's fused ones) the saved graph holds."""
    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    counts = collections.Counter(node.op_type for node in graph.node)
    return {name: counts[name] for name in names if counts[name]}


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
