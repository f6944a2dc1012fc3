"""``coursekit export``: the fine-tuned model to ONNX Runtime (fp32 + int8) with a parity report."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="export a fine-tuned model to ONNX (fp32 + int8) and check parity with PyTorch",
        description="Export MODEL_DIR (a Hugging Face sequence-classification folder) to one self-contained "
                    "ONNX file with dynamic batch and sequence axes, an int8 dynamically quantized copy, the "
                    "tokenizer and export.json; then compare logits, predictions, sizes and latency with PyTorch.")
    p.add_argument("model_dir", help="trained model folder (config.json, model.safetensors, tokenizer.json)")
    p.add_argument("--output", help="folder for the export (default: MODEL_DIR/onnx)")
    p.add_argument("--max-length", type=int, help="truncation length used when scoring (default: the run card's, "
                                                  "as trained)")
    p.add_argument("--no-int8", action="store_true", help="skip the int8 quantized copy")
    p.add_argument("--int8-outlier-ratio", type=float, default=0.0, metavar="R",
                   help="in the int8 copy, keep in fp32 the matrix products whose inputs peak above R times their "
                        "99.9th percentile on real reviews of the course's shop export (try 8: a little slower, "
                        "fewer predictions flipped; default 0: quantize every product)")
    p.add_argument("--no-fuse", action="store_true", help="keep the plain graph (no ONNX Runtime fusions)")
    p.add_argument("--data", help="labelled file for the parity check (default: the model's own test split, "
                                  "from its run card)")
    p.add_argument("--no-header", action="store_true", help="--data has no header: text<TAB>label per line")
    p.add_argument("--split", default="test", choices=["train", "validation", "test", "all"],
                   help="which split of --data to compare on (default: test)")
    p.add_argument("--limit", type=int, default=None, help="compare on at most N texts")
    p.add_argument("--repeats", type=int, default=20, help="timed runs per engine and batch size (default: 20)")
    p.add_argument("--rounds", type=int, default=1,
                   help="time every engine this many times, each alone in a fresh process, and report the "
                        "median (default: 1; more on a busy machine)")
    p.add_argument("--spinning", action="store_true",
                   help="time ONNX Runtime with its idle threads busy-waiting between runs (ORT's own default; "
                        "the scoring service turns it off)")
    p.add_argument("--batch-sizes", default="1,32", help="comma-separated batch sizes to time (default: 1,32)")
    p.add_argument("--seq-len", type=int, default=128, help="sequence length for the latency runs (default: 128)")
    p.add_argument("--threads", type=int, help="CPU threads for both engines (default: the library default)")
    p.add_argument("--no-report", action="store_true", help="export only, skip the parity report")
    p.add_argument("--overwrite", action="store_true",
                   help="--output holds an export of another model: move it aside (nothing is deleted)")
    p.set_defaults(func=run_export)


def parity_texts(model_dir, data: str | None, split: str, limit: int | None, has_header: bool = True):
    """Texts and integer labels to compare engines on: the model's own split, or a file (raw, uncleaned)."""
    from ..runcard import has_run_card, read_run_card

    if not has_run_card(model_dir):  # a model trained elsewhere: a seeded split of --data or the shop's reviews
        from ..profiles import shop_reviews_path
        from ..train import prepare_splits

        path = data or str(shop_reviews_path())
        splits = prepare_splits(path, clean=False, seed=42, has_header=has_header)
        parts = ["train", "validation", "test"] if split == "all" else [split]
        texts = [t for p in parts for t in splits[p]["text"]]
        labels = [int(v) for p in parts for v in splits[p]["label"]]
        if limit:
            texts, labels = texts[:limit], labels[:limit]
        return f"{Path(path).name} ({split} split)", texts, labels
    card = read_run_card(model_dir)
    if data is None or card.is_training_data(data):
        splits = _raw_splits(model_dir, card, data)
        parts = ["train", "validation", "test"] if split == "all" else [split]
        texts = [t for p in parts for t in splits[p]["text"]]
        labels = [int(v) for p in parts for v in splits[p]["label"]]
        name = f"{Path(card.data_source).name} ({split} split of the training run)"
    else:
        from ..data import load_reviews

        dataset = load_reviews(data, has_header=has_header)
        texts, labels = list(dataset["text"]), [int(v) for v in dataset["label"]]
        name = Path(data).name
    if limit:
        texts, labels = texts[:limit], labels[:limit]
    return name, texts, labels


def _raw_splits(model_dir, card, data):
    """The run's splits with the texts as written (what clients send to the endpoint)."""
    from ..train.pipeline import raw_splits_from_run_card

    return raw_splits_from_run_card(model_dir, data)


def _batch_sizes(text: str) -> tuple[int, ...]:
    from ..errors import ExportError

    try:
        sizes = tuple(int(b) for b in text.split(",") if b.strip())
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise ExportError(f"--batch-sizes {text!r}: expected whole numbers of at least 1 separated by commas, "
                          "e.g. 1,32")
    return sizes


def run_export(args: argparse.Namespace) -> int:
    from ..export import PARITY_NAME, format_parity_table
    from ..export.from_run import export_is_current, export_trained_model
    from ..fileio import write_json_atomic
    from ..outputs import check_can_write, claim_output
    from ..runcard import check_model_matches, read_run_card

    from ..errors import ExportError

    if not args.int8_outlier_ratio >= 0:
        raise ExportError("--int8-outlier-ratio must be 0 (quantize every product) or more, "
                          f"got {args.int8_outlier_ratio}")
    for option, value in (("--max-length", args.max_length), ("--limit", args.limit), ("--repeats", args.repeats),
                          ("--rounds", args.rounds), ("--seq-len", args.seq_len), ("--threads", args.threads)):
        if value is not None and value < 1:
            raise ExportError(f"{option} must be at least 1, got {value}")
    batch_sizes = _batch_sizes(args.batch_sizes)
    from ..export import check_model_dir
    from ..runcard import has_run_card

    check_model_dir(args.model_dir)
    if has_run_card(args.model_dir):  # unchanged since training
        check_model_matches(args.model_dir, read_run_card(args.model_dir))
    parity = None
    if not args.no_report:  # read the comparison texts first: bad --data is refused before the slow export
        parity = parity_texts(args.model_dir, args.data, args.split, args.limit, has_header=not args.no_header)
    output = Path(args.output) if args.output else Path(args.model_dir) / "onnx"
    if output.exists() and not export_is_current(args.model_dir, output):
        claim_output(output, overwrite=args.overwrite, markers=("export.json", "model.onnx"),
                     what="an export of another model")
    check_can_write(output)
    progress = _progress(args, batch_sizes)
    try:
        result = export_trained_model(args.model_dir, output, max_length=args.max_length, fuse=not args.no_fuse,
                                      int8=not args.no_int8, int8_outlier_ratio=args.int8_outlier_ratio,
                                      progress=progress)
        report = None if parity is None else _parity_report(args, output, parity, batch_sizes, progress)
    finally:
        progress.close()
    fusion = result.manifest["fusion"]
    print(f"exported {args.model_dir} → {output} (max length {result.manifest.get('max_length')}, "
          f"cleaning {'on' if result.manifest.get('clean_text') else 'off'}, from the run card)")
    for kind, path in result.files.items():
        print(f"  {kind}: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"  inputs: {', '.join(result.manifest['inputs'])} (dynamic batch and sequence axes)")
    ops = ", ".join(f"{op} {n}" for op, n in fusion["ops"].items())
    print(f"  ONNX Runtime fusions: {ops if fusion['applied'] else 'not applied'}")
    quantization = result.manifest.get("quantization")
    if quantization:
        kept, ratio = quantization.get("kept_fp32", []), quantization.get("outlier_ratio", 0)
        if ratio:
            print(f"  int8: {len(kept)} matrix product(s) kept in fp32 (inputs peaking above {ratio:g}x their "
                  "99.9th percentile)" + (": " + ", ".join(kept) if kept else ""))
    if report is None:
        return 0
    write_json_atomic(output / PARITY_NAME, report)
    print(format_parity_table(report))
    print(f"parity report: {output / PARITY_NAME}")
    return 0


def _progress(args: argparse.Namespace, batch_sizes: tuple[int, ...]):
    """One step per export stage, the parity check and each engine's timing (a bar in a terminal)."""
    from ..export import StepProgress

    steps = 3 if args.no_int8 else (5 if args.int8_outlier_ratio > 0 else 4)
    if not args.no_report:
        steps += 1 + (2 if args.no_int8 else 3) * args.rounds * bool(batch_sizes)
    return StepProgress(steps, prefix="coursekit export")


def _parity_report(args: argparse.Namespace, output: Path, parity, batch_sizes, progress) -> dict:
    from ..export import parity_report

    name, texts, labels = parity
    return parity_report(args.model_dir, output, texts, labels, data_name=name, batch_sizes=batch_sizes,
                         seq_len=args.seq_len, repeats=args.repeats, rounds=args.rounds, threads=args.threads,
                         spinning=args.spinning, progress=progress)
