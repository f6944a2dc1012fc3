"""Issue-2 accuracy target: fine-tune the offline tier on the UCI sentences, beside TF-IDF.

All three UCI files together, stratified 80/10/10 with seed 42, the assignment's
hyperparameters (lr 2e-5, batch 16, 3 epochs, weight decay 0.01). Prints a table and
writes JSON (default ``results/benchmarks/train_uci.json``).

    .venv/bin/python benchmarks/train_uci.py [--learning-rate 5e-5] [--output results/benchmarks]
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


from benchmarks.uci import load_uci  # noqa: E402


def tfidf_baseline(splits) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline

    started = time.perf_counter()
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000))
    model.fit(splits["train"]["text"], splits["train"]["label"])
    pred = model.predict(splits["test"]["text"])
    return {"accuracy": accuracy_score(splits["test"]["label"], pred),
            "f1_macro": f1_score(splits["test"]["label"], pred, average="macro"),
            "train_s": time.perf_counter() - started}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", default="results/benchmarks")
    args = parser.parse_args(argv)

    from sklearn.metrics import f1_score

    from coursekit.data import clean_dataset, split_dataset
    from coursekit.evaluation.predict import predict
    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig, train_model

    profile = get_profile("offline", announce=True)
    splits = split_dataset(clean_dataset(load_uci()), seed=args.seed)
    print({k: len(v) for k, v in splits.items()})
    baseline = tfidf_baseline(splits)
    with tempfile.TemporaryDirectory() as tmp:
        config = TrainConfig.from_profile(profile, tmp, learning_rate=args.learning_rate, epochs=args.epochs,
                                          seed=args.seed)
        started = time.perf_counter()
        result = train_model(splits, config)
        wall = time.perf_counter() - started
        preds = predict((result.model, result.tokenizer), splits["test"]["text"])
    test = result.test_metrics
    f1_macro = f1_score(splits["test"]["label"], preds.y_pred, average="macro")
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    report = {
        "data": "UCI sentiment labelled sentences (amazon+yelp+imdb), stratified 80/10/10, seed %d" % args.seed,
        "sizes": {k: len(v) for k, v in splits.items()},
        "hyperparameters": {"learning_rate": args.learning_rate, "batch_size": 16, "epochs": args.epochs,
                            "weight_decay": 0.01},
        "finetuned": {"accuracy": test["accuracy"], "f1_macro": f1_macro, "f1": test["f1"],
                      "train_s": result.train_runtime_s, "wall_s": wall},
        "tfidf_logreg": baseline,
        "majority_class": max(sum(splits["test"]["label"]), len(splits["test"]) - sum(splits["test"]["label"]))
        / len(splits["test"]),
        "peak_rss_gb": peak_gb,
    }
    print()
    print(f"{'model':<28}{'test acc':>10}{'macro F1':>10}{'train s':>10}")
    print(f"{'majority class':<28}{report['majority_class']:>10.3f}{'':>10}{'':>10}")
    print(f"{'TF-IDF + logistic reg.':<28}{baseline['accuracy']:>10.3f}{baseline['f1_macro']:>10.3f}"
          f"{baseline['train_s']:>10.1f}")
    print(f"{'MiniLM-L6 fine-tuned':<28}{test['accuracy']:>10.3f}{f1_macro:>10.3f}{result.train_runtime_s:>10.1f}")
    print(f"peak RSS {peak_gb:.2f} GB")
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "train_uci.json").write_text(json.dumps(report, indent=2))
    print(f"wrote {out / 'train_uci.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
