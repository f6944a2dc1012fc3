"""Issue 27: full fine-tuning, LoRA and a frozen encoder (`coursekit train --method`) side by side.

Each method is trained by `coursekit train` in its own fresh process on the offline tier (MiniLM-L6,
the shop's real reviews, one seeded sample, so the same split for every run) at a short sweep of
learning rates (LoRA and the head need higher ones than full fine-tuning). The learning rate is
picked per method by VALIDATION macro-F1; the picked run's TEST scores are reported (choosing on
test would make them optimistic). Per run: trainable parameters, training and wall time, the
process's peak memory (max RSS), what the method must store (full: the whole model; lora: the
adapter; head: the head's weights), accuracy, macro-F1 and negative-class F1, and what one run
would cost on the course's Azure GPU size at the project's list price (coursekit/azure/pricing.py)
if it took as long as here. Every run is also logged to a temporary MLflow store and read back
with `coursekit.train.runs`, as lesson 05 does.

Times need two quiet cores: run it under the team's CPU lock (the load is recorded). About 10
minutes on 2 quiet cores at the default sizes (400 reviews, 3 epochs, 8 runs; measured 06:16-06:26
on 2026-12-07):

    .venv/bin/python benchmarks/train_methods.py --output benchmarks/results
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shop_scores import uptime  # noqa: E402

SWEEP = {"full": (2e-5, 1e-4), "lora": (5e-4, 2e-3, 1e-2), "head": (5e-3, 5e-2, 2e-1)}
SIZES = {"max_samples": 400, "epochs": 3}


def run_one(method: str, lr: float, folder: Path, env: dict, sizes: dict) -> dict:
    """``coursekit train`` in a fresh process; its metrics.json figures, wall time and peak RSS."""
    argv = [sys.executable, "-m", "coursekit.cli", "train", "--method", method, "--lr", str(lr),
            "--max-samples", str(sizes["max_samples"]), "--epochs", str(sizes["epochs"]), "--patience", "0",
            "--output", str(folder)]
    if sizes.get("max_steps"):
        argv += ["--max-steps", str(sizes["max_steps"])]
    started = time.perf_counter()
    with open(folder.parent / f"{folder.name}.log", "w") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{method} lr {lr} failed: see {folder.parent / (folder.name + '.log')}")
    metrics = json.loads((folder / "metrics.json").read_text())
    block = metrics["method"]
    stored = {"full": block["saved"]["model_bytes"], "lora": block["saved"].get("adapter_bytes"),
              "head": block["parameters"]["trainable_bytes"]}[method]
    return {"method": method, "learning_rate": lr, "wall_s": round(wall, 1),
            "train_runtime_s": metrics["train_runtime_s"], "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "trainable_parameters": block["parameters"]["trainable"], "total_parameters": block["parameters"]["total"],
            "stored_bytes": stored, "merged_model_bytes": block["saved"]["model_bytes"],
            "validation": {k: round(metrics["validation"][k], 4) for k in ("accuracy", "f1_macro", "f1_negative")},
            "test": {k: round(metrics["test"][k], 4) for k in ("accuracy", "f1_macro", "f1_negative")},
            "best_epoch": (metrics.get("outcome") or {}).get("best_epoch")}


def gpu_cost(seconds: float) -> dict:
    """One run's price on the course's training GPU size, billed per started minute."""
    from coursekit.azure.pricing import vm_price
    from coursekit.azure.specs import TrainingOptions

    size = TrainingOptions().gpu_size
    price = vm_price(size)
    minutes = max(1, math.ceil(seconds / 60))
    return {"vm_size": size, "usd_per_hour": price.usd_per_hour, "billed_minutes": minutes,
            "usd": round(price.usd_per_hour * minutes / 60, 4)}


def sweep(sizes: dict, work: Path, env: dict) -> list[dict]:
    runs = []
    for method, rates in SWEEP.items():
        for lr in rates:
            run = run_one(method, lr, work / f"{method}-{lr:g}", env, sizes)
            print(f"{method:<5} lr {lr:<7g} val macro-F1 {run['validation']['f1_macro']:.3f}  test macro-F1 "
                  f"{run['test']['f1_macro']:.3f}  train {run['train_runtime_s']:>6.1f} s  peak {run['peak_rss_mib']:.0f} "
                  f"MiB  trainable {run['trainable_parameters']:,}", flush=True)
            runs.append(run)
    return runs


def tracked(store: str) -> list[dict]:
    """The same runs as `coursekit runs` reads them from the MLflow store."""
    from coursekit.train.runs import list_runs

    keep = ("method", "learning_rate", "trainable", "train_s", "accuracy", "f1_macro", "f1_negative")
    return [{k: row.get(k) for k in keep} for row in list_runs(store)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="results/benchmarks")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 60 reviews, 2 steps (figures mean nothing)")
    args = parser.parse_args(argv)
    sizes = dict(SIZES, max_samples=60, epochs=1, max_steps=2) if args.quick else dict(SIZES)
    report = {"tier": "offline", "model": "sentence-transformers/all-MiniLM-L6-v2 (22.7M parameters)",
              "data": "the shop export (CC0), a seeded stratified sample: same split for every run", "sizes": sizes,
              "sweep": {k: list(v) for k, v in SWEEP.items()}, "pick": "per method, the highest validation macro-F1",
              "machine": {"cpus": os.cpu_count(), "gpu": None, "uptime_before": uptime()}}
    with tempfile.TemporaryDirectory(prefix="coursekit-methods-") as tmp:
        store = (Path(tmp) / "mlruns").as_uri()
        env = dict(os.environ, CI="true", MLFLOW_TRACKING_URI=store, COURSEKIT_PROFILE="offline")
        report["runs"] = sweep(sizes, Path(tmp), env)
        report["tracked_runs"] = tracked(store)
    report["machine"]["uptime_after"] = uptime()
    picked = {}
    for run in report["runs"]:
        best = picked.get(run["method"])
        if best is None or run["validation"]["f1_macro"] > best["validation"]["f1_macro"]:
            picked[run["method"]] = run
    report["picked"] = {m: {**r, "cost_on_azure_gpu": gpu_cost(r["wall_s"])} for m, r in picked.items()}
    print("\npicked (by validation macro-F1):")
    for method, run in report["picked"].items():
        print(f"  {method:<5} lr {run['learning_rate']:g}: test accuracy {run['test']['accuracy']:.3f}, macro-F1 "
              f"{run['test']['f1_macro']:.3f}, negative F1 {run['test']['f1_negative']:.3f}; stores "
              f"{run['stored_bytes'] / 1e6:.2f} MB; ${run['cost_on_azure_gpu']['usd']:.4f} on "
              f"{run['cost_on_azure_gpu']['vm_size']}")
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    name = "train_methods-quick.json" if args.quick else "train_methods.json"
    (out / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out / name}; load {report['machine']['uptime_before']} -> {report['machine']['uptime_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
