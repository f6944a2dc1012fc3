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

    ``model_dir`` may be an exported folder (``export.json`` + ``model.onnx``) or a trained
    model folder; the latter is exported to its export folder (``MODEL/onnx``) first, with the
    max length and cleaning its run card recorded, and again only when that export no longer
    matches the weights (:meth:`~coursekit.model_folder.ModelFolder.export_is_current`).
    """
    from ..export.onnx_export import export_trained_model
    from ..model_folder import CONFIG_FILE, ModelFolder, is_export_dir

    if is_export_dir(model_dir):
        return Path(model_dir)
    folder = ModelFolder(model_dir)
    if not folder.path.is_dir():
        raise ServingError(f"{folder.path}: no such folder")
    if not (folder.path / CONFIG_FILE).is_file():
        raise ServingError(f"{folder.path} holds neither an exported model (export.json + model.onnx) nor a "
                           "trained model (config.json + weights); run `coursekit export` or `coursekit train`")
    if folder.export_is_current():
        return folder.export_dir
    if not export_if_needed:
        raise ServingError(f"{folder.path} is a trained model that has not been exported; run "
                           f"`coursekit export {folder.path}`")
    print(f"exporting {folder.path} to ONNX first: {folder.export_dir}", flush=True)
    export_trained_model(folder.path)
    return folder.export_dir


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
