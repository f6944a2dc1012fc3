"""The whole Part 2 pipeline in one call: load → clean → split → fine-tune → metrics.json."""
from __future__ import annotations

from pathlib import Path

from ..profiles import Profile
from .config import TrainConfig
from .trainer import METRICS_FILE, TrainResult, train_model


def prepare_splits(data: str | Path, text_column="text", label_column="label", clean=True,
                   max_samples=None, seed=42, has_header=True, *, strict=False, label_map=None,
                   return_report=False):
    """Load, (optionally) clean, de-duplicate and split a data source into train/validation/test.

    Junk rows are dropped and printed (``strict=True``: an error); ``label_map`` maps other
    label spellings (see :func:`coursekit.data.parse_label_map`). With ``return_report=True``
    the result is ``(splits, report)``, ``report`` a :class:`coursekit.data.DataReport`.
    """
    from ..data import prepare_dataset, split_dataset
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()

    dataset, report = prepare_dataset(data, text_column, label_column, clean, max_samples, seed, has_header,
                                      strict=strict, label_map=label_map)
    splits = split_dataset(dataset, seed=seed)
    return (splits, report) if return_report else splits


def run_training(profile: Profile, output_dir: str | Path, data: str | Path | None = None,
                 text_column="text", label_column="label", clean=True, max_samples=None,
                 has_header=True, strict=False, label_map=None, **overrides) -> TrainResult:
    """Train on ``data`` (default: the tier's data set) with the tier's model and settings."""
    seed = overrides.get("seed") or 42
    splits, report = prepare_splits(data or profile.dataset, text_column, label_column, clean,
                                    max_samples if max_samples is not None else profile.max_train_samples, seed,
                                    has_header, strict=strict, label_map=label_map, return_report=True)
    config = TrainConfig.from_profile(profile, output_dir, **overrides)
    config.extras.update({"profile": profile.name, "data": str(data or profile.dataset),
                          "data_report": report.to_dict()})
    return train_model(splits, config)


def is_trained_model(folder: str | Path) -> bool:
    folder = Path(folder)
    return (folder / "config.json").is_file() and (folder / METRICS_FILE).is_file()


def ensure_trained_model(model_dir: str | Path, profile: Profile, **overrides) -> Path:
    """Return ``model_dir``, training a model there first if it holds none.

    Lets later lessons (evaluation, deployment) run on their own when the Part 2
    notebook has not been run.
    """
    model_dir = Path(model_dir)
    if not is_trained_model(model_dir):
        print(f"no trained model in {model_dir}: training one on the {profile.name} tier first", flush=True)
        run_training(profile, model_dir, **overrides)
    return model_dir
