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
    p.add_argument("--max-length", type=int, help="truncation length used when scoring (default: the tier's)")
    p.add_argument("--no-int8", action="store_true", help="skip the int8 quantized copy")
    p.add_argument("--no-fuse", action="store_true", help="keep the plain graph (no ONNX Runtime fusions)")
    p.add_argument("--no-clean", action="store_true",
                   help="the model was trained with --no-clean: score raw text without cleaning it")
    p.add_argument("--data", help="labelled file for the parity check (default: the project's sample reviews)")
    p.add_argument("--no-header", action="store_true", help="--data has no header: text<TAB>label per line")
    p.add_argument("--split", default="test", choices=["train", "validation", "test", "all"],
                   help="which split of --data to compare on (default: test)")
    p.add_argument("--limit", type=int, default=None, help="compare on at most N texts")
    p.add_argument("--repeats", type=int, default=20, help="timed runs per engine and batch size (default: 20)")
    p.add_argument("--rounds", type=int, default=1,
                   help="time every engine this many times, each alone in a fresh process, and report the "
                        "median (default: 1; more on a busy machine)")
    p.add_argument("--no-spinning", action="store_true",
                   help="time ONNX Runtime with its idle threads sleeping instead of busy-waiting "
                        "(the scoring service lets them spin)")
    p.add_argument("--batch-sizes", default="1,32", help="comma-separated batch sizes to time (default: 1,32)")
    p.add_argument("--seq-len", type=int, default=128, help="sequence length for the latency runs (default: 128)")
    p.add_argument("--threads", type=int, help="CPU threads for both engines (default: the library default)")
    p.add_argument("--no-report", action="store_true", help="export only, skip the parity report")
    p.set_defaults(func=run_export)


def parity_texts(data: str | None, split: str, limit: int | None, has_header: bool = True):
    """Texts and integer labels of one split of a labelled file (raw, uncleaned)."""
    from ..data import load_reviews, split_dataset
    from ..profiles import sample_reviews_path

    path = data or str(sample_reviews_path())
    dataset = load_reviews(path, has_header=has_header)
    if split != "all":
        dataset = split_dataset(dataset, seed=42)[split]
    texts, labels = list(dataset["text"]), [int(v) for v in dataset["label"]]
    if limit:
        texts, labels = texts[:limit], labels[:limit]
    return Path(path).name + ("" if split == "all" else f" ({split} split)"), texts, labels


def export_max_length(args: argparse.Namespace) -> int:
    """The truncation length the export records: --max-length, else the active tier's."""
    if args.max_length:
        return int(args.max_length)
    from ..profiles import get_profile

    return get_profile().max_length


def run_export(args: argparse.Namespace) -> int:
    from ..errors import ExportError
    from ..export import PARITY_NAME, StepProgress, check_model_dir, export_onnx, format_parity_table
    from ..fileio import write_json_atomic

    check_model_dir(args.model_dir)  # a bad folder is one error line, before any progress output
    for option, value in (("--rounds", args.rounds), ("--repeats", args.repeats)):
        if value < 1:
            raise ExportError(f"{option} must be at least 1 (got {value})")
    output = Path(args.output) if args.output else Path(args.model_dir) / "onnx"
    engines = 2 if args.no_int8 else 3
    progress = StepProgress((3 if args.no_int8 else 4) + (0 if args.no_report else 1 + engines * args.rounds),
                            prefix="coursekit export")
    try:
        result = export_onnx(args.model_dir, output, max_length=export_max_length(args), fuse=not args.no_fuse,
                             int8=not args.no_int8, clean_text=not args.no_clean, progress=progress)
        report = None if args.no_report else _parity(args, output, progress)
    finally:
        progress.close()
    fusion = result.manifest["fusion"]
    print(f"exported {args.model_dir} → {output}")
    for kind, path in result.files.items():
        print(f"  {kind}: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"  inputs: {', '.join(result.manifest['inputs'])} (dynamic batch and sequence axes)")
    ops = ", ".join(f"{op} {n}" for op, n in fusion["ops"].items())
    print(f"  ONNX Runtime fusions: {ops if fusion['applied'] else 'not applied'}")
    if report is None:
        return 0
    write_json_atomic(output / PARITY_NAME, report)
    print(format_parity_table(report))
    print(f"parity report: {output / PARITY_NAME}")
    return 0


def _parity(args: argparse.Namespace, output: Path, progress) -> dict:
    from ..export import parity_report

    name, texts, labels = parity_texts(args.data, args.split, args.limit, has_header=not args.no_header)
    batch_sizes = tuple(int(b) for b in args.batch_sizes.split(",") if b.strip())
    return parity_report(args.model_dir, output, texts, labels, data_name=name, batch_sizes=batch_sizes,
                         seq_len=args.seq_len, repeats=args.repeats, rounds=args.rounds, threads=args.threads,
                         spinning=not args.no_spinning, progress=progress)
