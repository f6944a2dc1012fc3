"""Which exported folder ``coursekit serve`` (and ``azure deploy``) serves for a folder given,
and which graph in it: int8 or fp32 (``--precision``)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import ServingError

PRECISIONS = ("int8", "fp32")


def resolve_export_dir(model_dir: str | os.PathLike, *, export_if_needed: bool = True) -> Path:
    """The exported folder to serve for ``model_dir``.

    ``model_dir`` may be an exported folder (``export.json`` + ``model.onnx``) or a
    trained model folder; the latter is exported to ``model_dir/onnx`` first, with the
    max length and cleaning its run card (``coursekit.json``) recorded, and again only
    when the export no longer matches the weights (the run card's fingerprint; for a
    folder without a run card, weights newer than the export).
    """
    from ..export.from_run import export_is_current, export_trained_model
    from ..export.manifest import FP32_NAME, is_export_dir
    from ..runcard import has_run_card

    model_dir = Path(model_dir)
    if is_export_dir(model_dir):
        return model_dir
    if not model_dir.is_dir():
        raise ServingError(f"{model_dir}: no such folder")
    if not (model_dir / "config.json").is_file():
        raise ServingError(f"{model_dir} holds neither an exported model (export.json + model.onnx) nor a "
                           "trained model (config.json + weights); run `coursekit export` or `coursekit train`")
    target = model_dir / "onnx"
    if has_run_card(model_dir):
        current = export_is_current(model_dir, target)
    else:
        weights = [p.stat().st_mtime for p in model_dir.glob("*.safetensors")]
        current = is_export_dir(target) and bool(weights) and (target / FP32_NAME).stat().st_mtime >= max(weights)
    if current:
        return target
    if not export_if_needed:
        raise ServingError(f"{model_dir} is a trained model that has not been exported; run "
                           f"`coursekit export {model_dir}`")
    print(f"exporting {model_dir} to ONNX first: {target}", flush=True)
    if has_run_card(model_dir):
        export_trained_model(model_dir, target)
    else:
        from ..export import export_onnx

        export_onnx(model_dir, target)
    return target


def model_file(export_dir: str | os.PathLike, precision: str | None) -> tuple[str, str]:
    """(graph file, precision) to serve: the one asked for, else the export's default (``serve``)."""
    manifest = json.loads((Path(export_dir) / "export.json").read_text(encoding="utf-8"))
    files = manifest.get("files", {})
    chosen = precision or manifest.get("serve", "fp32")
    if chosen not in files:
        raise ServingError(f"{export_dir} has no {chosen} model (it holds {', '.join(sorted(files)) or 'none'}); "
                           f"choose --precision {' or '.join(sorted(files))}, or re-export")
    return files[chosen], chosen


def parity_line(export_dir: str | os.PathLike) -> str | None:
    """What int8 costs against fp32 on this export, from its parity report (``parity.json``), if any."""
    try:
        report = json.loads((Path(export_dir) / "parity.json").read_text(encoding="utf-8"))
        fp32, int8 = report["engines"]["onnx_fp32"], report["engines"]["onnx_int8"]
        line = (f"parity on {int(report['n_texts'])} texts: int8 agrees with PyTorch on "
                f"{100 * float(int8['agreement']):.2f}%, fp32 on {100 * float(fp32['agreement']):.2f}%")
        if "accuracy" in int8 and "accuracy" in fp32:
            line += f"; accuracy int8 {float(int8['accuracy']):.3f}, fp32 {float(fp32['accuracy']):.3f}"
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return line
