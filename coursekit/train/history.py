"""Per-epoch (or per-evaluation) train and validation loss, for the overfitting plot."""
from __future__ import annotations


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
