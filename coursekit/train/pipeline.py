"""The whole Part 2 pipeline in one call: load → clean → split → fine-tune → model folder + run card."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from ..defaults import DEFAULT_SEED
from ..model_folder import ModelFolder
from ..profiles import Profile
from .config import DataConfig, TrainConfig
from .trainer import TrainResult, train_model

POSITION = "_position"  # a temporary column: each row's place in the prepared data set


@dataclass
class PreparedData:
    """The three splits and how they were made (what the run card records)."""

    splits: object  # datasets.DatasetDict: train / validation / test
    config: DataConfig
    seed: int
    source: str
    positions: dict[str, list[int]]  # part -> positions in the prepared data set
    rows: dict[str, list]  # part -> source row ids (the file's line numbers when known)
    rows_loaded: int = 0
    dropped: dict = field(default_factory=dict)
    report: object = None  # the DataReport itself


def _load_clean(config: DataConfig, seed: int, verbose: bool = True, cleaning="as configured"):
    """The data set as training sees it: loaded, cleaned (``cleaning``: the steps, default the ones
    ``config.clean`` stands for; ``None``: none), junk rows dropped and reported (``--strict``: an
    error). Returns (dataset, rows read, the :class:`~coursekit.data.DataReport`)."""
    from ..data import prepare_dataset

    cleaning = config.cleaning_config() if cleaning == "as configured" else cleaning
    dataset, report = prepare_dataset(config.data, config.text_column, config.label_column, cleaning is not None,
                                      config.max_samples or None, seed, config.has_header, strict=config.strict,
                                      label_map=config.label_map or None, cleaning=cleaning, verbose=verbose)
    return dataset, report.rows_read, report


def data_settings(settings: dict) -> tuple[dict, dict]:
    """``settings`` split into (:class:`DataConfig` fields, the rest); ``None`` values dropped."""
    names = {f.name for f in fields(DataConfig)}
    given = {k: v for k, v in settings.items() if v is not None}
    return {k: v for k, v in given.items() if k in names}, {k: v for k, v in given.items() if k not in names}


def _data_config(data: str | Path, **options) -> DataConfig:
    """The :class:`DataConfig` for ``data``: the options given, else the data's own columns and
    label map (the course's shop export: ``Title + Review Text``, ``Rating``, its stars)."""
    from ..data.shop import read_options

    values = data_settings(options)[0]
    values.update(read_options(data, values.get("text_column"), values.get("label_column"), values.get("label_map")))
    return DataConfig(data=str(data), **{k: v for k, v in values.items() if v is not None})


def prepare_data(data: str | Path | DataConfig, seed: int = DEFAULT_SEED, **options) -> PreparedData:
    """Load, clean and split ``data`` (a path, 'imdb' or a :class:`DataConfig`; ``options`` are its
    other fields) with ``seed``."""
    from ..data import split_dataset
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()
    config = data if isinstance(data, DataConfig) else _data_config(data, **options)
    dataset, rows_loaded, report = _load_clean(config, seed)
    dataset = dataset.add_column(POSITION, list(range(len(dataset))))
    splits = split_dataset(dataset, seed=seed)
    positions = {part: list(splits[part][POSITION]) for part in splits}
    rows = {part: (list(splits[part]["row"]) if "row" in splits[part].column_names
                   else [p + 1 for p in positions[part]]) for part in splits}
    splits = splits.remove_columns(POSITION)
    return PreparedData(splits, config, seed, str(config.data), positions, rows, rows_loaded, report.to_dict(),
                        report)


def prepare_splits(data: str | Path, *, seed: int = DEFAULT_SEED, return_report: bool = False, **options):
    """Load, (optionally) clean and split a data source into train/validation/test; ``options`` are
    :class:`DataConfig` fields (``text_column``, ``clean``, ``max_samples``, ``label_map`` ...).

    With ``return_report=True`` the result is ``(splits, report)``: the
    :class:`~coursekit.data.DataReport` of what was dropped while loading.
    """
    prepared = prepare_data(data, seed, **options)
    return (prepared.splits, prepared.report) if return_report else prepared.splits


def _training_data(model_dir, data) -> tuple:
    """(run card, data source) of ``model_dir``'s training data; another file is refused."""
    from ..errors import RunCardError

    card = ModelFolder(model_dir).require_card()
    source = str(data) if data else card.data_source
    if not card.is_training_data(source):
        raise RunCardError(f"{source}: not the data {model_dir} was trained on (its fingerprint differs from "
                           f"the run card's {card.data_source}); pass the training file with --data")
    return card, source


def splits_from_run_card(model_dir: str | Path, data: str | Path | None = None):
    """The exact train/validation/test splits a model was trained on, rebuilt from its run card
    (read as it was then: the recorded read options and cleaning steps).

    ``data`` may name the training file at another path (same bytes); a different or changed
    file raises :class:`~coursekit.errors.RunCardError`.
    """
    import datasets

    from ..errors import RunCardError

    card, source = _training_data(model_dir, data)
    config = DataConfig.from_record(card.data, data=source)
    dataset, _, _ = _load_clean(config, card.seed, verbose=False, cleaning=card.cleaning_config)
    parts = {}
    for part, record in card.split.items():
        if not isinstance(record, dict):
            continue
        positions = record["positions"]
        if positions and max(positions) >= len(dataset):
            raise RunCardError(f"{source}: has fewer rows than when {model_dir} was trained; retrain it")
        parts[part] = dataset.select(positions)
    return datasets.DatasetDict(parts)


def raw_splits_from_run_card(model_dir: str | Path, data: str | Path | None = None):
    """The model's splits with the texts as written (before cleaning): what clients send to an endpoint.

    Falls back to the cleaned texts when cleaning dropped rows (the positions would not line up).
    """
    import datasets

    card, source = _training_data(model_dir, data)
    if not card.clean:
        return splits_from_run_card(model_dir, data)
    raw, _, _ = _load_clean(DataConfig.from_record(card.data, data=source, clean=False), card.seed, verbose=False)
    if len(raw) != card.data.get("rows_used", len(raw)):
        return splits_from_run_card(model_dir, data)
    return datasets.DatasetDict({part: raw.select(card.split[part]["positions"])
                                 for part in ("train", "validation", "test")})


def run_training(profile: Profile, output_dir: str | Path, data: str | Path | None = None,
                 after_training=None, **settings) -> TrainResult:
    """Train on ``data`` (default: the tier's data set) with the tier's model; write the run card.

    ``settings`` are :class:`DataConfig` and :class:`TrainConfig` fields (``None``: the default).
    ``max_samples``: a seeded, stratified sample of that many reviews; ``None`` the tier's
    size (offline: :data:`~coursekit.profiles.OFFLINE_SAMPLE`), 0 every review.
    The output folder is locked for the whole run (one writer at a time); the same seed splits and trains.
    ``after_training``: see :func:`train_and_record`.
    """
    from .output import check_output, prepare_output, training_lock

    data_values, train_values = data_settings(settings)
    config = TrainConfig.from_profile(profile, output_dir, **train_values)
    if data_values.get("max_samples") is None:  # 0 (every review) stays 0
        data_values["max_samples"] = profile.max_train_samples or 0
    data_config = _data_config(data or profile.dataset, **data_values)
    check_output(config)  # cheap checks first: nothing is loaded for a run that would be refused
    with training_lock(config):
        prepared = prepare_data(data_config, config.seed)
        prepare_output(config)  # again, under the lock: a run that finished meanwhile is not replaced
        return train_and_record(prepared, config, profile.name, after_training=after_training)


def train_and_record(prepared: PreparedData, config: TrainConfig, tier: str, trainer=None,
                     encoded=None, after_training=None) -> TrainResult:
    """Fine-tune on prepared data (optionally with a ready ``Trainer`` and the tokenized splits it
    was built with), then write the model folder's run card: what every later stage reads.

    ``after_training(model_dir, splits)`` runs once the folder is complete: the command line and
    the lessons pass :func:`coursekit.monitoring.reference.reference_after_training` (the
    monitoring reference), which ``train`` cannot import (it sits later in the stages)."""
    from .record import write_run_record

    config.extras.update({"profile": tier, "data": prepared.source})
    result = train_model(encoded if trainer is not None else prepared.splits, config, trainer=trainer)
    write_run_record(result, tier, prepared, config)
    if after_training is not None:
        after_training(config.output_dir, prepared.splits)
    return result


def ensure_trained_model(model_dir: str | Path, profile: Profile, **settings) -> Path:
    """Return ``model_dir``, training a model there first if it holds none.

    Lets later lessons (evaluation, deployment) run on their own when the Part 2
    notebook has not been run.
    """
    model_dir = Path(model_dir)
    if not ModelFolder(model_dir).is_trained():
        print(f"no trained model in {model_dir}: training one on the {profile.name} tier first", flush=True)
        run_training(profile, model_dir, overwrite=True, **settings)
    return model_dir
