"""Issue 23.1: does fine-tuning learn from a few hundred to a thousand real reviews, and does the verdict say so?

The offline tier's MiniLM, trained exactly as ``coursekit train`` trains it, on three real exports:
a seeded, stratified sample of 600 of the shop's reviews (shipped: 88% positive), the 1,000 Yelp
sentences of the UCI set and the 872 SST-2 sentences (both read by path from the shared data
folder, never copied; half negative). Each file is trained twice: at the assignment's settings
(lr 2e-5, 3 epochs, early stopping after 2 evaluations) and at the course's small-data settings
(lr 1e-4, 5 epochs, no early stopping: ``coursekit demo`` and lesson 02, section 10). Recorded per
run: the split sizes, validation and test accuracy, macro-F1 and negative-class F1, the majority
share, the verdict of ``coursekit.train.verdict`` (kind, reasons, suggested changes) and the
training time (accuracy figures: the machine's load, recorded, does not change them).

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/small_data.py --shared-data ../shared/data \\
        --output benchmarks/results/small_data.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shop_scores import uptime  # noqa: E402

SETTINGS = {
    "assignment": {"learning_rate": 2e-5, "epochs": 3, "early_stopping_patience": 2},
    "small-data": {"learning_rate": 1e-4, "epochs": 5, "early_stopping_patience": 0},
}
KEEP = ("accuracy", "f1_macro", "f1_negative", "recall_negative")


def data_files(shared: Path | None) -> dict[str, dict]:
    """name -> run_training's data options (the shop's file ships with coursekit; the others by path)."""
    from coursekit.data import shop_reviews_path

    files = {"shop-600": {"data": str(shop_reviews_path()), "max_samples": 600}}
    if shared is not None:
        files["uci-yelp"] = {"data": str(shared / "uci-sentiment-labelled-sentences" / "yelp_labelled.txt"),
                             "has_header": False, "max_samples": 0}
        files["sst2-dev"] = {"data": str(shared / "sst2-dev" / "dev.tsv"), "text_column": "sentence",
                             "max_samples": 0}
    return files


def run_one(name: str, data: dict, setting: str, seed: int) -> dict:
    """Train once in a temporary folder; the figures and the verdict the run printed."""
    from coursekit.profiles import get_profile
    from coursekit.train import run_training

    with tempfile.TemporaryDirectory(prefix="small-data-") as tmp:
        started = time.perf_counter()
        result = run_training(get_profile("offline"), Path(tmp) / "model", seed=seed, **data, **SETTINGS[setting])
        seconds = time.perf_counter() - started
    outcome = result.summary.get("outcome") or {}
    split = (result.summary.get("data") or {}).get("split_sizes")
    return {"data": name, "settings": setting, **SETTINGS[setting], "seed": seed, "split": split,
            "validation": {k: round(result.validation_metrics[k], 4) for k in KEEP if k in result.validation_metrics},
            "test": {k: round(result.test_metrics[k], 4) for k in KEEP if k in (result.test_metrics or {})},
            "verdict": outcome.get("verdict"), "stopped_early": outcome.get("stopped_early"),
            "train_runtime_s": round(result.train_runtime_s, 1), "wall_s": round(seconds, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared-data", type=Path, default=None,
                        help="the shared data folder with uci-sentiment-labelled-sentences/ and sst2-dev/ "
                             "(default: the shop's reviews only)")
    parser.add_argument("--output", type=Path, required=True, help="JSON file for the results")
    parser.add_argument("--only", nargs="*", default=None, help="data names to run (shop-600, uci-yelp, sst2-dev)")
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    os.environ.setdefault("CI", "true")  # no progress bars: one line per evaluation, as in a log
    command = " ".join(["benchmarks/small_data.py", *(["--shared-data", "SHARED_DATA"] if args.shared_data else []),
                        "--output", str(args.output)])  # no machine paths in the committed figures
    report = {"benchmark": "small_data", "command": command, "load_before": uptime(), "runs": []}
    for name, data in data_files(args.shared_data).items():
        if args.only and name not in args.only:
            continue
        for setting in args.settings:
            run = run_one(name, data, setting, args.seed)
            report["runs"].append(run)
            print(json.dumps(run), flush=True)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")  # after each run
    report["load_after"] = uptime()
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
