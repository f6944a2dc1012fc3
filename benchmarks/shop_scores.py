"""Scores, the table and the machine note shared by the shop-review benchmarks."""
from __future__ import annotations

import subprocess

KEYS = ("accuracy", "f1_macro", "precision_negative", "recall_negative", "f1_negative", "f1", "roc_auc",
        "average_precision_negative")
INTERVALS = ("accuracy", "f1_macro", "f1_negative")


def scores(predictions, seed: int = 42) -> dict:
    """Point scores, 95% bootstrap intervals (1,000 resamples) and the negative F1's half-width."""
    from coursekit.evaluation.intervals import bootstrap_counts
    from coursekit.evaluation.metrics import point_metrics

    metrics = point_metrics(predictions.y_true, predictions.y_pred, predictions.y_prob)
    out = {"n": int(metrics["n"]), "n_negative": int(metrics["n"] - metrics["n_positive"])}
    out.update({k: round(float(metrics[k]), 4) for k in KEYS if metrics.get(k) is not None})
    intervals = bootstrap_counts(predictions.y_true, predictions.y_pred, INTERVALS, seed=seed)
    out["ci95"] = {k: [round(low, 4), round(high, 4)] for k, (low, high) in intervals.items()}
    low, high = intervals["f1_negative"]
    out["f1_negative_half_width"] = round((high - low) / 2, 4)
    return out


def print_table(report: dict) -> None:
    """One row per model and data set; then each check."""
    print()
    print(f"{'model':<16}{'data':<9}{'n':>6}{'neg':>5}{'acc':>7}{'macro-F1':>9}{'neg P':>7}{'neg R':>7}"
          f"{'neg F1':>8}{'± 95%':>7}")
    for name, key in (("TF-IDF + LR", "tfidf_logreg"), ("MiniLM fine-tuned", "finetuned")):
        for part, s in report.get(key, {}).items():
            if not isinstance(s, dict) or "accuracy" not in s:
                continue
            print(f"{name:<16}{part:<9}{s['n']:>6}{s['n_negative']:>5}{s['accuracy']:>7.3f}{s['f1_macro']:>9.3f}"
                  f"{s['precision_negative']:>7.3f}{s['recall_negative']:>7.3f}{s['f1_negative']:>8.3f}"
                  f"{s['f1_negative_half_width']:>7.3f}")
    for check, ok in report.get("checks", {}).items():
        print(f"  {'PASS' if ok else 'FAIL'}  {check}")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except OSError:
        return "unknown"
