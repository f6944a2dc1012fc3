"""``coursekit train`` and ``coursekit demo``: the Part 2 fine-tuning pipeline."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> None:
    from ..options import add_options, add_profile_option
    from ..train.config import DataConfig, TrainConfig

    train = subparsers.add_parser(
        "train", help="fine-tune the tier's model on a labelled data file",
        description="Fine-tune with the assignment's hyperparameters (lr 2e-5, batch 16, 3 epochs, weight decay "
                    "0.01); every one can be overridden here or in a --config file. Writes the model, tokenizer, "
                    "metrics.json and the run card coursekit.json (what export, evaluate and serve read).")
    add_profile_option(train)
    train.add_argument("--config", metavar="FILE",
                       help="YAML or JSON file of settings (the long option names with '_'); options given "
                            "here override it")
    add_options(train, DataConfig)
    add_options(train, TrainConfig, required=("output_dir",))
    train.add_argument("--literal", action="store_true",
                       help="the assignment's literal setup: pad every text to max length, fp32, random batches, "
                            "unfused AdamW")
    train.set_defaults(func=run_train)

    demo = subparsers.add_parser("demo", help="offline end-to-end demo: fine-tune on a shop's real reviews",
                                 description="Fine-tune the offline tier's MiniLM on a seeded sample of 300 of a "
                                             "clothing shop's real reviews with the course's small-data settings "
                                             "(lr 1e-4, 5 epochs; the assignment's 2e-5 needs more data than two "
                                             "minutes of CPU allow) and print accuracy, macro-F1 and the unhappy "
                                             "customers' scores on the test split (under 2 minutes on 2 cores). "
                                             "`coursekit train` runs the assignment's settings on 1,500 reviews.")
    demo.add_argument("--output", default="results/demo", help="folder for the model (default: results/demo)")
    demo.add_argument("--overwrite", action="store_true",
                      help="replace an earlier demo model (it is moved aside, not deleted)")
    demo.add_argument("--max-samples", type=int, default=None, metavar="N",
                      help="a seeded, stratified sample of N reviews (default: 300)")
    demo.add_argument("--max-steps", type=int, default=0, metavar="N",
                      help="stop after N optimizer steps, for a quick look (default: 5 full epochs)")
    demo.set_defaults(func=run_demo)


def settings_from_args(args) -> tuple[dict, dict]:
    """(data settings, training settings) from --config, then the options given."""
    from ..options import check_values, read_config_file, values_from_args
    from ..train.config import DataConfig, TrainConfig

    from_file = read_config_file(args.config, DataConfig, TrainConfig) if getattr(args, "config", None) else {}
    data_names = set(DataConfig.__dataclass_fields__)
    data = {k: v for k, v in from_file.items() if k in data_names}
    train = {k: v for k, v in from_file.items() if k not in data_names}
    given = {**values_from_args(args, DataConfig), **values_from_args(args, TrainConfig)}
    check_values(given, DataConfig, TrainConfig)  # refused before anything is loaded
    data.update({k: v for k, v in given.items() if k in data_names})
    train.update({k: v for k, v in given.items() if k not in data_names})
    if getattr(args, "literal", False):
        from ..train.fast_path import literal_overrides

        train.update(literal_overrides())
    return data, train


def run_train(args) -> int:
    from ..options import resolve_profile
    from ..train import run_training
    from ..train.distributed import is_main_process

    data, train = settings_from_args(args)
    source = data.pop("data", None)
    # Under torchrun every process runs this; only rank 0 talks.
    profile = resolve_profile(args, announce=is_main_process(), data=source, max_samples=data.get("max_samples"))
    result = run_training(profile, train.pop("output_dir"), data=source, after_training=_reference_hook(), **data, **train)
    if is_main_process():
        print_summary(result)
    return 0


def run_demo(args) -> int:
    from ..profiles import DEMO_SETTINGS, get_profile
    from ..train import run_training

    settings = {**DEMO_SETTINGS, **({"max_samples": args.max_samples} if args.max_samples is not None else {})}
    profile = get_profile("offline", announce=True, max_samples=settings["max_samples"])
    result = run_training(profile, args.output, overwrite=args.overwrite, max_steps=args.max_steps,
                          after_training=_reference_hook(), **settings)
    print_summary(result)
    return 0


def _reference_hook():
    """What runs after training: the monitoring reference ``coursekit monitor`` compares traffic with."""
    from ..monitoring.reference import reference_after_training

    return reference_after_training


def print_summary(result) -> None:
    test = result.test_metrics or {}
    print()
    print(f"trained in {result.train_runtime_s:.0f} s on {result.summary.get('train_samples')} reviews")
    dropped = (result.summary.get("data") or {}).get("dropped") or {}
    if isinstance(dropped, dict) and dropped.get("counts") and dropped.get("rows_read"):
        from ..data.report import DataReport

        print(DataReport.from_dict(dropped).total_line())  # every data row of the file accounted for
    if test:
        from ..evaluation.interpret import describe_scores

        print("test split (scored once, after model selection on validation): " + describe_scores(test))
    print(f"model, tokenizer and run card saved in {Path(result.output_dir).resolve()}")
    print(f"metrics: {Path(result.output_dir).resolve() / 'metrics.json'}")
    verdict = (result.summary.get("outcome") or {}).get("verdict")
    if verdict:  # last, where it is seen: did the model learn, and what to change if not
        from ..train.verdict import Verdict, verdict_lines

        print("\n".join(verdict_lines(Verdict.from_dict(verdict))))
