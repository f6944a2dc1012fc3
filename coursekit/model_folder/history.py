"""A model folder's training history: train and validation loss per evaluation (the overfitting plot).

Training writes it into ``metrics.json`` (``history``); a folder trained elsewhere may hold a
``history.json`` list or the Hugging Face Trainer's ``trainer_state.json``.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import RunCardError

METRICS_FILE = "metrics.json"
HISTORY_FILES = (METRICS_FILE, "history.json", "trainer_state.json")


def history_from_log(log_history: list[dict]) -> list[dict]:
    """Merge the Trainer's log entries into one row per evaluation.

    Each row: ``epoch``, ``step``, ``train_loss`` (mean over the interval),
    ``eval_loss`` and every other ``eval_*`` metric.
    """
    rows: dict[int, dict] = {}
    for entry in log_history:
        step = entry.get("step")
        if step is None:
            continue
        if "eval_loss" in entry:
            row = rows.setdefault(step, {"step": step})
            row["epoch"] = round(float(entry.get("epoch", 0.0)), 4)
            row.update({k: float(v) for k, v in entry.items() if k.startswith("eval_") and isinstance(v, (int, float))})
        elif "loss" in entry:
            row = rows.setdefault(step, {"step": step})
            row["train_loss"] = float(entry["loss"])
            row.setdefault("epoch", round(float(entry.get("epoch", 0.0)), 4))
    return [rows[s] for s in sorted(rows) if "eval_loss" in rows[s]]


def load_history(model_dir) -> list[dict] | None:
    """Per-evaluation history saved beside a model: the ``history`` of the ``metrics.json``
    that ``coursekit train`` writes, a ``history.json`` list, or HF ``trainer_state.json``."""
    folder = Path(model_dir)
    for name in HISTORY_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunCardError(f"{path}: not readable JSON ({exc})") from exc
        if name == "trainer_state.json" and isinstance(payload, dict):
            rows = history_from_log(payload.get("log_history", []))
        else:
            rows = payload.get("history") if isinstance(payload, dict) else payload
        rows = [dict(r) for r in rows or [] if isinstance(r, dict) and r.get("epoch") is not None]
        if rows:
            return rows
    return None
