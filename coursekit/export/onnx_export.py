"""Export a fine-tuned Hugging Face sequence classifier to ONNX Runtime: fp32 and int8.

The steps, each a function of its own module:

1. load the model folder and run a padded reference batch through PyTorch (:mod:`.source`);
2. trace it to ONNX with dynamic batch and sequence axes, one input per tensor the model
   takes (BERT: ``input_ids``, ``attention_mask``, ``token_type_ids``; DistilBERT: the
   first two) (:func:`.graph.torch_to_onnx`);
3. fuse it with ONNX Runtime's BERT optimizer (:func:`.graph.fuse_for_onnxruntime`), kept
   only if its logits still match PyTorch's;
4. quantize the *fused* graph to int8 (:mod:`.quantize`), so the int8 copy keeps the fused
   attention (as ``QAttention``) and embedding;
5. move graphs, tokenizer and ``export.json`` into place (:mod:`.publish`).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExportError
from .graph import DEFAULT_OPSET, fuse_for_onnxruntime, quiet_exporter, torch_to_onnx
from .manifest import FP32_NAME, INT8_NAME, build_manifest
from .publish import publish
from .source import SAMPLE_TEXTS, check_model_dir, load_source
from .steps import NoProgress
from .verify import FP32_TOLERANCE, logit_difference

__all__ = ["ExportResult", "export_onnx", "check_model_dir", "DEFAULT_OPSET", "DEFAULT_MAX_LENGTH"]

DEFAULT_MAX_LENGTH = 128  # without a run card (export_trained_model passes the card's)


@dataclass
class ExportResult:
    """Where the export went and what it holds."""

    output_dir: Path
    fp32_path: Path
    int8_path: Path | None
    manifest: dict = field(default_factory=dict)

    @property
    def files(self) -> dict[str, Path]:
        found = {"fp32": self.fp32_path}
        if self.int8_path is not None:
            found["int8"] = self.int8_path
        return found


def export_onnx(
    model_dir: str | os.PathLike,
    output_dir: str | os.PathLike,
    *,
    max_length: int | None = None,
    opset: int = DEFAULT_OPSET,
    fuse: bool = True,
    int8: bool = True,
    int8_outlier_ratio: float = 0.0,
    clean_text: bool = True,
    quiet: bool = True,
    progress=None,
) -> ExportResult:
    """Export ``model_dir`` to ``output_dir`` (fp32 graph, int8 copy, tokenizer, ``export.json``).

    ``max_length`` is the truncation length the scoring script applies: pass the run card's
    (:func:`coursekit.export.from_run.export_trained_model` does; default 128).
    ``clean_text`` records whether requests are cleaned like the training data.
    ``int8_outlier_ratio``: when above 0, matrix products whose inputs peak above this many
    times their 99.9th percentile stay fp32 in the int8 copy (:mod:`.outliers`, which suggests
    :data:`~.outliers.DEFAULT_RATIO`); 0, the default, quantizes every product.
    ``progress`` (a :class:`~coursekit.export.steps.StepProgress`) announces each step;
    silent by default.
    """
    model_dir = check_model_dir(model_dir)
    max_length = int(max_length or DEFAULT_MAX_LENGTH)
    if max_length < 2:
        raise ExportError(f"max length {max_length} cannot hold [CLS] and [SEP] (--max-length)")
    progress = progress or NoProgress()
    output_dir = Path(output_dir)
    with progress.step(f"loading {model_dir.name}"):
        source = load_source(model_dir)
        batch = source.sample_batch(int(max_length))
        reference = source.reference_logits(batch)

    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=output_dir))
    try:
        raw = staging / "raw.onnx"
        with progress.step("exporting to ONNX"), quiet_exporter(quiet):
            try:
                torch_to_onnx(source.model, batch, raw, opset)
            except ExportError as exc:
                raise ExportError(f"{model_dir}: {exc}") from exc
        with progress.step("fusing for ONNX Runtime" if fuse else "checking the graph"):
            fusion = _fuse_or_keep(source, raw, staging / FP32_NAME, batch, reference, fuse, quiet)
        diff_fp32 = logit_difference(staging / FP32_NAME, batch, reference)
        if not diff_fp32 <= FP32_TOLERANCE:
            raise ExportError(f"{model_dir}: the exported graph disagrees with PyTorch "
                              f"(max logit difference {diff_fp32:.3g})")
        quantization = None
        if int8:
            from .outliers import products_to_keep_fp32
            from .quantize import quantize_int8

            ratio = float(int8_outlier_ratio or 0.0)
            outliers = {"ratio": 0.0, "nodes": [], "input_peak_ratios": {}}
            if ratio > 0:
                with progress.step("measuring activation outliers"):
                    outliers = products_to_keep_fp32(source.model, source.tokenizer, staging / FP32_NAME,
                                                     ratio=ratio)
            with progress.step("quantizing to int8"):
                quantization = quantize_int8(staging / FP32_NAME, staging / INT8_NAME, keep_fp32=outliers["nodes"])
            quantization.update(outlier_ratio=ratio, input_peak_ratios=outliers["input_peak_ratios"])
        source.tokenizer.save_pretrained(staging / "tokenizer")
        manifest = build_manifest(
            source, max_length=max_length, clean_text=clean_text, has_int8=int8, opset=opset, fusion=fusion,
            quantization=quantization,
            export_check={"max_abs_logit_diff": diff_fp32, "texts": len(SAMPLE_TEXTS)})
        publish(staging, output_dir, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(output_dir, output_dir / FP32_NAME, output_dir / INT8_NAME if int8 else None, manifest)


def _fuse_or_keep(source, raw: Path, fp32: Path, batch: dict, reference, fuse: bool, quiet: bool) -> dict:
    """Write the fp32 graph: fused when asked and faithful to PyTorch, else the plain trace."""
    fusion: dict = {"applied": False, "ops": {}}
    if fuse:
        fused = raw.with_name("fused.onnx")
        heads, hidden = source.attention_shape()
        with quiet_exporter(quiet):
            fusion["ops"] = fuse_for_onnxruntime(raw, fused, num_heads=heads, hidden_size=hidden)
        diff = logit_difference(fused, batch, reference)
        fusion["max_abs_logit_diff"] = diff
        if diff <= FP32_TOLERANCE:
            fusion["applied"] = True
            os.replace(fused, fp32)
            return fusion
        fusion["rejected"] = f"fused graph differs from PyTorch by {diff:.2e} > {FP32_TOLERANCE:.0e}"
        fusion["ops"] = {}
    os.replace(raw, fp32)
    return fusion
