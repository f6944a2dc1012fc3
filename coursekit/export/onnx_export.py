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
5. move graphs, tokenizer and ``export.json`` into place (:func:`.manifest.publish`).

:func:`export_trained_model` is what the commands call: the model folder's own max length and
cleaning (its run card's), under the export folder's one-writer lock.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExportError
from ..model_folder import FOREIGN_MAX_LENGTH, SOURCE_KEY, ModelFolder, copy_model_card
from ..progress import NoProgress
from .graph import (DEFAULT_OPSET, FP32_TOLERANCE, fuse_for_onnxruntime, logit_difference, quiet_exporter,
                    torch_to_onnx, unfused_attention_note)
from .manifest import FP32_NAME, INT8_NAME, build_manifest, publish
from .source import SAMPLE_TEXTS, check_model_dir, load_source

__all__ = ["ExportResult", "export_onnx", "export_trained_model", "check_model_dir", "DEFAULT_OPSET"]


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


def export_trained_model(model_dir: str | os.PathLike, output_dir: str | os.PathLike | None = None, **options):
    """:func:`export_onnx` of a model folder with its run card's max length and cleaning (a folder
    coursekit did not train: the one fallback, announced), into ``output_dir`` (default
    ``MODEL/onnx``) under that folder's lock; the manifest records the weights it came from.

    ``options`` go to :func:`export_onnx` (``max_length`` overrides the card's).
    """
    from ..outputs import output_lock

    folder = ModelFolder(check_model_dir(model_dir))
    folder.check_weights()
    card = folder.card
    max_length = options.pop("max_length", None) or folder.max_length
    if card is None:
        print(folder.fallback_note(max_length), flush=True)
    source = {} if card is None else {
        SOURCE_KEY: card.model_fingerprint,
        "run_card": {"tier": card.tier, "base_model": card.base_model_name, "max_length": card.max_length,
                     "cleaning": card.cleaning, "labels": card.labels}}
    output_dir = Path(output_dir) if output_dir else folder.export_dir
    with output_lock(output_dir):
        return export_onnx(folder.path, output_dir, max_length=max_length, clean_text=folder.cleaning is not None,
                           manifest_extra=source, **options)


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
    manifest_extra: dict | None = None,
) -> ExportResult:
    """Export ``model_dir`` to ``output_dir`` (fp32 graph, int8 copy, tokenizer, ``export.json``).

    ``max_length`` is the truncation length the scoring script applies (default: the fallback
    for a folder without a run card; :func:`export_trained_model` passes the card's); it must fit
    the model's position table. ``clean_text`` records whether requests are cleaned like the
    training data. ``int8_outlier_ratio``: when above 0, matrix products whose inputs peak above
    this many times their 99.9th percentile stay fp32 in the int8 copy (:mod:`.outliers`); 0, the
    default, quantizes every product. ``progress`` (a :class:`~coursekit.progress.StepProgress`)
    announces each step; silent by default. ``manifest_extra`` is added to ``export.json``.
    """
    from ..errors import require_extra

    require_extra("export", "exporting to ONNX")  # torch.onnx names no extra when onnx is missing
    model_dir = check_model_dir(model_dir)
    max_length = int(max_length or FOREIGN_MAX_LENGTH)
    if max_length < 2:
        raise ExportError(f"max length {max_length} cannot hold [CLS] and [SEP] (--max-length)")
    ModelFolder(model_dir).check_max_length(max_length, error=ExportError)
    progress = progress or NoProgress()
    output_dir = Path(output_dir)
    with progress.step(f"loading {model_dir.name}"):
        source = load_source(model_dir)
        batch = source.sample_batch(int(max_length))
        reference = source.reference_logits(batch)
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=output_dir))
    try:
        fusion, diff_fp32 = _fp32_graph(source, batch, reference, staging, opset, fuse, quiet, progress)
        quantization = _int8_copy(source, staging, int8_outlier_ratio, max_length, progress) if int8 else None
        source.tokenizer.save_pretrained(staging / "tokenizer")
        copy_model_card(model_dir, staging)  # the model card travels with the export (and its Azure registration)
        manifest = build_manifest(
            source, max_length=max_length, clean_text=clean_text, has_int8=int8, opset=opset, fusion=fusion,
            quantization=quantization,
            export_check={"max_abs_logit_diff": diff_fp32, "texts": len(SAMPLE_TEXTS)})
        manifest.update(manifest_extra or {})
        publish(staging, output_dir, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(output_dir, output_dir / FP32_NAME, output_dir / INT8_NAME if int8 else None, manifest)


def _fp32_graph(source, batch, reference, staging: Path, opset: int, fuse: bool, quiet: bool, progress):
    """Trace, fuse (when asked and faithful) and check the fp32 graph in ``staging``: (fusion, max logit diff)."""
    raw = staging / "raw.onnx"
    with progress.step("exporting to ONNX"), quiet_exporter(quiet):
        try:
            torch_to_onnx(source.model, batch, raw, opset)
        except ExportError as exc:
            raise ExportError(f"{source.model_dir}: {exc}") from exc
    with progress.step("fusing for ONNX Runtime" if fuse else "checking the graph"):
        fusion = _fuse_or_keep(source, raw, staging / FP32_NAME, batch, reference, fuse, quiet)
    diff = logit_difference(staging / FP32_NAME, batch, reference)
    if not diff <= FP32_TOLERANCE:
        raise ExportError(f"{source.model_dir}: the exported graph disagrees with PyTorch "
                          f"(max logit difference {diff:.3g})")
    return fusion, diff


def _int8_copy(source, staging: Path, outlier_ratio: float, max_length: int, progress) -> dict:
    """The int8 copy of the fp32 graph in ``staging`` (products with outlier inputs kept in fp32 when asked)."""
    from .outliers import products_to_keep_fp32
    from .quantize import quantize_int8

    ratio = float(outlier_ratio or 0.0)
    outliers = {"ratio": 0.0, "nodes": [], "input_peak_ratios": {}}
    if ratio > 0:
        with progress.step("measuring activation outliers"):
            outliers = products_to_keep_fp32(source.model, source.tokenizer, staging / FP32_NAME, ratio=ratio,
                                             max_length=max_length)
    with progress.step("quantizing to int8"):
        quantization = quantize_int8(staging / FP32_NAME, staging / INT8_NAME, keep_fp32=outliers["nodes"])
    quantization.update(outlier_ratio=ratio, input_peak_ratios=outliers["input_peak_ratios"])
    return quantization


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
            note = unfused_attention_note(fusion["ops"])
            if note:
                fusion["note"] = note
            os.replace(fused, fp32)
            return fusion
        fusion["rejected"] = f"fused graph differs from PyTorch by {diff:.2e} > {FP32_TOLERANCE:.0e}"
        fusion["ops"] = {}
    os.replace(raw, fp32)
    return fusion
