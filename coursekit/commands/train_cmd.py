"""``coursekit train`` and ``coursekit demo``: the Part 2 fine-tuning pipeline."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=["full", "offline"], default=None,
                        help="tier: 'full' (Hub model + IMDB, GPU) or 'offline' (default: $COURSEKIT_PROFILE or offline)")


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label-map", metavar="MAP",
                        help="label spellings to classes: \"1 star=0,5 stars=1\" (0/1, negative/positive, or skip "
                             "to drop such rows), or a .json/.yaml file with that mapping")
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first junk row (no words, duplicate, both labels, not UTF-8, control "
                             "characters) instead of dropping or repairing it and reporting the counts")


def add_parser(subparsers) -> None:
    train = subparsers.add_parser("train", help="fine-tune the tier's model on a labelled data file",
                                  description="Fine-tune with the assignment's hyperparameters; every one can be overridden.")
    add_profile_option(train)
    train.add_argument("--data", help="CSV, TSV or JSONL with text and label columns, or 'imdb' (default: the tier's data)")
    train.add_argument("--output", required=True, help="folder for the model, tokenizer and metrics.json")
    train.add_argument("--text-column", default="text")
    train.add_argument("--label-column", default="label")
    train.add_argument("--no-header", action="store_true", help="the file has no header: text<TAB>label per line")
    train.add_argument("--no-clean", action="store_true", help="skip text cleaning")
    add_data_options(train)
    train.add_argument("--model", help="pre-trained model id or folder (default: the tier's)")
    train.add_argument("--learning-rate", "--lr", type=float)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--epochs", type=float)
    train.add_argument("--weight-decay", type=float)
    train.add_argument("--max-length", type=int)
    train.add_argument("--max-steps", type=int, help="stop after N optimizer steps (quick runs)")
    train.add_argument("--max-samples", type=int, help="use a seeded subset of N rows")
    train.add_argument("--save-steps", type=int, help="evaluate and checkpoint every N steps instead of every epoch")
    train.add_argument("--patience", type=int, default=None, help="early-stopping patience in evaluations (0 disables)")
    train.add_argument("--seed", type=int)
    train.add_argument("--resume", action="store_true", help="continue from the last checkpoint in OUTPUT/checkpoints")
    fast = train.add_argument_group(
        "speed (the fast path is the default; each flag turns one part of it off or on)")
    fast.add_argument("--literal", action="store_true",
                      help="the assignment's literal setup: pad every text to max length, fp32, random batches, "
                           "unfused AdamW")
    fast.add_argument("--pad-to-max-length", action="store_true",
                      help="pad every text to --max-length (default: pad each batch to its longest text)")
    fast.add_argument("--no-group-by-length", action="store_true",
                      help="random batches (default: batches of similar lengths, less padding)")
    fast.add_argument("--precision", choices=["auto", "bf16", "fp16", "no"],
                      help="mixed precision on a GPU (default auto: bf16 where supported, else fp16; fp32 on CPU)")
    fast.add_argument("--no-fused-adamw", action="store_true", help="the unfused AdamW (default: fused kernel)")
    fast.add_argument("--torch-compile", action="store_true", help="compile the model with torch.compile")
    fast.add_argument("--pad-to-multiple-of", type=int,
                      help="round batch lengths up to a multiple of N (default: 64 on GPU, off on CPU; 1 = off)")
    fast.add_argument("--workers", type=int, help="dataloader worker processes (default: 2 on GPU, 0 on CPU)")
    train.set_defaults(func=run_train)

    demo = subparsers.add_parser("demo", help="offline end-to-end demo: fine-tune on the sample reviews")
    demo.add_argument("--output", default="results/demo", help="folder for the model (default: results/demo)")
    demo.set_defaults(func=run_demo)


def _overrides(args) -> dict:
    overrides = dict(
        model=args.model, learning_rate=args.learning_rate, batch_size=args.batch_size, epochs=args.epochs,
        weight_decay=args.weight_decay, max_length=args.max_length, max_steps=args.max_steps,
        save_steps=args.save_steps, seed=args.seed, resume=args.resume or None,
        dataloader_workers=args.workers, pad_to_multiple_of=args.pad_to_multiple_of, torch_compile=args.torch_compile or None,
        pad_to_max_length=args.pad_to_max_length or None, group_by_length=False if args.no_group_by_length else None,
        mixed_precision=args.precision, fused_adamw=False if args.no_fused_adamw else None,
    )
    if args.patience is not None:
        overrides["early_stopping_patience"] = args.patience  # 0 turns early stopping off
    if args.literal:
        from ..train.fast_path import literal_overrides

        overrides.update(literal_overrides())
    return overrides


def run_train(args) -> int:
    from ..profiles import get_profile
    from ..train import run_training
    from ..train.distributed import is_main_process

    # Under torchrun every process runs this; only rank 0 talks.
    profile = get_profile(args.profile, announce=is_main_process())
    result = run_training(
        profile, args.output, data=args.data, text_column=args.text_column, label_column=args.label_column,
        clean=not args.no_clean, max_samples=args.max_samples, has_header=not args.no_header,
        strict=args.strict, label_map=args.label_map, **_overrides(args),
    )
    if is_main_process():
        _print_summary(result)
    return 0


def run_demo(args) -> int:
    from ..profiles import get_profile
    from ..train import run_training

    profile = get_profile("offline", announce=True)
    result = run_training(profile, args.output)
    _print_summary(result)
    return 0


def _print_summary(result) -> None:
    test = result.test_metrics or {}
    print()
    print(f"trained in {result.train_runtime_s:.0f} s on {result.summary.get('train_samples')} reviews")
    if test:
        print("test split (scored once, after model selection on validation): "
              + ", ".join(f"{k} {test[k]:.3f}" for k in ("accuracy", "precision", "recall", "f1")))
    print(f"model and tokenizer saved in {Path(result.output_dir).resolve()}")
    print(f"metrics: {Path(result.output_dir).resolve() / 'metrics.json'}")
