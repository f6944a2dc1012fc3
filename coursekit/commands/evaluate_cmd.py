"""``coursekit evaluate MODEL_DIR --data FILE --output DIR``: metrics.json, plots and an HTML report."""
from __future__ import annotations

import argparse
from pathlib import Path

from coursekit.defaults import DEFAULT_SEED
from coursekit.errors import EvaluationError


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
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"bootstrap seed (default {DEFAULT_SEED}; the split's seed is the run card's)")
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


def _load_data(args, folder):
    """The rows to score and a description of them: the model's own test split when --data is its
    training file; for a folder coursekit did not train, a seeded split of --data when --split asks."""
    from coursekit.train.config import DataConfig
    from coursekit.train.pipeline import _load_clean, prepare_splits

    card, model_dir = folder.card, folder.path
    source = args.data or card.data_source
    if card is not None and card.is_training_data(source):
        return _training_split(args, card, model_dir, source)
    if args.split not in (None, "all") and card is None:
        dataset = prepare_splits(source, seed=folder.seed, max_samples=args.max_samples or 0,
                                 **_read_options(args, folder))[args.split]
        return dataset, args.split, (f"{model_dir} has no run card: scoring the {args.split} part of the seeded "
                                     f"80/10/10 split (seed {folder.seed}) of {source} ({len(dataset)} rows)")
    if args.split not in (None, "all"):
        raise EvaluationError(f"--split {args.split}: {source} is not the file {model_dir} was trained on, so it has "
                              "no training split; leave --split out to score the whole file")
    config = DataConfig(data=str(source), max_samples=args.max_samples or 0, **_read_options(args, folder))
    dataset, _, _ = _load_clean(config, args.seed, cleaning=folder.cleaning)
    return dataset, "all", (f"scoring every row of {source} ({len(dataset)} rows, cleaned as in training: "
                            f"{folder.cleaning is not None})")


def _read_options(args, folder) -> dict:
    """How to read --data: the options given, else as the model's training data was read."""
    recorded = folder.card.data if folder.card else {}
    options = {"text_column": args.text_column or recorded.get("text_column"),
               "label_column": args.label_column or recorded.get("label_column"),
               "has_header": not args.no_header, "clean": folder.cleaning is not None,
               "label_map": args.label_map}
    return {k: v for k, v in options.items() if v is not None}


def _training_split(args, card, model_dir: Path, source):
    """The part of the training split to score (default: test), with a warning for the optimistic ones."""
    from coursekit.train.pipeline import splits_from_run_card

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


def model_folder_for(model_dir: Path, args):
    """The model folder to score, its weights unchanged since training; a folder coursekit did not
    train needs --data (its training data is unknown) and is announced with the fallback it gets."""
    from coursekit.model_folder import ModelFolder

    folder = ModelFolder(model_dir)
    if folder.has_run_card():
        folder.check_weights()  # reads and checks the run card too
        return folder
    if not args.data:
        raise EvaluationError(f"{model_dir} has no run card (coursekit.json), so the data it was trained on is "
                              "unknown: pass the file to score with --data")
    print(folder.fallback_note(args.max_length), flush=True)
    return folder


def _row_summary(rows: list) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f", ... ({len(rows)} in all)" if len(rows) > 5 else "")


def run_evaluate(args: argparse.Namespace) -> int:
    from coursekit.outputs import check_claimable, output_lock

    model_dir, output = Path(args.model_dir), Path(args.output)
    _check_options(args, model_dir, output)
    check_claimable(output, overwrite=args.overwrite, **REPORT_FILES)  # refused before the slow work
    with output_lock(output):
        return _evaluate(args, model_dir, output)


REPORT_FILES = dict(markers=("metrics.json", "report.html"), what="an evaluation report")


def _check_options(args, model_dir: Path, output: Path) -> None:
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
        raise EvaluationError(f"{model_dir}: no such model folder (it does not exist); train one with "
                              "`coursekit train`")


def _evaluate(args, model_dir: Path, output: Path) -> int:
    """Score the model (the output folder is locked and claimable): report files, then a summary."""
    from coursekit.evaluation.predict import predict
    from coursekit.evaluation.report import analyse, summary_lines, write_report
    from coursekit.outputs import claim_output
    from coursekit.progress import configure_quiet_libraries

    folder = model_folder_for(model_dir, args)
    max_length = folder.check_max_length(args.max_length or folder.max_length, error=EvaluationError)
    configure_quiet_libraries()
    dataset, part, note = _load_data(args, folder)  # bad data is refused before the model loads
    print(f"loading {model_dir} (trained on the {folder.tier} tier, max length {folder.max_length}) ...", flush=True)
    model, tokenizer = folder.load(error=EvaluationError)
    print(note, flush=True)
    predictions = predict((model, tokenizer), dataset, batch_size=args.batch_size,
                          max_length=max_length, threshold=args.threshold)
    analysis = analyse(predictions, history=folder.history(), slice_by=args.slice_columns,
                       n_bootstrap=args.bootstrap, seed=args.seed, name=model_dir.name or "model")
    claim_output(output, overwrite=args.overwrite, **REPORT_FILES)
    written = write_report(analysis, output, model_info=_model_info(folder, model, max_length),
                           data_info=_data_info(args, folder, part, len(predictions), note))
    for line in summary_lines(analysis):
        print(line)
    if part == "test" and folder.card is not None:  # its own test split: the model card gets intervals and slices
        import json

        from coursekit.model_folder import refresh_model_card

        print(f"model card updated: {refresh_model_card(folder.path, json.loads(written['metrics'].read_text()))}")
    print(f"wrote {written['metrics']}, {written['html']} and {len(written) - 2} plots")
    return 0


def _model_info(folder, model, max_length: int) -> dict:
    return {
        "folder": folder.path.name,
        "base_model": folder.card.base_model_name if folder.card else folder.base_model,  # a name, never a path
        "architecture": (getattr(model.config, "architectures", None) or [type(model).__name__])[0],
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "max_length": max_length,
        "profile": folder.tier,
        "model_fingerprint": folder.card.model_fingerprint if folder.card else None,
    }


def _data_info(args, folder, part: str, rows: int, note: str) -> dict:
    from coursekit.evaluation.report import describe_file

    source = args.data or folder.card.data_source
    for path in sorted({str(source), str(Path(str(source)).resolve()), str(folder.path), str(folder.path.resolve())},
                       key=len, reverse=True):  # the report travels: files and folders by name, no machine path
        note = note.replace(path, Path(path).name)
    return {
        **(describe_file(source) if Path(str(source)).is_file() else {"data": str(source)}),
        "split": part,
        "rows_evaluated": rows,
        "cleaned": folder.cleaning is not None,
        "seed": folder.seed,
        "note": note,
    }
