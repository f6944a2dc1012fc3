"""Issue-4 targets on real data: 5-fold cross-validated accuracy of the fine-tuned offline
model and of TF-IDF + logistic regression (the same folds), per-domain accuracy
(amazon / yelp / imdb) from the out-of-fold predictions, and the drop from the UCI
test split to SST-2 dev (out of domain) for a model trained on UCI.

The data is read by path from ``../shared/data`` (or ``$COURSEKIT_SHARED_DATA``), never
copied. Texts are cleaned as ``coursekit train`` cleans them, for both models.

    .venv/bin/python benchmarks/evaluate_uci.py            # full: GPU or a long CPU run
    .venv/bin/python benchmarks/evaluate_uci.py --quick    # a few steps on a small subset
"""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path


from benchmarks.uci import load_sst2_dev, load_uci, shared_data_dir  # noqa: E402

# --quick: every step runs, on a small subset with a few optimizer steps (a smoke test).
QUICK = dict(k=2, max_samples=60, max_steps=2, epochs=1, max_length=32, batch_size=8, sst2_rows=48)


def drop_duplicates(dataset):
    """Keep the first of exact duplicate texts within a domain (the README counts 17)."""
    seen, keep = set(), []
    for i, (text, domain) in enumerate(zip(dataset["text"], dataset["domain"])):
        if (domain, text) not in seen:
            seen.add((domain, text))
            keep.append(i)
    return dataset.select(keep)


def per_domain(result) -> dict:
    from coursekit.evaluation.slices import slice_metrics

    table = slice_metrics(result.predictions, ["domain"], min_size=0)
    return {row["value"]: {"accuracy": row["accuracy"], "f1_macro": row["f1_macro"], "n": int(row["n"]),
                           "accuracy_gap": row["accuracy_gap"]}
            for row in table.to_dict(orient="records")}


def out_of_domain(uci, sst2, profile, settings, seed: int) -> dict:
    """Train on UCI's 80% split, score UCI's test 10% (in domain) and SST-2 dev (out of domain)."""
    from coursekit.data import split_dataset
    from coursekit.evaluation.baseline import predict_baseline, train_baseline
    from coursekit.evaluation.crossval import subset_rows
    from coursekit.evaluation.metrics import point_metrics
    from coursekit.evaluation.predict import predict
    from coursekit.train import TrainConfig, train_model
    from coursekit.train.config import ASSIGNMENT

    uci = uci.select(subset_rows(uci["label"], settings.max_samples, seed))
    splits = split_dataset(uci, seed=seed)
    out = {"sizes": {**{k: len(v) for k, v in splits.items()}, "sst2": len(sst2)}}
    with tempfile.TemporaryDirectory(prefix="coursekit-ood-") as tmp:
        config = TrainConfig.from_profile(profile, tmp, epochs=settings.epochs or ASSIGNMENT["epochs"],
                                          max_steps=settings.max_steps, batch_size=settings.batch_size,
                                          max_length=settings.max_length, seed=seed)
        started = time.perf_counter()
        result = train_model(splits, config)
        train_s = time.perf_counter() - started
        model = (result.model, result.tokenizer)
        in_domain = predict(model, splits["test"], max_length=config.max_length, progress=False)
        ood = predict(model, sst2, max_length=config.max_length, progress=False)
    pipeline = train_baseline(splits["train"])
    for name, (a, b) in {"finetuned": (in_domain, ood),
                         "tfidf_logreg": (predict_baseline(pipeline, splits["test"]),
                                          predict_baseline(pipeline, sst2))}.items():
        inside = point_metrics(a.y_true, a.y_pred, a.y_prob)
        outside = point_metrics(b.y_true, b.y_pred, b.y_prob)
        out[name] = {"uci_test": {k: inside[k] for k in ("accuracy", "f1_macro", "roc_auc")},
                     "sst2_dev": {k: outside[k] for k in ("accuracy", "f1_macro", "roc_auc")},
                     "accuracy_drop": inside["accuracy"] - outside["accuracy"]}
    out["finetuned"]["train_s"] = round(train_s, 1)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny subset and a few steps: a smoke test")
    parser.add_argument("--k", type=int, help="folds (default 5; 2 with --quick)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: ../shared/data")
    parser.add_argument("--output", default="results/benchmarks/evaluate_uci.json")
    args = parser.parse_args(argv)

    import torch

    from coursekit.data import clean_dataset
    from coursekit.evaluation.crossval import FULL, CrossValSettings, cross_validate_baseline, cross_validate_finetune
    from coursekit.fileio import write_json_atomic
    from coursekit.profiles import get_profile
    from coursekit.progress import configure_quiet_libraries

    configure_quiet_libraries()
    data_dir = args.data_dir or shared_data_dir()
    profile = get_profile("offline", announce=True)
    if args.quick:
        settings = CrossValSettings(max_samples=QUICK["max_samples"], max_steps=QUICK["max_steps"],
                                    epochs=QUICK["epochs"], max_length=QUICK["max_length"],
                                    batch_size=QUICK["batch_size"])
        k = args.k or QUICK["k"]
    else:
        settings, k = FULL, args.k or 5
    uci = drop_duplicates(clean_dataset(load_uci(data_dir)))
    sst2 = clean_dataset(load_sst2_dev(data_dir))
    if args.quick:
        sst2 = sst2.shuffle(seed=args.seed).select(range(QUICK["sst2_rows"]))
    print(f"UCI: {len(uci)} sentences after removing duplicates; SST-2 dev: {len(sst2)}; {k} folds; "
          f"device: {'cuda' if torch.cuda.is_available() else 'cpu'}", flush=True)

    started = time.perf_counter()
    finetuned = cross_validate_finetune(uci, profile, k=k, settings=settings, seed=args.seed)
    finetune_s = time.perf_counter() - started
    baseline = cross_validate_baseline(uci, k=k, settings=settings, seed=args.seed)
    ood = out_of_domain(uci, sst2, profile, settings, args.seed)

    report = {
        "data": {"uci": str(data_dir / "uci-sentiment-labelled-sentences"), "uci_rows": len(uci),
                 "cv_rows": len(finetuned.rows), "sst2": str(data_dir / "sst2-dev" / "dev.tsv"),
                 "sst2_rows": len(sst2)},
        "quick": args.quick,
        "k": k,
        "seed": args.seed,
        "settings": finetuned.settings,
        "model": profile.model,
        "device": "cuda" if torch.cuda.is_available() else f"cpu ({torch.get_num_threads()} threads)",
        "python": platform.python_version(),
        "cross_validation": {
            "finetuned": {**finetuned.to_dict(), "per_domain": per_domain(finetuned), "wall_s": round(finetune_s, 1)},
            "tfidf_logreg": {**baseline.to_dict(), "per_domain": per_domain(baseline)},
        },
        "out_of_domain": ood,
    }
    ft, bl = finetuned.summary(), baseline.summary()
    print()
    print(f"{k}-fold cross-validation on UCI ({len(finetuned.rows)} sentences; mean ± sample std over folds)")
    print(f"{'model':<24}{'accuracy':>18}{'macro F1':>18}")
    for name, s in (("MiniLM-L6 fine-tuned", ft), ("TF-IDF + logistic reg.", bl)):
        print(f"{name:<24}{s['accuracy']['mean']:>10.3f} ± {s['accuracy']['std']:.3f}"
              f"{s['f1_macro']['mean']:>10.3f} ± {s['f1_macro']['std']:.3f}")
    print()
    print("per-domain accuracy (out-of-fold predictions)")
    domains_ft, domains_bl = per_domain(finetuned), per_domain(baseline)
    print(f"{'domain':<10}{'n':>6}{'fine-tuned':>12}{'TF-IDF':>10}")
    for domain in [d for d in domains_ft if d != "all"] + ["all"]:
        print(f"{domain:<10}{domains_ft[domain]['n']:>6}{domains_ft[domain]['accuracy']:>12.3f}"
              f"{domains_bl[domain]['accuracy']:>10.3f}")
    print()
    print("trained on UCI (80%), scored on UCI test (in domain) and SST-2 dev (out of domain)")
    print(f"{'model':<24}{'UCI test':>10}{'SST-2':>10}{'drop':>10}")
    for name, key in (("MiniLM-L6 fine-tuned", "finetuned"), ("TF-IDF + logistic reg.", "tfidf_logreg")):
        r = ood[key]
        print(f"{name:<24}{r['uci_test']['accuracy']:>10.3f}{r['sst2_dev']['accuracy']:>10.3f}"
              f"{r['accuracy_drop']:>10.3f}")
    path = write_json_atomic(args.output, report)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
