"""The evaluation report for a reader who is not a data scientist: a summary paragraph computed from
the metrics (what the model gets right and wrong, in words), and the tables with friendly column
names and only the columns that fit a 1200-px page (every figure stays in ``metrics.json``)."""
from __future__ import annotations

HISTORY_COLUMNS = {  # Trainer's name -> the report's
    "epoch": "Epoch", "step": "Step", "train_loss": "Training loss", "eval_loss": "Validation loss",
    "eval_accuracy": "Validation accuracy", "eval_f1_macro": "Validation macro-F1",
    "eval_recall_negative": "Unhappy customers found (recall)", "eval_f1_negative": "Unhappy customers: F1",
}
MISTAKE_COLUMNS = {"row": "Row in the file", "text": "Review", "label": "Actually", "predicted": "Model said",
                   "confidence": "Model's confidence"}


def _share(value: float) -> str:
    return f"{value:.0%}"


def _worst_slice(slices) -> str:
    """The slice (large enough to judge) where accuracy falls furthest below the overall one, in words."""
    if slices is None or "column" not in slices:
        return ""
    judged = slices[(slices["column"] != "overall") & ~slices["small"].astype(bool)]
    if judged.empty:
        return ""
    worst = judged.sort_values("accuracy_gap").iloc[0]
    if worst["accuracy_gap"] > -0.02:
        return " Its accuracy is about the same across the groups large enough to judge."
    return (f" It does worst on {worst['column']} = {worst['value']} ({int(worst['n'])} reviews): accuracy "
            f"{worst['accuracy']:.0%}, {abs(worst['accuracy_gap']) * 100:.0f} points below the overall figure.")


def summary_paragraph(metrics: dict, slices=None) -> str:
    """What the model gets right and wrong, in plain words, from ``metrics`` (``compute_metrics``'s)."""
    n, positive = int(metrics["n"]), int(metrics["n_positive"])
    negative = n - positive
    # rows: the true class, columns: the predicted one (NEGATIVE first): the unhappy customers found,
    # missed; the happy ones called unhappy
    (found, missed), (false_alarms, _) = metrics["confusion_matrix"]
    majority = max(positive, negative) / n if n else 0.0
    parts = [f"On {n} reviews it had not seen ({negative} from unhappy customers, {positive} from happy ones), "
             f"the model labels {_share(metrics['accuracy'])} correctly."]
    if positive >= negative and majority >= 0.6:  # mostly happy: "always happy" flatters accuracy
        parts.append(f"Answering \"happy\" to every review would already score {_share(majority)}, so accuracy "
                     "alone says little; what matters is how it treats the unhappy customers.")
    if negative:
        parts.append(f"It finds {found} of the {negative} unhappy customers ({_share(found / negative)}) and "
                     f"misses {missed}, who would go unnoticed.")
    if found + false_alarms:
        parts.append(f"When it flags a review as unhappy it is right {_share(found / (found + false_alarms))} "
                     "of the time.")
    if positive:
        parts.append(f"It calls {false_alarms} of the {positive} happy customers unhappy "
                     f"({_share(false_alarms / positive)}).")
    return " ".join(parts) + _worst_slice(slices) + f" Overall: {_overall(metrics.get('f1_macro'), majority)}"


def _overall(macro_f1: float | None, majority: float) -> str:
    """One phrase: how far macro-F1 is above what answering the majority class scores."""
    if macro_f1 is None:
        return "no macro-F1 (one class only)."
    chance = max(majority / (1 + majority), 0.5)  # macro-F1 of "always the majority", or a coin flip
    if macro_f1 < chance + 0.1:
        return f"macro-F1 {macro_f1:.2f}, close to the {chance:.2f} of guessing: not ready to use."
    if macro_f1 < 0.8:
        return f"macro-F1 {macro_f1:.2f}: it has learned something, but misses too many unhappy customers to rely on."
    return f"macro-F1 {macro_f1:.2f}: a useful model; check the mistakes below before relying on it."


def friendly_history(history: list[dict] | None):
    """The training history with the report's column names (losses and validation scores only)."""
    import pandas as pd

    if not history:
        return None
    frame = pd.DataFrame(history)
    keep = [name for name in HISTORY_COLUMNS if name in frame.columns]
    return frame[keep].rename(columns=HISTORY_COLUMNS)


def _with_interval(row, name: str) -> str:
    low, high = row.get(f"{name}_low"), row.get(f"{name}_high")
    value = f"{row[name]:.3f}"
    return value if low is None or low != low else f"{value} ({low:.2f}–{high:.2f})"


def friendly_slices(slices):
    """One row per slice: its name, size, accuracy and macro-F1 (95% interval), unhappy customers found, gap."""
    import pandas as pd

    rows = []
    for _, row in slices.iterrows():
        rows.append({
            "Group": "all reviews" if row["column"] == "overall" else f"{row['column']} = {row['value']}",
            "Reviews": int(row["n"]), "Unhappy": int(row["n_negative"]),
            "Accuracy (95% interval)": _with_interval(row, "accuracy"),
            "Macro-F1 (95% interval)": _with_interval(row, "f1_macro"),
            "Unhappy found (recall)": f"{row['recall_negative']:.3f}",
            "Accuracy vs overall": f"{row['accuracy_gap']:+.3f}",
            "Too few to judge": "yes" if row["small"] else "",
        })
    return pd.DataFrame(rows)


def friendly_mistakes(mistakes):
    """The most confident mistakes: row, review, the true and the predicted label, the confidence."""
    keep = [name for name in MISTAKE_COLUMNS if name in mistakes.columns]
    return mistakes[keep].rename(columns=MISTAKE_COLUMNS)


FIELD_NAMES = {
    "folder": "Model folder", "base_model": "Fine-tuned from", "architecture": "Architecture",
    "parameters": "Parameters", "max_length": "Tokens read per review", "profile": "Course tier",
    "model_fingerprint": "Weights fingerprint (SHA-256)", "file": "Data file", "data": "Data",
    "bytes": "File size (bytes)", "sha256": "File fingerprint (SHA-256)", "split": "Reviews scored",
    "rows_evaluated": "Reviews", "cleaned": "Texts cleaned as in training", "seed": "Split seed", "note": "Note",
}


def friendly_fields(values: dict) -> list[tuple[str, object]]:
    """``values`` (the model's or the data's facts) as (label, value) rows; numbers with thousands separators,
    a file or folder by its name (a page that travels shows no machine path)."""
    from pathlib import PurePath

    rows = []
    for key, value in values.items():
        if isinstance(value, str) and PurePath(value).is_absolute():
            value = PurePath(value).name
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, int):
            value = f"{value:,}"
        rows.append((FIELD_NAMES.get(key, key.replace("_", " ").capitalize()), value))
    return rows
