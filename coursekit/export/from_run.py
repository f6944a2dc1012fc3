"""Export a trained model folder with the settings its run card recorded, and know when an export is stale.

The export's ``export.json`` records the fingerprint of the weights it came from; serve,
deploy and lesson 04 compare it with the run card and re-export (or refuse) when the
model changed since.
"""
from __future__ import annotations

from pathlib import Path

from .manifest import MANIFEST_NAME, is_export_dir, read_manifest

SOURCE_KEY = "source_model_fingerprint"
FOREIGN_MAX_LENGTH = 128  # for a model folder without a run card


def export_is_current(model_dir: str | Path, export_dir: str | Path) -> bool:
    """True when ``export_dir`` was exported from the weights now in ``model_dir``."""
    from ..runcard import has_run_card, read_run_card

    if not is_export_dir(export_dir) or not has_run_card(model_dir):
        return False
    recorded = read_manifest(export_dir).get(SOURCE_KEY)
    return bool(recorded) and recorded == read_run_card(model_dir).model_fingerprint


def export_trained_model(model_dir: str | Path, output_dir: str | Path | None = None, **options):
    """``export_onnx`` with the run card's max length and cleaning; the manifest records the source model.

    ``options`` go to :func:`~coursekit.export.export_onnx` (``max_length`` overrides the card's).
    """
    from ..fileio import write_json_atomic
    from ..runcard import check_model_matches, has_run_card, read_run_card
    from . import check_model_dir, export_onnx

    model_dir = Path(check_model_dir(model_dir))
    if not has_run_card(model_dir):  # a model trained elsewhere: say what is assumed
        options.setdefault("max_length", None)
        options["max_length"] = options["max_length"] or FOREIGN_MAX_LENGTH
        print(f"{model_dir} has no run card (not trained by coursekit train): exporting with max length "
              f"{options['max_length']} (--max-length) and the training pipeline's cleaning", flush=True)
        return export_onnx(model_dir, Path(output_dir) if output_dir else model_dir / "onnx", **options)
    card = read_run_card(model_dir)
    check_model_matches(model_dir, card)
    output_dir = Path(output_dir) if output_dir else model_dir / "onnx"
    if options.get("max_length") is None:
        options["max_length"] = card.max_length
    options["clean_text"] = card.clean
    result = export_onnx(model_dir, output_dir, **options)
    manifest = read_manifest(output_dir)
    manifest.update({SOURCE_KEY: card.model_fingerprint,
                     "run_card": {"tier": card.tier, "base_model": card.base_model, "max_length": card.max_length,
                                  "cleaning": card.cleaning, "labels": card.labels}})
    write_json_atomic(Path(output_dir) / MANIFEST_NAME, manifest)
    result.manifest = manifest
    return result
