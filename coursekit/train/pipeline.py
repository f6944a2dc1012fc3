"""The whole Part 2 pipeline in one call: load → clean → split → fine-tune → model folder + run card."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from ..profiles import Profile
from .config import DataConfig, TrainConfig
from .trainer import METRICS_FILE, TrainResult, train_model

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


def _load_clean(config: DataConfig, seed: int, verbose: bool = True):
    """The data set as training sees it: loaded, cleaned (unless --no-clean), junk rows dropped
    and reported (``--strict``: an error). Returns (dataset, rows read, the :class:`~coursekit.data.DataReport`)."""
    from ..data import prepare_dataset

    dataset, report = prepare_dataset(config.data, config.text_column, config.label_column, config.clean,
                                      config.max_samples or None, seed, config.has_header, strict=config.strict,
                                      label_map=config.label_map or None, verbose=verbose)
    return dataset, report.rows_read, report


def prepare_data(data: str | Path | DataConfig, seed: int = 42, **options) -> PreparedData:
    """Load, clean and split ``data`` (a path, 'imdb' or a :class:`DataConfig`) with ``seed``."""
    from ..data import split_dataset
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()
    if not isinstance(data, DataConfig):  # the data's own columns and label map unless given (the shop's export)
        from ..data.shop import read_options

        options.update(read_options(data, options.get("text_column"), options.get("label_column"),
                                    options.get("label_map")))
    config = data if isinstance(data, DataConfig) else DataConfig(data=str(data), **{
        k: v for k, v in options.items() if v is not None})
    dataset, rows_loaded, report = _load_clean(config, seed)
    dataset = dataset.add_column(POSITION, list(range(len(dataset))))
    splits = split_dataset(dataset, seed=seed)
    positions = {part: list(splits[part][POSITION]) for part in splits}
    rows = {part: (list(splits[part]["row"]) if "row" in splits[part].column_names
                   else [p + 1 for p in positions[part]]) for part in splits}
    splits = splits.remove_columns(POSITION)
    return PreparedData(splits, config, seed, str(config.data), positions, rows, rows_loaded, report.to_dict(),
                        report)


def prepare_splits(data: str | Path, text_column=None, label_column=None, clean=True,
                   max_samples=None, seed=42, has_header=True, label_map=None, strict=None, return_report=False):
    """Load, (optionally) clean and split a data source into train/validation/test.

    With ``return_report=True`` the result is ``(splits, report)``: the
    :class:`~coursekit.data.DataReport` of what was dropped while loading.
    """
    prepared = prepare_data(data, seed, text_column=text_column, label_column=label_column, clean=clean,
                            max_samples=max_samples or 0, has_header=has_header, label_map=label_map,
                            strict=strict)
    return (prepared.splits, prepared.report) if return_report else prepared.splits


def splits_from_run_card(model_dir: str | Path, data: str | Path | None = None):
    """The exact train/validation/test splits a model was trained on, rebuilt from its run card.

    ``data`` may name the training file at another path (same bytes); a different or changed
    file raises :class:`~coursekit.errors.RunCardError`.
    """
    from ..errors import RunCardError
    from ..runcard import read_run_card

    card = read_run_card(model_dir)
    source = str(data) if data else card.data_source
    if not card.is_training_data(source):
        raise RunCardError(f"{source}: not the data {model_dir} was trained on (its fingerprint differs from "
                           f"the run card's {card.data_source}); pass the training file with --data")
    known = {f.name for f in fields(DataConfig)}
    config = DataConfig(**{**{k: v for k, v in card.data.items() if k in known}, "data": source})
    dataset, _, _ = _load_clean(config, card.seed, verbose=False)
    import datasets

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
    from ..runcard import read_run_card

    card = read_run_card(model_dir)
    if not card.clean:
        return splits_from_run_card(model_dir, data)
    known = {f.name for f in fields(DataConfig)}
    config = DataConfig(**{**{k: v for k, v in card.data.items() if k in known},
                           "data": str(data) if data else card.data_source, "clean": False})
    raw, _, _ = _load_clean(config, card.seed, verbose=False)
    if len(raw) != card.data.get("rows_used", len(raw)):
        return splits_from_run_card(model_dir, data)
    import datasets

    return datasets.DatasetDict({part: raw.select(card.split[part]["positions"])
                                 for part in ("train", "validation", "test")})


def run_training(profile: Profile, output_dir: str | Path, data: str | Path | None = None,
                 text_column=None, label_column=None, clean=True, max_samples=None,
                 has_header=True, label_map=None, strict=None, **overrides) -> TrainResult:
    """Train on ``data`` (default: the tier's data set) with the tier's model; write the run card.

    ``max_samples``: a seeded, stratified sample of that many reviews; ``None`` the tier's
    size (offline: :data:`~coursekit.profiles.OFFLINE_SAMPLE`), 0 every review.
    ``overrides`` are :class:`TrainConfig` fields. The same seed splits and trains.
    """
    from ..outputs import check_output, prepare_output

    config = TrainConfig.from_profile(profile, output_dir, **overrides)
    check_output(config)  # cheap checks first: nothing is loaded for a run that would be refused
    prepared = prepare_data(data or profile.dataset, config.seed, text_column=text_column,
                            label_column=label_column, clean=clean,
                            max_samples=(profile.max_train_samples or 0) if max_samples is None else max_samples,
                            has_header=has_header, label_map=label_map, strict=strict)
    prepare_output(config)
    return train_and_record(prepared, config, profile.name)


def train_and_record(prepared: PreparedData, config: TrainConfig, tier: str, trainer=None,
                     encoded=None) -> TrainResult:
    """Fine-tune on prepared data (optionally with a ready ``Trainer`` and the tokenized splits it
    was built with), then write the model folder's run card: what every later stage reads."""
    from .record import write_run_record

    config.extras.update({"profile": tier, "data": prepared.source})
    result = train_model(encoded if trainer is not None else prepared.splits, config, trainer=trainer)
    write_run_record(result, tier, prepared, config)
    return result


def is_trained_model(folder: str | Path) -> bool:
    from ..runcard import RUN_CARD_FILE

    folder = Path(folder)
    return all((folder / name).is_file() for name in ("config.json", METRICS_FILE, RUN_CARD_FILE))


def ensure_trained_model(model_dir: str | Path, profile: Profile, **overrides) -> Path:
    """Return ``model_dir``, training a model there first if it holds none.

    Lets later lessons (evaluation, deployment) run on their own when the Part 2
    notebook has not been run.
    """
    model_dir = Path(model_dir)
    if not is_trained_model(model_dir):
        print(f"no trained model in {model_dir}: training one on the {profile.name} tier first", flush=True)
        run_training(profile, model_dir, overwrite=True, **overrides)
    return model_dir
