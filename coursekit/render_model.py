"""Which trained model the rendered lessons show, so a render does not fine-tune again.

The lessons keep their model in ``<results>/notebook-model`` (``results/`` beside the
``notebooks/`` folder, as the notebooks' own ``RESULTS`` default). A render uses, in
order: ``--model DIR``; ``results/notebook-model``; ``results/demo`` (what ``make demo``
trained), each only when it was trained on the tier being rendered. The chosen folder
is copied into the render's temporary workspace (never written to); when none exists,
lesson 02 trains one there, and it is kept as ``results/notebook-model`` for the next
render unless that folder already exists.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from coursekit.model_folder import METRICS_FILE, RUN_CARD_FILE, ModelFolder
from coursekit.render_assets import RenderError

LESSON_MODEL = "notebook-model"
CANDIDATES = (LESSON_MODEL, "demo")
REUSE_ENV = "COURSEKIT_REUSE_MODEL"  # read by notebooks/02 (coursekit.train.reuse)


def lesson_results_dir(notebooks: list[Path]) -> Path:
    """``results/`` next to the notebooks' folder (their ``RESULTS = "../results"``)."""
    return Path(notebooks[0]).resolve().parent.parent / "results"


def tier_mismatch(folder: Path, profile: str) -> str | None:
    """Why the model in ``folder`` does not fit the ``profile`` tier's lessons (its run
    card names another tier, base model or data file), or None."""
    from coursekit.errors import CoursekitError
    from coursekit.profiles import get_profile

    tier = get_profile(profile, announce=False)
    try:
        card = ModelFolder(folder).require_card()
    except CoursekitError as exc:
        return str(exc)
    if card.tier != tier.name:
        return f"it was trained on the {card.tier} tier"
    if Path(card.base_model).name != Path(tier.model).name:  # names: the same package in another venv fits
        return f"it was fine-tuned from {card.base_model}, the {tier.name} tier uses {tier.model}"
    if Path(card.data_source).name != Path(str(tier.dataset)).name:
        return f"it was trained on {card.data_source}, the lessons use {tier.dataset}"
    return None


def choose_lesson_model(results_dir: Path, profile: str, model: Path | None = None, log=print) -> Path | None:
    """The trained model to show (``model`` when given, checked), or None to train one."""
    if model is not None:
        model = Path(model)
        if not ModelFolder(model).is_trained():
            raise RenderError(f"--model {model}: not a trained model folder (config.json, {METRICS_FILE}, "
                              f"{RUN_CARD_FILE}); "
                              "pass the --output of `coursekit train` or `coursekit demo`")
        reason = tier_mismatch(model, profile)
        if reason:
            raise RenderError(f"--model {model} does not fit the {profile} lessons: {reason}; "
                              "pass another --model or --retrain")
        return model
    for name in CANDIDATES:
        candidate = results_dir / name
        if ModelFolder(candidate).is_trained():
            reason = tier_mismatch(candidate, profile)
            if reason is None:
                return candidate
            if log:
                log(f"render: not reusing {candidate}: {reason}")
    return None


def _copy_model_files(source: Path, target: Path) -> None:
    """The model folder's own files (weights, tokenizer, metrics, run card), not checkpoints or exports."""
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_file():
            shutil.copy2(item, target / item.name)


def stage_lesson_model(model: Path, lesson_results: Path) -> Path:
    """Copy ``model`` to where the lessons look for it (``lesson_results/notebook-model``)."""
    target = lesson_results / LESSON_MODEL
    _copy_model_files(Path(model), target)
    return target


def keep_trained_model(lesson_results: Path, results_dir: Path, log=print) -> Path | None:
    """Save the model lesson 02 trained as ``results_dir/notebook-model`` when that folder
    does not exist yet (the next render reuses it); nothing existing is replaced."""
    trained, kept = lesson_results / LESSON_MODEL, results_dir / LESSON_MODEL
    if not ModelFolder(trained).is_trained() or kept.exists():
        return None
    partial = results_dir / f".{LESSON_MODEL}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _copy_model_files(trained, partial)
    partial.rename(kept)  # complete or absent, never half-copied
    if log:
        log(f"render: kept the lesson model in {kept} (the next render reuses it)")
    return kept
