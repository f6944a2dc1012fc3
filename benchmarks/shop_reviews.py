"""Issue 20 targets: the offline tier on the shop's real reviews, at its default sizes.

The model ``coursekit train`` makes by default (the offline tier's seeded, stratified
sample of the shop export, split 80/10/10 with seed 42, the assignment's lr 2e-5, batch
16, 3 epochs, weight decay 0.01) beside TF-IDF + logistic regression trained on the very
same training split, both scored on:

- the test split (what ``coursekit train`` reports),
- ``--heldout`` reviews from outside the sample (never trained, validated or tested on),
- the 3,000 UCI sentences and the 872 SST-2 sentences (read by path from
  ``../shared/data``, never copied): does the model read sentiment beyond this shop? Both are
  half negative where the shop is 12%: beside the default threshold (0.5), the figures with
  the decision moved for that prior shift (POSITIVE when P(positive) >= the training share of
  positives, the Bayes rule when the prior changes from that share to 50%).

Targets: fine-tuned macro-F1 at least 8 points above TF-IDF's and negative-class F1 at
least 0.75 (on the held-out reviews, whose interval is narrow; the test split's figures
are reported beside), UCI accuracy at least 0.85, SST-2 at least 0.80, and the
negative-class F1 of the held-out set known to within ±0.10 (95% bootstrap interval).
``--text-column "Review Text"`` reads the review without its title, for both models: beside
the default (``Title + Review Text``), the measurement behind the data card's choice.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/shop_reviews.py --output benchmarks/results
    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/shop_reviews.py --text-column "Review Text" --output benchmarks/results
    .venv/bin/python benchmarks/shop_reviews.py --tfidf-only --output /tmp    # seconds
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

from shop_scores import print_table, scores, uptime  # noqa: E402
from uci import load_sst2_dev, load_uci  # noqa: E402

TARGETS = {"macro_f1_lead_points_min": 8.0, "negative_f1_min": 0.75, "uci_accuracy_min": 0.85,
           "sst2_accuracy_min": 0.80, "negative_f1_half_width_max": 0.10}


def load_data(args, sample: int):
    """(splits, held-out reviews, data summary): the sample exactly as ``coursekit train`` draws it."""
    from coursekit.data import prepare_dataset, shop_reviews_path, split_dataset, stratified_sample
    from coursekit.data.shop import ORIGINAL_SHA256, read_options

    path = shop_reviews_path()
    read = {"text_column": args.text_column, "max_samples": sample, "seed": args.seed, "verbose": False}
    data, report = prepare_dataset(path, **read)
    rest, _ = prepare_dataset(path, outside=True, **read)
    heldout = stratified_sample(rest, args.heldout, seed=args.seed) if args.heldout else rest
    splits = split_dataset(data, seed=args.seed)
    summary = {"file": path.name, "original_sha256": ORIGINAL_SHA256, "rows": report.rows_read,
               "usable": report.rows_kept + report.counts.get("not_sampled", 0), "sample": len(data),
               "split": {k: len(v) for k, v in splits.items()}, "heldout": len(heldout),
               "heldout_negative": int(sum(1 for y in heldout["label"] if y == 0)),
               "text_column": read_options(path, args.text_column)["text_column"],
               "seed": args.seed}
    return splits, heldout, summary


def fine_tune(splits, profile, seed: int):
    """Train with ``coursekit train``'s defaults on the given splits; ``(result, wall seconds)``."""
    from coursekit.train import TrainConfig, train_model

    with tempfile.TemporaryDirectory(prefix="coursekit-shop-") as tmp:
        config = TrainConfig.from_profile(profile, tmp, seed=seed)
        config.show_progress = False
        started = time.perf_counter()
        result = train_model(splits, config)
        return result, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sample", type=int, default=None, help="reviews in the sample (default: the tier's)")
    parser.add_argument("--heldout", type=int, default=3000, help="reviews from outside the sample to score (0: all)")
    parser.add_argument("--text-column", default=None, help="the text to read (default: the export's own, "
                                                             "'Title + Review Text'); 'Review Text' without titles")
    parser.add_argument("--tfidf-only", action="store_true")
    parser.add_argument("--output", default="results/benchmarks")
    args = parser.parse_args(argv)

    from coursekit.data import clean_dataset
    from coursekit.evaluation.baseline import predict_baseline, train_baseline
    from coursekit.evaluation.predict import predict
    from coursekit.profiles import get_profile
    from coursekit.train.config import ASSIGNMENT

    profile = get_profile("offline", announce=True)
    splits, heldout, summary = load_data(args, args.sample or profile.max_train_samples)
    outside = {"uci": clean_dataset(load_uci(), report=_quiet()), "sst2": clean_dataset(load_sst2_dev(), report=_quiet())}
    report = {"data": summary, "targets": TARGETS, "settings": {**ASSIGNMENT, "max_length": profile.max_length}}
    baseline = train_baseline(splits["train"])
    report["tfidf_logreg"] = {name: scores(predict_baseline(baseline, part))
                              for name, part in (("test", splits["test"]), ("heldout", heldout), *outside.items())}
    unweighted = train_baseline(splits["train"], class_weight=None)  # scikit-learn's default, for the record
    report["tfidf_logreg_unweighted"] = {name: scores(predict_baseline(unweighted, part))
                                         for name, part in (("test", splits["test"]), ("heldout", heldout))}
    if not args.tfidf_only:
        result, wall = fine_tune(splits, profile, args.seed)
        model = (result.model, result.tokenizer)
        predicted = {name: predict(model, part, max_length=profile.max_length, progress=False)
                     for name, part in (("test", splits["test"]), ("heldout", heldout), *outside.items())}
        report["finetuned"] = {name: scores(p) for name, p in predicted.items()}
        prior = sum(splits["train"]["label"]) / len(splits["train"])
        report["finetuned_prior_corrected"] = {  # the 50/50 sets, with the threshold moved for their prior
            name: {"threshold": round(prior, 4), **scores(predicted[name].with_threshold(prior))}
            for name in outside}
        report["finetuned"].update(train_runtime_s=round(result.train_runtime_s, 1), wall_s=round(wall, 1),
                                   history=[{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
                                            for row in result.history])
    report["checks"] = checks(report)
    report["machine"] = {"cpus": os.cpu_count(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
                         "uptime_after": uptime()}
    print_table(report)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    name = "shop_reviews-no-title.json" if args.text_column == "Review Text" else "shop_reviews.json"
    (out / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out / name}")
    return 0


def _quiet():
    from coursekit.data import DataReport

    return DataReport()


def checks(report: dict) -> dict:
    if "finetuned" not in report:
        return {}
    ours, theirs = report["finetuned"], report["tfidf_logreg"]
    out = {}
    for part in ("heldout", "test"):
        lead = (ours[part]["f1_macro"] - theirs[part]["f1_macro"]) * 100
        out[f"{part}_macro_f1_lead_at_least_8_points"] = lead >= TARGETS["macro_f1_lead_points_min"]
        out[f"{part}_negative_f1_at_least_0_75"] = ours[part]["f1_negative"] >= TARGETS["negative_f1_min"]
    out["heldout_negative_f1_within_0_10"] = ours["heldout"]["f1_negative_half_width"] <= TARGETS[
        "negative_f1_half_width_max"]
    out["uci_accuracy_at_least_0_85"] = ours["uci"]["accuracy"] >= TARGETS["uci_accuracy_min"]
    out["sst2_accuracy_at_least_0_80"] = ours["sst2"]["accuracy"] >= TARGETS["sst2_accuracy_min"]
    corrected = report.get("finetuned_prior_corrected", {})
    if corrected:
        out["uci_prior_corrected_accuracy_at_least_0_85"] = corrected["uci"]["accuracy"] >= TARGETS["uci_accuracy_min"]
        out["sst2_prior_corrected_accuracy_at_least_0_80"] = (
            corrected["sst2"]["accuracy"] >= TARGETS["sst2_accuracy_min"])
    return out


if __name__ == "__main__":
    sys.exit(main())
