"""``coursekit evaluate MODEL_DIR --data FILE --output DIR``: metrics.json, plots and an HTML report."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a fine-tuned model: metrics.json, PNG plots and an HTML report",
        description="Score a trained model on a labelled file: metrics with bootstrap intervals, "
        "precision-recall / ROC / confusion / calibration / threshold / loss plots, per-slice "
        "(bias) metrics and the most confident mistakes.",
    )
    parser.add_argument("model_dir", metavar="MODEL_DIR", help="folder of a trained model (e.g. coursekit train --output)")
    parser.add_argument("--data", help="labelled CSV, TSV or JSONL to evaluate on (default: the data the model was "
                                        "trained on, as recorded in its run card: its test split)")
    parser.add_argument("--output", required=True, help="folder for metrics.json, the PNG plots and report.html")
    parser.add_argument("--text-column", default=None, help="text column of --data (default: the training's)")
    parser.add_argument("--label-column", default=None, help="label column of --data (default: the training's)")
    parser.add_argument("--no-header", action="store_true", help="--data has no header: text<TAB>label per line")
    parser.add_argument("--label-map", help="label spellings of --data, e.g. '1 star=0,5 stars=1'")
    parser.add_argument("--split", choices=["all", "train", "validation", "test"], default=None,
                        help="which part of the training split to score when --data is the training file "
                             "(default: test); other files are scored whole")
    parser.add_argument("--max-samples", type=int, help="score a seeded subset of N rows of a file other than the "
                                                         "training file")
    parser.add_argument("--seed", type=int, default=42, help="bootstrap seed (default 42; the split's seed is the "
                                                             "run card's)")
    parser.add_argument("--slice-column", action="append", dest="slice_columns", metavar="COLUMN",
                        help="a column to compute per-slice metrics on (repeatable; 'length' = word-count "
                        "buckets; default: domain if present, and length)")
    parser.add_argument("--threshold", type=float, default=0.5, help="POSITIVE when P(positive) >= this (default 0.5)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, help="tokens per text (default: the run card's, as trained)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals (0: none)")
    parser.add_argument("--overwrite", action="store_true",
                        help="--output holds an earlier report: move it aside (nothing is deleted) and write anew")
    parser.set_defaults(func=run_evaluate)


from coursekit.errors import EvaluationError  # noqa: E402 - light import


def _load_data(args, card, model_dir: Path):
    """The rows to score and a description of them: the model's own test split when --data is its training file."""
    from coursekit.train.config import DataConfig
    from coursekit.train.pipeline import _load_clean, splits_from_run_card

    source = args.data or card.data_source
    if card.data.get("fingerprint") and card.is_training_data(source):
        part = args.split or "test"
        splits = splits_from_run_card(model_dir, source)
        if part == "all":
            import datasets

            dataset = datasets.concatenate_datasets([splits[p] for p in ("train", "validation", "test")])
        else:
            dataset = splits[part]
        rows = card.rows(part) if part != "all" else None
        note = (f"{source} is the file {model_dir} was trained on: scoring its {part} split "
                f"({len(dataset)} rows{'' if rows is None else ', source rows ' + _row_summary(rows)})")
        if part in ("train", "validation", "all"):
            note += f"; WARNING: the {part} rows took part in training or model selection, so these scores are optimistic"
        return dataset, part, note
    if args.split not in (None, "all") and card.tier == FOREIGN:
        from coursekit.train import prepare_splits

        dataset = prepare_splits(source, card.data["text_column"], card.data["label_column"], card.clean,
                                 args.max_samples, 42, not args.no_header, args.label_map)[args.split]
        return dataset, args.split, (f"{model_dir} has no run card: scoring the {args.split} part of the seeded "
                                     f"80/10/10 split (seed 42) of {source} ({len(dataset)} rows)")
    if args.split not in (None, "all"):

        raise EvaluationError(f"--split {args.split}: {source} is not the file {model_dir} was trained on, so it has "
                              "no training split; leave --split out to score the whole file")
    config = DataConfig(data=str(source), text_column=args.text_column or card.data.get("text_column", "text"),
                        label_column=args.label_column or card.data.get("label_column", "label"),
                        has_header=not args.no_header, clean=card.clean, max_samples=args.max_samples or 0,
                        label_map=args.label_map or "")
    dataset, _, _ = _load_clean(config, args.seed)
    return dataset, "all", f"scoring every row of {source} ({len(dataset)} rows, cleaned as in training: {card.clean})"


FOREIGN = "unknown (no run card)"


def _card_or_defaults(model_dir: Path, args):
    """The model's run card; for a model not trained by coursekit, announced defaults instead."""
    from coursekit.runcard import RunCard, check_model_matches, has_run_card, read_run_card

    if has_run_card(model_dir):
        card = read_run_card(model_dir)
        check_model_matches(model_dir, card)
        return card
    if not args.data:
        raise EvaluationError(f"{model_dir} has no run card (coursekit.json), so the data it was trained on is "
                              "unknown: pass the file to score with --data")
    card = RunCard(tier=FOREIGN, base_model=str(model_dir), max_length=args.max_length or 128,
                   labels=["NEGATIVE", "POSITIVE"], cleaning={}, data={"source": None, "fingerprint": None,
                   "text_column": args.text_column or "text", "label_column": args.label_column or "label"},
                   split={"seed": 42})
    print(f"{model_dir} has no run card (not trained by coursekit train): scoring with the training pipeline's "
          f"cleaning and max length {card.max_length} (--max-length to change)", flush=True)
    return card


def _row_summary(rows: list) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f", ... ({len(rows)} in all)" if len(rows) > 5 else "")


def run_evaluate(args: argparse.Namespace) -> int:
    from coursekit.evaluation.predict import load_trained_model, predict
    from coursekit.evaluation.report import analyse, describe_file, load_history, summary_lines, write_report
    from coursekit.progress import configure_quiet_libraries

    model_dir, output = Path(args.model_dir), Path(args.output)
    if not 0.0 < args.threshold < 1.0:
        raise EvaluationError(f"--threshold must be between 0 and 1, got {args.threshold}")
    for option, value, least in (("--batch-size", args.batch_size, 1), ("--max-length", args.max_length, 1),
                                 ("--max-samples", args.max_samples, 0), ("--seed", args.seed, 0)):
        if value is not None and value < least:
            raise EvaluationError(f"{option} must be at least {least}, got {value}")
    if args.bootstrap == 1 or args.bootstrap < 0:
        raise EvaluationError(f"--bootstrap must be 0 (no intervals) or at least 2, got {args.bootstrap}")
    if output.resolve() == model_dir.resolve():
        raise EvaluationError(f"--output {output} is the model folder: its training metrics.json would be replaced")
    if not model_dir.is_dir():
        raise EvaluationError(f"model folder {model_dir} does not exist")
    from coursekit.outputs import check_claimable, claim_output

    report_files = dict(markers=("metrics.json", "report.html"), what="an evaluation report")
    check_claimable(output, overwrite=args.overwrite, **report_files)  # refused before the slow work
    card = _card_or_defaults(model_dir, args)
    configure_quiet_libraries()
    dataset, part, note = _load_data(args, card, model_dir)  # bad data is refused before the model loads
    print(f"loading {model_dir} (trained on the {card.tier} tier, max length {card.max_length}) ...", flush=True)
    model, tokenizer = load_trained_model(model_dir)
    print(note, flush=True)
    max_length = args.max_length or card.max_length
    predictions = predict((model, tokenizer), dataset, batch_size=args.batch_size,
                          max_length=max_length, threshold=args.threshold)
    analysis = analyse(predictions, history=load_history(model_dir), slice_by=args.slice_columns,
                       n_bootstrap=args.bootstrap, seed=args.seed, name=model_dir.name or "model")
    model_info = {
        "folder": model_dir.name,
        "base_model": card.base_model,
        "architecture": (getattr(model.config, "architectures", None) or [type(model).__name__])[0],
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "max_length": max_length,
        "profile": card.tier,
        "model_fingerprint": card.model_fingerprint,
    }
    source = args.data or card.data_source
    data_info = {
        **(describe_file(source) if Path(str(source)).is_file() else {"data": str(source)}),
        "split": part,
        "rows_evaluated": len(predictions),
        "cleaned": card.clean,
        "seed": card.seed,
        "note": note,
    }
    claim_output(output, overwrite=args.overwrite, **report_files)
    written = write_report(analysis, output, model_info=model_info, data_info=data_info)
    for line in summary_lines(analysis):
        print(line)
    print(f"wrote {written['metrics']}, {written['html']} and {len(written) - 2} plots")
    return 0
