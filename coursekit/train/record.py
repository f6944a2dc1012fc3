"""Write the run card (``coursekit.json``) of a finished run, and the data summary into metrics.json."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..defaults import SPLIT_FRACTIONS
from ..labels import LABEL_NAMES
from ..model_folder import (CONFIG_FILE, METRICS_FILE, RunCard, data_fingerprint, model_fingerprint, write_model_card,
                            write_run_card)
from .distributed import is_main_process, main_print
from .tracking import track_run


def build_run_card(tier: str, prepared, config, outcome: dict | None = None, train_runtime_s: float | None = None):
    """The :class:`~coursekit.model_folder.RunCard` of a run on ``prepared`` data with ``config``."""
    cleaning = prepared.config.cleaning_config()
    source = prepared.source
    resolved = str(Path(source).resolve()) if Path(source).is_file() else source
    data = {**asdict(prepared.config), "data": resolved, "source": resolved,
            "fingerprint": data_fingerprint(source), "rows_loaded": prepared.rows_loaded,
            "rows_used": sum(len(v) for v in prepared.positions.values())}
    split = {"seed": prepared.seed, "fractions": list(SPLIT_FRACTIONS),
             **{part: {"positions": prepared.positions[part], "rows": prepared.rows[part]}
                for part in prepared.positions}}
    folder = Path(config.output_dir)
    return RunCard(
        tier=tier,
        base_model=str(config.model),
        max_length=int(config.max_length),
        labels=list(LABEL_NAMES),
        cleaning=None if cleaning is None else asdict(cleaning),
        data=data,
        split=split,
        dropped=prepared.dropped,
        training={**config.hyperparameters(), "outcome": outcome or {},
                  "train_runtime_s": None if train_runtime_s is None else round(train_runtime_s, 2)},
        model_fingerprint=model_fingerprint(folder) if (folder / CONFIG_FILE).is_file() else None,
    )


def write_run_record(result, tier: str, prepared, config) -> None:
    """After training: the run card, the data summary in metrics.json, the disk the run used."""
    from ..fileio import write_json_atomic
    from ..outputs import disk_usage, human_size

    if not is_main_process():
        return
    card = build_run_card(tier, prepared, config, result.summary.get("outcome"), result.train_runtime_s)
    write_run_card(config.output_dir, card)
    metrics_path = Path(config.output_dir) / METRICS_FILE
    metrics = {}
    if metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        metrics["data"] = {"source": card.data["source"], "rows_loaded": prepared.rows_loaded,
                           "dropped": prepared.dropped,
                           "split_sizes": {part: len(rows) for part, rows in prepared.positions.items()}}
        write_json_atomic(metrics_path, metrics)
        result.summary["data"] = metrics["data"]
    write_model_card(config.output_dir, card, metrics)  # README.md: data, licence, split, scores, limits
    track_run(config, prepared, result, card)  # MLflow: settings, per-epoch metrics, the run card
    used = disk_usage(config.output_dir)
    checkpoints = Path(config.checkpoint_dir)
    kept = sorted(p.name for p in checkpoints.glob("checkpoint-*")) if checkpoints.is_dir() else []
    main_print(f"disk: {human_size(used)} in {config.output_dir} ({len(kept)} checkpoint(s) kept: "
               f"{', '.join(kept) or 'none'}; --keep-checkpoints keeps every one)")
