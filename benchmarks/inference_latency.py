"""Issue-17 targets: PyTorch eager vs ONNX Runtime fp32 / int8 on the same fine-tuned model.

Latency at batch 1 and 32 with every sequence padded to 128 tokens, each engine timed
alone in a fresh process of its own (``coursekit.export.latency``) with the scoring
service's session options; ORT with its threads spinning (the service's default) and not,
at 1 and 2 threads; the engines take turns for ``--rounds`` rounds and the median of the
rounds' medians is reported, with the CPU time per call and ``uptime`` before and after.
Logit parity and prediction agreement on all 3,000 UCI sentences (read by path from
``../shared/data``, never copied), and held-out accuracy on UCI's test split.
Targets at batch 1, 2 threads, spinning on: ORT fp32 at least 2x PyTorch, int8 at least
4x; int8 agreement at least 99.5%.

Without ``--model-dir`` it fine-tunes the offline MiniLM on UCI's 80% train split first
(the assignment's 3 epochs; kept in ``results/benchmarks/uci-model`` for reruns). Beside the default
int8 copy (every matrix product quantized), a second one keeps the products with outlier inputs in fp32
(``coursekit export --int8-outlier-ratio 8``, ``coursekit.export.outliers``); both are compared and timed.

    .venv/bin/python -m benchmarks.inference_latency [--rounds 3] [--repeats 20] [--threads 1,2]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.uci import load_uci

TARGETS = {"onnx_fp32": 2.0, "onnx_int8": 4.0}
TARGET_AGREEMENT = 0.995
OUTLIER_RATIO = 8.0  # the second int8 copy: products whose inputs peak above 8x their 99.9th percentile stay fp32


def uci_splits(seed: int):
    """UCI cleaned and split 80/10/10 exactly as the model is trained on it (the same call for the held-out part)."""
    from coursekit.data import clean_dataset, split_dataset

    return split_dataset(clean_dataset(load_uci()), seed=seed)


def train_uci_model(folder: Path, epochs: float, seed: int) -> Path:
    """Fine-tune the offline MiniLM on UCI's train split, or reuse the one trained with the same settings."""
    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig, train_model

    marker = folder / "benchmark_training.json"
    settings = {"epochs": epochs, "seed": seed}
    if marker.is_file() and json.loads(marker.read_text()).get("settings") == settings:
        print(f"reusing the fine-tuned model in {folder}")
        return folder
    splits = uci_splits(seed)
    config = TrainConfig.from_profile(get_profile("offline"), output_dir=str(folder), epochs=epochs, seed=seed)
    started = time.perf_counter()
    result = train_model(splits, config)
    seconds = time.perf_counter() - started
    print(f"fine-tuned on {len(splits['train'])} UCI sentences in {seconds:.0f} s; "
          f"test accuracy {result.test_metrics['accuracy']:.3f}")
    marker.write_text(json.dumps({"settings": settings, "train_rows": len(splits["train"]),
                                  "train_s": round(seconds), "test_accuracy": result.test_metrics["accuracy"]}))
    return folder


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def machine_was_quiet(own_threads: int = 0) -> bool:
    """True when nothing but this benchmark kept the CPUs busy over the last minute.

    The 1-minute load must stay below the number of CPUs plus a little, counting the
    benchmark's own ``own_threads`` (a 2-thread engine keeps the load near 2 by itself; the
    5- and 15-minute figures still hold whatever ran before the benchmark started). On a
    busy machine a 2-thread engine waits for its second thread to be scheduled (PyTorch's
    OpenMP pool measured 10x slower at load 12 on 2 cores), so the speed targets are not
    judged from such a run.
    """
    cpus = os.cpu_count() or 1
    return os.getloadavg()[0] < max(cpus, own_threads) - (0 if own_threads else cpus / 2) + 0.5


def time_matrix(model_dir: Path, export_dir: Path, texts: list[str], args, progress,
                int8_outliers: Path | None = None) -> dict:
    """Every engine and setting, per thread count, in one run of rotating rounds."""
    from transformers import AutoTokenizer

    from coursekit.export.latency import time_engines_isolated
    from coursekit.export.parity import engine_files, latency_batch

    tokenizer = AutoTokenizer.from_pretrained(export_dir)
    batches = {b: latency_batch(tokenizer, texts, b, args.seq_len) for b in (1, 32)}
    files = engine_files(model_dir, export_dir)
    engines = {"pytorch": files["pytorch"]}
    for spinning in (True, False):
        for name in ("onnx_fp32", "onnx_int8"):
            engines[f"{name}{'' if spinning else '_nospin'}"] = (*files[name], {"spinning": spinning})
    if int8_outliers is not None:
        engines["onnx_int8_outliers"] = ("ort", int8_outliers, {"spinning": True})
    matrix = {}
    for threads in args.threads:
        matrix[str(threads)] = time_engines_isolated(engines, batches, runs=args.repeats, rounds=args.rounds,
                                                     threads=threads, progress=progress)
    return matrix


def speedups(matrix: dict) -> dict:
    return {threads: {name: {b: round(timed["pytorch"][b]["p50_ms"] / s["p50_ms"], 2) for b, s in by_batch.items()}
                      for name, by_batch in timed.items() if name != "pytorch"}
            for threads, timed in matrix.items()}


def print_matrix(matrix: dict, speed: dict) -> None:
    print(f"{'threads':>7}  {'engine':<16} {'b1 p50 ms':>9} {'b1 cpu ms':>9} {'b1 x':>6} "
          f"{'b32 p50 ms':>10} {'b32 cpu ms':>10} {'b32 x':>6}")
    for threads, timed in matrix.items():
        for name, by_batch in timed.items():
            x = speed[threads].get(name, {"1": 1.0, "32": 1.0})
            print(f"{threads:>7}  {name:<16} {by_batch['1']['p50_ms']:9.1f} {by_batch['1']['cpu_p50_ms']:9.1f} "
                  f"{x['1']:5.2f}x {by_batch['32']['p50_ms']:10.0f} {by_batch['32']['cpu_p50_ms']:10.0f} {x['32']:5.2f}x")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", help="fine-tuned model folder (default: train one on UCI)")
    parser.add_argument("--work-dir", default="results/benchmarks", help="where the model, export and JSON go")
    parser.add_argument("--epochs", type=float, default=3.0, help="the assignment's 3 epochs (what students deploy)")
    parser.add_argument("--threads", type=lambda v: [int(t) for t in v.split(",")], default=[1, 2],
                        help="comma-separated thread counts (default: 1,2)")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per engine, batch and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of turns, each engine in a fresh process")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from coursekit.export import StepProgress, format_parity_table, parity_report
    from coursekit.export import export_trained_model

    work = Path(args.work_dir)
    model_dir = Path(args.model_dir) if args.model_dir else train_uci_model(work / "uci-model", args.epochs, args.seed)
    export_dir = work / "uci-model-onnx"
    load_before, quiet = uptime(), machine_was_quiet()  # before: nothing else running
    progress = StepProgress(5 + 2 + 6 * args.rounds * len(args.threads), prefix="benchmark")
    started = time.perf_counter()
    export = export_trained_model(model_dir, export_dir, progress=progress)  # the run card's length and cleaning
    export_s = time.perf_counter() - started

    uci = load_uci()
    texts, labels = list(uci["text"]), [int(v) for v in uci["label"]]
    report = parity_report(model_dir, export_dir, texts, labels, data_name="UCI (amazon+yelp+imdb, all rows)",
                           batch_sizes=(), seq_len=args.seq_len, progress=progress)
    test = uci_splits(args.seed)["test"]  # the part the model did not train on (parity re-cleans: a no-op)
    held_out = parity_report(model_dir, export_dir, list(test["text"]), [int(v) for v in test["label"]],
                             data_name="UCI test split", batch_sizes=(), progress=progress)
    outliers_dir = work / "uci-model-onnx-int8-outliers"  # outlier products kept fp32: the trade-off
    export_trained_model(model_dir, outliers_dir, int8_outlier_ratio=OUTLIER_RATIO)
    outliers_report = parity_report(model_dir, outliers_dir, texts, labels, batch_sizes=(), seq_len=args.seq_len,
                                    data_name="UCI (all rows), int8 with outlier products in fp32")
    matrix = time_matrix(model_dir, export_dir, texts, args, progress,
                         int8_outliers=outliers_dir / "model.int8.onnx")
    progress.close()
    load_after, quiet = uptime(), quiet and machine_was_quiet(own_threads=max(args.threads))

    speed = speedups(matrix)
    serving = speed[str(max(args.threads))]  # the service's settings: all threads, spinning on
    int8 = report["engines"]["onnx_int8"]
    targets = {f"{name}_speedup_b1": {"value": serving[name]["1"], "target": target,
                                      "met": serving[name]["1"] >= target if quiet else None}
               for name, target in TARGETS.items()}
    targets["int8_agreement"] = {"value": int8["agreement"], "target": TARGET_AGREEMENT,
                                 "met": int8["agreement"] >= TARGET_AGREEMENT}
    result = {
        "command": "python -m benchmarks.inference_latency " + " ".join(argv if argv is not None else sys.argv[1:]),
        "uptime": {"before": load_before, "after": load_after, "quiet": quiet},
        "parity": report,
        "model": json.loads((model_dir / "benchmark_training.json").read_text())
        if (model_dir / "benchmark_training.json").is_file() else {"folder": model_dir.name},
        "held_out_accuracy": {name: e["accuracy"] for name, e in held_out["engines"].items()},
        "held_out_n": held_out["n_texts"],
        "latency_ms": matrix,
        "speedup_vs_pytorch": speed,
        "timing": {"seq_len": args.seq_len, "runs": args.repeats, "rounds": args.rounds,
                   "how": "each engine alone in a fresh process, engines taking turns in rotating order; "
                          "p50 = median of the rounds' medians; cpu = process CPU time per call"},
        "export_s": round(export_s, 1),
        "fusion": export.manifest["fusion"],
        "quantization": export.manifest["quantization"],
        "int8_outliers_in_fp32": {
            "outlier_ratio": OUTLIER_RATIO,
            **{key: json.loads((outliers_dir / "export.json").read_text())["quantization"][key]
               for key in ("kept_fp32", "input_peak_ratios")},
            **{key: outliers_report["engines"]["onnx_int8"].get(key)
               for key in ("agreement", "max_abs_logit_diff", "accuracy", "file_mb")}},
        "targets": targets,
        "python": platform.python_version(),
        "versions": export.manifest["versions"],
    }
    print(format_parity_table(report))
    print("held-out accuracy (UCI test split, %d rows): %s" % (held_out["n_texts"], ", ".join(
        f"{k} {v:.3f}" for k, v in result["held_out_accuracy"].items())))
    print_matrix(matrix, speed)
    for name, target in targets.items():
        verdict = {True: "met", False: "NOT met", None: "not judged: the machine was busy (see uptime)"}[target["met"]]
        print(f"target {name}: {target['value']:.3f} (≥ {target['target']}) {verdict}")
    print(f"uptime before: {load_before}\nuptime after:  {load_after}")
    work.mkdir(parents=True, exist_ok=True)
    out = work / "inference_latency.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
