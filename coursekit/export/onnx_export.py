"""Export a fine-tuned Hugging Face sequence classifier to one self-contained ONNX file.

``torch.onnx.export(dynamo=True)`` traces the model with dynamic batch and sequence
axes for every input the tokenizer produces (``token_type_ids`` included for BERT);
``onnxscript``'s ONNX Runtime fusions then merge attention, GELU and layer norms into
ORT's fused kernels. The fused graph is kept only if its logits match PyTorch.
"""
from __future__ import annotations

import contextlib
import inspect
import io
import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ExportError
from ..fileio import write_json_atomic
from .manifest import FORMAT, FORMAT_VERSION, FP32_NAME, INT8_NAME, MANIFEST_NAME

DEFAULT_OPSET = 18
# Fused graph accepted when its logits stay this close to PyTorch's on the sample batch.
DEFAULT_MAX_LENGTH = 128  # without a run card (export_trained_model passes the card's)
FUSION_TOLERANCE = 1e-4
SAMPLE_TEXTS = (
    "great product, works exactly as described and arrived early",
    "terrible",
    "the battery died after two days and support never answered my emails",
)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


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


def check_model_dir(model_dir: str | os.PathLike) -> Path:
    """``model_dir`` as a Path, or an :class:`ExportError` naming what is missing."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ExportError(f"{model_dir}: no such model folder (train one with `coursekit train`)")
    if not (model_dir / "config.json").is_file():
        raise ExportError(f"{model_dir}: config.json is missing; this is not a Hugging Face model folder")
    if not any((model_dir / name).is_file() for name in ("model.safetensors", "pytorch_model.bin")) and not any(
        model_dir.glob("model-*.safetensors")
    ):
        raise ExportError(f"{model_dir}: no model weights (model.safetensors) found")
    if not (model_dir / "tokenizer.json").is_file():
        raise ExportError(
            f"{model_dir}: tokenizer.json is missing; save the tokenizer next to the model "
            "(tokenizer.save_pretrained(folder))"
        )
    return model_dir


def _load(model_dir: Path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()

    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    except (OSError, ValueError) as exc:
        raise ExportError(f"{model_dir}: cannot load the classifier ({exc})") from exc
    return tokenizer, model.eval()


def _model_inputs(model, encoded: dict) -> dict:
    """The tokenizer outputs that the model's ``forward`` accepts, in tokenizer order."""
    accepted = set(inspect.signature(model.forward).parameters)
    return {name: tensor for name, tensor in encoded.items() if name in accepted}


@contextlib.contextmanager
def _quiet(enabled: bool = True):
    """Silence the exporter's progress prints and warnings (kept when ``enabled`` is False)."""
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


def _torch_export(model, inputs: dict, path: Path, opset: int) -> None:
    import torch

    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    torch.onnx.export(
        model,
        (),
        str(path),
        kwargs=inputs,
        input_names=list(inputs),
        output_names=["logits"],
        dynamic_shapes={name: {0: batch, 1: sequence} for name in inputs},
        opset_version=opset,
        dynamo=True,
        external_data=False,
        optimize=True,
        verbose=False,
    )


def fuse_for_onnxruntime(src: Path, dst: Path) -> dict:
    """Apply onnxscript's ORT fusions (Attention, SkipLayerNorm, BiasGelu); returns the counts."""
    import onnx_ir as ir
    from onnxscript.rewriter.ort_fusions import optimize_for_ort

    model = ir.load(str(src))
    model, stats = optimize_for_ort(model)
    ir.save(model, str(dst))
    return {name: int(count) for name, count in stats.items() if count}


def _ort_logits(path: Path, inputs: dict):
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {i.name: np.asarray(inputs[i.name].numpy(), dtype=np.int64) for i in session.get_inputs()}
    return session.run(["logits"], feeds)[0]


def export_onnx(
    model_dir: str | os.PathLike,
    output_dir: str | os.PathLike,
    *,
    max_length: int | None = None,
    opset: int = DEFAULT_OPSET,
    fuse: bool = True,
    int8: bool = True,
    clean_text: bool = True,
    quiet: bool = True,
) -> ExportResult:
    """Export ``model_dir`` to ``output_dir`` (fp32 graph, int8 copy, tokenizer, manifest).

    ``max_length`` is the truncation length the scoring script applies (pass the run card's:
    :func:`coursekit.export.from_run.export_trained_model` does; default 128);
    ``clean_text`` records whether requests are cleaned with the training pipeline's
    :func:`coursekit.data.clean_text` before tokenizing. Files are built in a temporary
    folder and moved in only when everything worked, so a failed export never damages an
    earlier one. The steps: reference logits, the fp32 graph (fused when it still agrees),
    the int8 copy, the manifest, publishing.
    """
    model_dir = check_model_dir(model_dir)
    output_dir = Path(output_dir)
    max_length = int(max_length or DEFAULT_MAX_LENGTH)
    tokenizer, model, inputs, reference = _reference(model_dir, max_length)
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=output_dir))
    try:
        fp32, fusion, diff_fp32 = _fp32_graph(model_dir, model, inputs, reference, staging, opset, fuse, quiet)
        int8_path = None
        if int8:
            from .quantize import quantize_int8

            int8_path = quantize_int8(fp32, staging / INT8_NAME)
        tokenizer.save_pretrained(staging / "tokenizer")
        manifest = _manifest(model_dir, model, tokenizer, inputs, max_length, clean_text, opset, fusion,
                             diff_fp32, bool(int8_path))
        _publish(staging, output_dir, fp32, int8_path, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(output_dir, output_dir / FP32_NAME,
                        output_dir / INT8_NAME if int8 else None, manifest)


def _reference(model_dir: Path, max_length: int):
    """Tokenizer, model, sample inputs and PyTorch's logits for them (what the export must match)."""
    import torch

    tokenizer, model = _load(model_dir)
    encoded = tokenizer(list(SAMPLE_TEXTS), padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt")
    inputs = _model_inputs(model, dict(encoded))
    with torch.inference_mode():
        reference = model(**inputs).logits.numpy()
    return tokenizer, model, inputs, reference


def _fp32_graph(model_dir, model, inputs, reference, staging: Path, opset: int, fuse: bool, quiet: bool):
    """The fp32 graph: exported, fused for ONNX Runtime when the fused graph still matches, checked."""
    import numpy as np

    raw = staging / "raw.onnx"
    with _quiet(quiet):
        try:
            _torch_export(model, inputs, raw, opset)
        except Exception as exc:  # noqa: BLE001 - re-raised with the folder named
            raise ExportError(f"{model_dir}: torch.onnx.export failed: {exc}") from exc
    fusion = {"applied": False, "ops": {}}
    fp32 = staging / FP32_NAME
    if fuse:
        fused = staging / "fused.onnx"
        with _quiet(quiet):
            fusion["ops"] = fuse_for_onnxruntime(raw, fused)
        diff = float(np.abs(_ort_logits(fused, inputs) - reference).max())
        fusion["max_abs_logit_diff"] = diff
        if diff <= FUSION_TOLERANCE:
            fusion["applied"] = True
            os.replace(fused, fp32)
        else:
            fusion["rejected"] = f"fused graph differs from PyTorch by {diff:.2e} > {FUSION_TOLERANCE:.0e}"
    if not fp32.exists():
        os.replace(raw, fp32)
    diff_fp32 = float(np.abs(_ort_logits(fp32, inputs) - reference).max())
    if not diff_fp32 <= 1e-3:
        raise ExportError(f"{model_dir}: exported graph disagrees with PyTorch (max logit diff {diff_fp32:.3g})")
    return fp32, fusion, diff_fp32


def _manifest(model_dir, model, tokenizer, inputs, max_length, clean_text, opset, fusion, diff_fp32,
              has_int8: bool) -> dict:
    """``export.json``: what the scoring script needs to tokenize, clean and label like training."""
    special = tokenizer.pad_token_id
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": "text-classification",
        "labels": [model.config.id2label[i] for i in range(model.config.num_labels)],
        "inputs": list(inputs),
        "max_length": int(max_length),
        "clean_text": bool(clean_text),
        "pad_token": tokenizer.pad_token,
        "pad_token_id": int(special if special is not None else 0),
        "pad_token_type_id": int(getattr(tokenizer, "pad_token_type_id", 0) or 0),
        "files": {"fp32": FP32_NAME, **({"int8": INT8_NAME} if has_int8 else {})},
        "serve": "int8" if has_int8 else "fp32",
        "opset": opset,
        "fusion": fusion,
        "export_check": {"max_abs_logit_diff": diff_fp32, "texts": len(SAMPLE_TEXTS)},
        "source_model": model_dir.name,
        "model_type": model.config.model_type,
        "versions": _versions(),
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _publish(staging: Path, output_dir: Path, fp32: Path, int8_path: Path | None, manifest: dict) -> None:
    """Move the finished files in: model graphs first, the manifest last."""
    os.replace(fp32, output_dir / FP32_NAME)
    if int8_path:
        os.replace(int8_path, output_dir / INT8_NAME)
    elif (output_dir / INT8_NAME).exists():
        (output_dir / INT8_NAME).unlink()  # a stale int8 copy of an older model
    for name in TOKENIZER_FILES:
        if (staging / "tokenizer" / name).exists():
            os.replace(staging / "tokenizer" / name, output_dir / name)
    write_json_atomic(output_dir / MANIFEST_NAME, manifest)


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("torch", "transformers", "onnx", "onnxruntime", "onnxscript", "tokenizers"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found
