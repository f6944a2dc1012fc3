"""``coursekit evaluate MODEL_DIR --data FILE --output DIR``: metrics.json, plots and an HTML report."""
from __future__ import annotations

import argparse
from pathlib import Path

from .train_cmd import add_data_options


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a fine-tuned model: metrics.json, PNG plots and an HTML report",
        description="Score a trained model on a labelled file: metrics with bootstrap intervals, "
        "precision-recall / ROC / confusion / calibration / threshold / loss plots, per-slice "
        "(bias) metrics and the most confident mistakes.",
    )
    parser.add_argument("model_dir", metavar="MODEL_DIR", help="folder of a trained model (e.g. coursekit train --output)")
    parser.add_argument("--data", required=True, help="labelled CSV, TSV or JSONL to evaluate on")
    parser.add_argument("--output", required=True, help="folder for metrics.json, the PNG plots and report.html")
    parser.add_argument("--profile", choices=["full", "offline"], default=None,
                        help="tier (sets the default max length; default: $COURSEKIT_PROFILE or offline)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--no-header", action="store_true", help="the file has no header: text<TAB>label per line")
    parser.add_argument("--no-clean", action="store_true", help="do not clean the texts (training cleans by default)")
    add_data_options(parser)
    parser.add_argument("--split", choices=["all", "train", "validation", "test"], default="all",
                        help="evaluate on one part of the seeded 80/10/10 split that training made of this "
                        "file (use 'test' when --data is the training file); default: every row")
    parser.add_argument("--max-samples", type=int, help="the same seeded subset as coursekit train --max-samples")
    parser.add_argument("--seed", type=int, default=42, help="split and bootstrap seed (default 42)")
    parser.add_argument("--slice-column", action="append", dest="slice_columns", metavar="COLUMN",
                        help="a column to compute per-slice metrics on (repeatable; 'length' = word-count "
                        "buckets; default: domain if present, and length)")
    parser.add_argument("--threshold", type=float, default=0.5, help="POSITIVE when P(positive) >= this (default 0.5)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, help="tokens per text (default: the tier's)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals (0: none)")
    parser.set_defaults(func=run_evaluate)


def _load_data(args):
    from coursekit.data import prepare_dataset
    from coursekit.train import prepare_splits

    options = dict(strict=args.strict, label_map=args.label_map)
    if args.split != "all":
        splits, report = prepare_splits(args.data, args.text_column, args.label_column, not args.no_clean,
                                        args.max_samples, args.seed, not args.no_header, return_report=True, **options)
        return splits[args.split], report
    return prepare_dataset(args.data, args.text_column, args.label_column, not args.no_clean, args.max_samples,
                           args.seed, not args.no_header, deduplicate_texts=False, **options)


def run_evaluate(args: argparse.Namespace) -> int:
    from coursekit.errors import EvaluationError
    from coursekit.evaluation.predict import load_trained_model, predict
    from coursekit.evaluation.report import analyse, describe_file, load_history, summary_lines, write_report
    from coursekit.profiles import get_profile
    from coursekit.progress import configure_quiet_libraries

    model_dir, output = Path(args.model_dir), Path(args.output)
    if not 0.0 < args.threshold < 1.0:
        raise EvaluationError(f"--threshold must be between 0 and 1, got {args.threshold}")
    if output.resolve() == model_dir.resolve():
        raise EvaluationError(f"--output {output} is the model folder: its training metrics.json would be replaced")
    profile = get_profile(args.profile)
    configure_quiet_libraries()
    model, tokenizer = load_trained_model(model_dir)
    dataset, data_report = _load_data(args)
    predictions = predict((model, tokenizer), dataset, batch_size=args.batch_size,
                          max_length=args.max_length or profile.max_length, threshold=args.threshold)
    analysis = analyse(predictions, history=load_history(model_dir), slice_by=args.slice_columns,
                       n_bootstrap=args.bootstrap, seed=args.seed, name=model_dir.name or "model")
    model_info = {
        "folder": str(model_dir.resolve()),
        "base_model": getattr(model.config, "_name_or_path", None),
        "architecture": (getattr(model.config, "architectures", None) or [type(model).__name__])[0],
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "max_length": args.max_length or profile.max_length,
        "profile": profile.name,
    }
    data_info = {
        **describe_file(args.data),
        "split": args.split,
        "rows_evaluated": len(predictions),
        "text_column": args.text_column,
        "label_column": args.label_column,
        "cleaned": not args.no_clean,
        "seed": args.seed,
        "data_report": data_report.to_dict(),
    }
    written = write_report(analysis, output, model_info=model_info, data_info=data_info)
    for line in summary_lines(analysis):
        print(line)
    print(f"wrote {written['metrics']}, {written['html']} and {len(written) - 2} plots")
    return 0
