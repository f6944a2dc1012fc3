"""``coursekit export``: the fine-tuned model to ONNX Runtime (fp32 + int8), checked against PyTorch;
``--benchmark`` adds the latency table."""
from __future__ import annotations

import argparse
from pathlib import Path

# The timing options (only with --benchmark) and their defaults.
TIMING = {"repeats": 20, "rounds": 1, "batch_sizes": "1,32", "seq_len": 128}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="export a fine-tuned model to ONNX (fp32 + int8) and check parity with PyTorch",
        description="Export MODEL_DIR (a Hugging Face sequence-classification folder) to one self-contained "
                    "ONNX file with dynamic batch and sequence axes, an int8 dynamically quantized copy, the "
                    "tokenizer and export.json; then check on real reviews that both give PyTorch's predictions "
                    "(logits, agreement, accuracy, sizes). --benchmark also times every engine (opt-in: it "
                    "takes minutes).")
    p.add_argument("model_dir", help="trained model folder (config.json, model.safetensors, tokenizer.json)")
    p.add_argument("--output", help="folder for the export (default: MODEL_DIR/onnx)")
    p.add_argument("--max-length", type=int, help="truncation length used when scoring, at most the model's "
                                                  "position limit (default: the run card's, as trained)")
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
    p.add_argument("--threads", type=int, help="CPU threads for every engine (default: the library default)")
    p.add_argument("--no-report", action="store_true", help="export only, skip the parity check")
    p.add_argument("--overwrite", action="store_true",
                   help="--output holds an export of another model: move it aside (nothing is deleted)")
    _add_timing_options(p)
    p.set_defaults(func=run_export)


def _add_timing_options(p) -> None:
    timing = p.add_argument_group("latency (opt-in: --benchmark)")
    timing.add_argument("--benchmark", action="store_true",
                        help="also time PyTorch and ONNX Runtime fp32/int8, each alone in a fresh process, and print "
                             "the latency table (minutes on a 2-core machine; default: off)")
    timing.add_argument("--repeats", type=int, help=f"timed runs per engine and batch size (default: "
                                                    f"{TIMING['repeats']})")
    timing.add_argument("--rounds", type=int,
                        help="time every engine this many times, each alone in a fresh process, and report the "
                             f"median (default: {TIMING['rounds']}; more on a busy machine)")
    timing.add_argument("--spinning", action="store_true",
                        help="time ONNX Runtime with its idle threads busy-waiting between runs (ORT's own default; "
                             "the scoring service turns it off)")
    timing.add_argument("--batch-sizes", help=f"comma-separated batch sizes to time (default: {TIMING['batch_sizes']})")
    timing.add_argument("--seq-len", type=int, help=f"sequence length for the latency runs (default: "
                                                    f"{TIMING['seq_len']})")


def parity_texts(folder, data: str | None, split: str, limit: int | None, has_header: bool = True):
    """Texts and integer labels to compare engines on: the model's own split, or a file (raw, uncleaned)."""
    card = folder.card
    if card is None:  # a model trained elsewhere: a seeded split of --data or the shop's reviews
        from ..profiles import shop_reviews_path
        from ..train import prepare_splits

        path = data or str(shop_reviews_path())
        splits = prepare_splits(path, clean=False, seed=folder.seed, has_header=has_header)
        name = f"{Path(path).name} ({split} split)"
    elif data is None or card.is_training_data(data):
        from ..train.pipeline import raw_splits_from_run_card

        splits = raw_splits_from_run_card(folder.path, data)  # the texts as written: what clients send
        name = f"{Path(card.data_source).name} ({split} split of the training run)"
    else:
        from ..data import load_reviews

        dataset = load_reviews(data, has_header=has_header)
        texts, labels = list(dataset["text"]), [int(v) for v in dataset["label"]]
        return Path(data).name, texts[:limit or None], labels[:limit or None]
    parts = ["train", "validation", "test"] if split == "all" else [split]
    texts = [t for p in parts for t in splits[p]["text"]]
    labels = [int(v) for p in parts for v in splits[p]["label"]]
    return name, texts[:limit or None], labels[:limit or None]


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


def _check_options(args) -> tuple[int, ...]:
    """Refuse bad options in one line before anything is loaded; the batch sizes to time (none
    without --benchmark), the timing options filled in."""
    from ..errors import ExportError

    if not args.int8_outlier_ratio >= 0:
        raise ExportError("--int8-outlier-ratio must be 0 (quantize every product) or more, "
                          f"got {args.int8_outlier_ratio}")
    given = [f"--{name.replace('_', '-')}" for name in TIMING if getattr(args, name) is not None]
    given += ["--spinning"] if args.spinning else []
    if given and not args.benchmark:
        raise ExportError(f"{given[0]} sets how engines are timed, which export does only with --benchmark; "
                          f"add --benchmark or leave {given[0]} out")
    if args.benchmark and args.no_report:
        raise ExportError("--benchmark times the engines of the parity check, which --no-report skips; drop one")
    for name, default in TIMING.items():
        setattr(args, name, default if getattr(args, name) is None else getattr(args, name))
    for option, value in (("--max-length", args.max_length), ("--limit", args.limit), ("--repeats", args.repeats),
                          ("--rounds", args.rounds), ("--seq-len", args.seq_len), ("--threads", args.threads)):
        if value is not None and value < 1:
            raise ExportError(f"{option} must be at least 1, got {value}")
    sizes = _batch_sizes(args.batch_sizes)
    return sizes if args.benchmark else ()


def run_export(args: argparse.Namespace) -> int:
    from ..errors import ExportError, require_extra
    from ..model_folder import ModelFolder
    from ..outputs import check_can_write, output_lock

    require_extra("export", "coursekit export")  # before anything is read

    batch_sizes = _check_options(args)
    folder = ModelFolder(args.model_dir).check_files(ExportError, tokenizer_json=True)
    folder.check_weights()  # the run card read and checked, the weights unchanged since training
    if args.max_length:
        folder.check_max_length(args.max_length, error=ExportError)
    parity = None
    if not args.no_report:  # read the comparison texts first: bad --data is refused before the slow export
        parity = parity_texts(folder, args.data, args.split, args.limit, has_header=not args.no_header)
    output = Path(args.output) if args.output else folder.export_dir
    check_can_write(output)
    with output_lock(output):
        result, report = _export(args, folder, output, parity, batch_sizes)
    _print_export(args, output, result, "from the run card" if folder.card else "no run card: the fallback")
    if report is not None:
        from ..export import format_parity_table

        print(format_parity_table(report))
        print(f"parity report: {output / 'parity.json'}")
    return 0


def _export(args, folder, output: Path, parity, batch_sizes):
    """Claim ``output`` (an export of another model is moved aside only with --overwrite), export,
    check parity; returns (export result, parity report or None)."""
    from ..export import PARITY_NAME, export_trained_model, parity_report
    from ..fileio import write_json_atomic
    from ..outputs import claim_output

    if output.exists() and not folder.export_is_current(output):
        claim_output(output, overwrite=args.overwrite, markers=("export.json", "model.onnx"),
                     what="an export of another model")
    progress = _progress(args, batch_sizes)
    try:
        result = export_trained_model(folder.path, output, max_length=args.max_length, fuse=not args.no_fuse,
                                      int8=not args.no_int8, int8_outlier_ratio=args.int8_outlier_ratio,
                                      progress=progress)
        report = None
        if parity is not None:
            name, texts, labels = parity
            report = parity_report(folder.path, output, texts, labels, data_name=name, batch_sizes=batch_sizes,
                                   seq_len=args.seq_len, repeats=args.repeats, rounds=args.rounds,
                                   threads=args.threads, spinning=args.spinning, progress=progress)
            write_json_atomic(output / PARITY_NAME, report)
    finally:
        progress.close()
    return result, report


def _print_export(args, output: Path, result, settings_from: str) -> None:
    manifest = result.manifest
    fusion = manifest["fusion"]
    print(f"exported {args.model_dir} → {output} (max length {manifest.get('max_length')}, "
          f"cleaning {'on' if manifest.get('clean_text') else 'off'}, {settings_from})")
    for kind, path in result.files.items():
        print(f"  {kind}: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"  inputs: {', '.join(manifest['inputs'])} (dynamic batch and sequence axes)")
    ops = ", ".join(f"{op} {n}" for op, n in fusion["ops"].items())
    print(f"  ONNX Runtime fusions: {ops if fusion['applied'] else 'not applied'}")
    if fusion.get("note"):
        print(f"  {fusion['note']}")
    quantization = manifest.get("quantization")
    if quantization and quantization.get("outlier_ratio", 0):
        kept, ratio = quantization.get("kept_fp32", []), quantization["outlier_ratio"]
        print(f"  int8: {len(kept)} matrix product(s) kept in fp32 (inputs peaking above {ratio:g}x their "
              "99.9th percentile)" + (": " + ", ".join(kept) if kept else ""))


def _progress(args: argparse.Namespace, batch_sizes: tuple[int, ...]):
    """One step per export stage, the parity check and each engine's timing (a bar in a terminal)."""
    from ..progress import StepProgress

    steps = 3 if args.no_int8 else (5 if args.int8_outlier_ratio > 0 else 4)
    if not args.no_report:
        steps += 1 + (2 if args.no_int8 else 3) * args.rounds * bool(batch_sizes)
    return StepProgress(steps, prefix="coursekit export")
