"""Which matrix products the int8 copy keeps in fp32: those whose inputs carry outliers.

Dynamic int8 quantization gives each activation tensor a single scale, set by its largest
value. In a fine-tuned BERT a few matrix products receive a handful of activations far
beyond the rest: the feed-forward output projections of the first layers, whose input
peaks at about ten times its 99.9th percentile. One scale for all then leaves the
ordinary values only a few int8 steps, and those products cause most of the predictions
that int8 flips. Their inputs are measured here with the PyTorch model on calibration
texts (real reviews of the course's shop export), before the quantizer runs; a product whose
input peaks above ``ratio`` times its 99.9th percentile stays in fp32.

Opt-in (``coursekit export --int8-outlier-ratio 8``): on the MiniLM fine-tuned on the UCI
sentences it kept two products in fp32 and changed one prediction fewer of 3,000 than
quantizing everything, for about 7% of int8's speed (benchmarks/RESULTS.md).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..profiles import DEFAULT_MAX_LENGTH

# Chosen on the MiniLM fine-tuned on the UCI sentences (benchmarks/RESULTS.md, "Inference latency"), so
# tuned on one model: its first two feed-forward output projections peak at 8.5x and 9.5x, the third at
# 7.2x, every other product below 6x (the pre-trained MiniLM alike: 8.7x, 9.5x, 7.8x).
DEFAULT_RATIO = 8.0
CALIBRATION_TEXTS = 128


def calibration_texts(limit: int = CALIBRATION_TEXTS) -> list[str]:
    """The first ``limit`` reviews of the course's shop export (shipped with the package), as written."""
    from ..data.shop import review_texts

    return review_texts(limit)


def input_outlier_ratios(model, tokenizer, texts: list[str], *, max_length: int = DEFAULT_MAX_LENGTH,
                         batch_size: int = 32) -> dict[str, float]:
    """``{linear module name: peak |input| / 99.9th percentile of |input|}`` over ``texts``
    (the percentile averaged over batches, padding excluded)."""
    import torch

    peaks: dict[str, float] = {}
    percentiles: dict[str, list[float]] = {}
    mask: dict[str, torch.Tensor] = {}

    def watch(name):
        def hook(_module, inputs, _output):
            values = inputs[0].detach().abs().float()
            if values.dim() == 3 and values.shape[:2] == mask["real"].shape:
                values = values[mask["real"]]  # real tokens only (a pooler's input is one vector per text)
            peaks[name] = max(peaks.get(name, 0.0), float(values.max()))
            sample = values.flatten()
            if sample.numel() > 1_000_000:  # torch.quantile's input limit, with room
                sample = sample[torch.randperm(sample.numel(), generator=torch.Generator().manual_seed(0))[:1_000_000]]
            percentiles.setdefault(name, []).append(float(torch.quantile(sample, 0.999)))
        return hook

    handles = [module.register_forward_hook(watch(name)) for name, module in model.named_modules()
               if isinstance(module, torch.nn.Linear)]
    try:
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = tokenizer(texts[start:start + batch_size], truncation=True, max_length=max_length,
                                  padding=True, return_tensors="pt")
                mask["real"] = batch["attention_mask"].bool()
                model(**batch)
    finally:
        for handle in handles:
            handle.remove()
    return {name: peaks[name] / max(sum(p) / len(p), 1e-12) for name, p in percentiles.items()}


def onnx_matmul_name(module_name: str) -> str:
    """The exporter's name for a linear layer's matrix product: ``bert.encoder.layer.0.output.dense``
    becomes ``/bert/encoder/layer.0/output/dense/MatMul`` (a module list's index stays on its name)."""
    scopes: list[str] = []
    for part in module_name.split("."):
        if part.isdigit() and scopes:
            scopes[-1] += "." + part
        else:
            scopes.append(part)
    return "/" + "/".join(scopes) + "/MatMul"


def products_to_keep_fp32(model, tokenizer, onnx_path: str | os.PathLike, *, ratio: float = DEFAULT_RATIO,
                          texts: list[str] | None = None, max_length: int = DEFAULT_MAX_LENGTH) -> dict:
    """The MatMul nodes of ``onnx_path`` whose inputs peak above ``ratio`` x their 99.9th percentile.

    Returns ``{"ratio", "nodes": [names to keep in fp32], "input_peak_ratios": {node: ratio}}``.
    Products fused into ONNX Runtime's ``Attention`` have no MatMul of their own and stay int8.
    """
    import onnx

    graph = onnx.load(str(Path(onnx_path)), load_external_data=False).graph
    matmuls = {node.name for node in graph.node if node.op_type == "MatMul"}
    ratios = input_outlier_ratios(model, tokenizer, texts if texts is not None else calibration_texts(),
                                  max_length=max_length)
    measured = {onnx_matmul_name(name): round(value, 2) for name, value in ratios.items()
                if onnx_matmul_name(name) in matmuls}
    return {"ratio": ratio, "nodes": sorted(n for n, value in measured.items() if value > ratio),
            "input_peak_ratios": measured}
