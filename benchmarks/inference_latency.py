"""Issue-6 target: ONNX Runtime int8 vs PyTorch eager on the same fine-tuned model.

Latency at batch 1 and 32 with every sequence padded to 128 tokens, interleaved runs in
one process on the same threads, plus logit parity and prediction agreement on all
3,000 UCI sentences (read by path from ``../shared/data``, never copied) and held-out
accuracy on UCI's test split. Target: int8 at least 3x faster than PyTorch at batch 1,
agreement at least 99%.

Without ``--model-dir`` it fine-tunes the offline MiniLM on UCI's 80% train split first
(one epoch by default; kept in ``results/benchmarks/uci-model`` for reruns).

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/inference_latency.py [--threads 2] [--repeats 30]
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path


from benchmarks.uci import load_uci  # noqa: E402

TARGET_SPEEDUP, TARGET_AGREEMENT = 3.0, 0.99


def train_uci_model(folder: Path, epochs: float, seed: int) -> Path:
    from coursekit.data import clean_dataset, split_dataset
    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig, is_trained_model, train_model

    if is_trained_model(folder):
        print(f"reusing the fine-tuned model in {folder}")
        return folder
    splits = split_dataset(clean_dataset(load_uci()), seed=seed)
    config = TrainConfig.from_profile(get_profile("offline"), output_dir=str(folder), epochs=epochs, seed=seed)
    started = time.perf_counter()
    result = train_model(splits, config)
    print(f"fine-tuned on {len(splits['train'])} UCI sentences in {time.perf_counter() - started:.0f} s; "
          f"test accuracy {result.test_metrics['accuracy']:.3f}")
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", help="fine-tuned model folder (default: train one on UCI)")
    parser.add_argument("--work-dir", default="results/benchmarks", help="where the model, export and JSON go")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2, help="threads for both engines (default: 2)")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from coursekit.data import split_dataset
    from coursekit.export import export_onnx, format_parity_table, parity_report

    work = Path(args.work_dir)
    model_dir = Path(args.model_dir) if args.model_dir else train_uci_model(work / "uci-model", args.epochs, args.seed)
    export_dir = work / "uci-model-onnx"
    started = time.perf_counter()
    export = export_onnx(model_dir, export_dir, max_length=args.seq_len)
    export_s = time.perf_counter() - started

    uci = load_uci()
    texts, labels = list(uci["text"]), [int(v) for v in uci["label"]]
    report = parity_report(model_dir, export_dir, texts, labels, data_name="UCI (amazon+yelp+imdb, all rows)",
                           batch_sizes=(1, 32), seq_len=args.seq_len, repeats=args.repeats, threads=args.threads)
    test = split_dataset(uci, seed=args.seed)["test"]
    held_out = parity_report(model_dir, export_dir, list(test["text"]), [int(v) for v in test["label"]],
                             data_name="UCI test split", batch_sizes=(), repeats=1, threads=args.threads)

    int8 = report["engines"]["onnx_int8"]
    speedup_b1 = report["speedup_vs_pytorch"]["onnx_int8"]["1"]
    result = {
        "parity": report,
        "held_out_accuracy": {name: e["accuracy"] for name, e in held_out["engines"].items()},
        "held_out_n": held_out["n_texts"],
        "export_s": round(export_s, 1),
        "fusion": export.manifest["fusion"],
        "targets": {"int8_speedup_b1": {"value": speedup_b1, "target": TARGET_SPEEDUP,
                                         "met": speedup_b1 >= TARGET_SPEEDUP},
                    "int8_agreement": {"value": int8["agreement"], "target": TARGET_AGREEMENT,
                                       "met": int8["agreement"] >= TARGET_AGREEMENT}},
        "python": platform.python_version(),
    }
    print(format_parity_table(report))
    print("held-out accuracy (UCI test split, %d rows): %s" % (held_out["n_texts"], ", ".join(
        f"{k} {v:.3f}" for k, v in result["held_out_accuracy"].items())))
    for name, target in result["targets"].items():
        print(f"target {name}: {target['value']:.3f} (≥ {target['target']}) {'met' if target['met'] else 'NOT met'}")
    work.mkdir(parents=True, exist_ok=True)
    out = work / "inference_latency.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
