"""The tracked runs side by side: what ``coursekit runs`` prints and lesson 05 reads (issue 27).

Reads the MLflow store training logs to (:mod:`.tracking`): one row per run with its method,
learning rate, trainable parameters, training time, saved size and test scores.
"""
from __future__ import annotations

from .tracking import EXPERIMENT, client

# (column, where it comes from: "params", "metrics" or "tags", the key there)
COLUMNS = (("run", "tags", "mlflow.runName"), ("method", "params", "method"),
           ("learning_rate", "params", "learning_rate"), ("epochs", "params", "epochs"),
           ("train_samples", "params", "train_samples"), ("trainable", "metrics", "trainable_parameters"),
           ("train_s", "metrics", "train_runtime_s"), ("saved_adapter_bytes", "metrics", "saved_adapter_bytes"),
           ("saved_model_bytes", "metrics", "saved_model_bytes"), ("accuracy", "metrics", "test_accuracy"),
           ("f1_macro", "metrics", "test_f1_macro"), ("f1_negative", "metrics", "test_f1_negative"))
SHOWN = ("run", "method", "learning_rate", "trainable", "train_s", "accuracy", "f1_macro", "f1_negative")


def list_runs(uri: str | None = None, experiment: str = EXPERIMENT, method: str | None = None,
              limit: int = 100) -> list[dict]:
    """The finished runs of ``experiment`` in the store ``uri`` (default: the tracking store), newest first."""
    mlflow_client = client(uri)
    found = mlflow_client.get_experiment_by_name(experiment)
    if found is None:
        return []
    query = f"params.method = '{method}'" if method else ""
    runs = mlflow_client.search_runs([found.experiment_id], filter_string=query, max_results=limit,
                                     order_by=["attributes.start_time DESC"])
    return [_row(run) for run in runs]


def _row(run) -> dict:
    data = {"params": run.data.params, "metrics": run.data.metrics, "tags": run.data.tags}
    row = {"run_id": run.info.run_id, "start_time": run.info.start_time, "status": run.info.status}
    for column, kind, key in COLUMNS:
        value = data[kind].get(key)
        if kind == "params" and value is not None:
            try:
                value = float(value) if column != "method" else value
            except ValueError:
                pass
        row[column] = value
    for name in ("trainable", "train_samples", "saved_adapter_bytes", "saved_model_bytes"):
        if isinstance(row.get(name), float):
            row[name] = int(row[name])
    return row


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if 0 < value < 0.001 else f"{value:.3f}" if value < 100 else f"{value:.0f}"
    return str(value)


def runs_table(rows: list[dict], columns=SHOWN) -> str:
    """``rows`` as a plain-text table (one line per run), or a sentence when there are none."""
    if not rows:
        return "no tracked runs yet: `coursekit train` logs each run (unless --no-track)"
    cells = [list(columns)] + [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells)


def best_by_method(rows: list[dict], score: str = "f1_macro") -> dict[str, dict]:
    """Per method, its run with the highest ``score`` (the learning-rate sweep's pick)."""
    best: dict[str, dict] = {}
    for row in rows:
        value = row.get(score)
        if row.get("method") and isinstance(value, (int, float)):
            if row["method"] not in best or value > best[row["method"]][score]:
                best[row["method"]] = row
    return best


def latest_by_name(rows: list[dict], names) -> dict[str, dict]:
    """The newest run of each run name in ``names`` (``rows`` are newest first, as :func:`list_runs` gives)."""
    latest: dict[str, dict] = {}
    for row in rows:
        if row.get("run") in names and row["run"] not in latest:
            latest[row["run"]] = row
    return latest


def comparison(rows: list[dict], reference: str = "full") -> list[dict]:
    """One line per run: what it trained, what it must store (full: the whole model; lora: the adapter;
    head: the head's weights, 4 bytes each), its time and scores, and each beside ``reference``'s."""
    base = next((r for r in rows if r.get("method") == reference), None)
    lines = []
    for row in rows:
        stored = {"full": row.get("saved_model_bytes"), "lora": row.get("saved_adapter_bytes"),
                  "head": 4 * (row.get("trainable") or 0)}.get(row.get("method"))
        line = {"method": row.get("method"), "learning_rate": row.get("learning_rate"),
                "trainable": row.get("trainable"), "stored_MB": None if stored is None else round(stored / 1e6, 3),
                "train_s": row.get("train_s"), "accuracy": row.get("accuracy"), "f1_macro": row.get("f1_macro"),
                "f1_negative": row.get("f1_negative")}
        if base is not None:
            for key in ("train_s", "f1_macro", "f1_negative"):
                if isinstance(row.get(key), (int, float)) and isinstance(base.get(key), (int, float)):
                    line[f"{key}_vs_{reference}"] = (round(row[key] / base[key], 3) if key == "train_s" and base[key]
                                                     else round(row[key] - base[key], 4))
        lines.append(line)
    return lines
