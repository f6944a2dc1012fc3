"""Fine-tune a pre-trained encoder for 2-class sentiment with the Hugging Face Trainer.

Model selection uses the validation split at every evaluation (early stopping, best
model loaded at the end); the test split is scored once, after training. The
assignment's code passed the *test* split as ``eval_dataset``: choosing a model (or
an epoch) by its test score leaks the test set into training decisions, so the
reported test score is optimistic.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path


from ..labels import LABEL_NAMES
from ..model_folder import METRICS_FILE, history_from_log
from ..progress import configure_quiet_libraries
from .config import TrainConfig
from .distributed import main_print
from .preemption import CheckpointOnSigterm, Preempted


@dataclass
class TrainResult:
    """What a run produced. ``model``/``tokenizer`` are the best model, in memory."""

    output_dir: Path
    model: object
    tokenizer: object
    history: list[dict]
    test_metrics: dict | None
    validation_metrics: dict
    train_runtime_s: float
    best_checkpoint: str | None = None
    summary: dict = field(default_factory=dict)


def last_checkpoint(config: TrainConfig) -> str | None:
    """The newest complete ``checkpoint-N`` folder of a previous run, if any (half-written ones are skipped)."""
    from .checkpoints import newest_complete_checkpoint

    return newest_complete_checkpoint(config.checkpoint_dir)


def _strip_prefix(metrics: dict, prefix: str) -> dict:
    return {k[len(prefix) + 1:]: float(v) for k, v in metrics.items()
            if k.startswith(prefix + "_") and isinstance(v, (int, float))}


def pad_multiple(config: TrainConfig) -> int | None:
    """Batch lengths are rounded up to this. On a GPU a few distinct shapes beat many
    (each new shape costs kernel selection: measured 6.5x slower with exact dynamic
    padding than with multiples of 64 on an H200, benchmarks/RESULTS.md); CPU pays no such cost."""
    import torch

    if config.pad_to_multiple_of:
        return config.pad_to_multiple_of if config.pad_to_multiple_of > 1 else None
    return 64 if torch.cuda.is_available() and not config.pad_to_max_length else None


def build_trainer(splits, config: TrainConfig, tokenizer=None, model=None, callbacks=(), argument_overrides=None):
    """The configured ``Trainer`` (tokenizes the splits; loads model and tokenizer if not given).

    ``argument_overrides`` replace single ``TrainingArguments`` (see ``build_training_arguments``).
    """
    from transformers import EarlyStoppingCallback, set_seed

    from ..data import padding_collator, tokenize_splits
    from ..data.tokenization import shortest_first
    from ..metrics import classification_metrics
    from ..models import load_classifier, load_tokenizer
    from .arguments import build_training_arguments

    show = configure_quiet_libraries(config.show_progress)
    set_seed(config.seed)  # before the classifier head is initialised
    if tokenizer is None or model is None:
        main_print(f"loading the pre-trained model {config.model} ...")
    tokenizer = tokenizer or load_tokenizer(config.model)
    from .methods import apply_method

    model = apply_method(model or load_classifier(config.model), config)  # --method full | lora | head
    main_print(f"tokenizing {sum(len(part) for part in splits.values())} reviews (max length {config.max_length}) ...")
    encoded = tokenize_splits(splits, tokenizer, config.max_length, config.pad_to_max_length)
    for part in ("validation", "test"):  # scored only: similar lengths batched together pad least
        if part in encoded:
            encoded[part] = shortest_first(encoded[part])
    extra = list(callbacks)
    if config.early_stopping_patience:
        extra.append(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    from .sampling import ResumableTrainer

    trainer = ResumableTrainer(
        model=model,
        args=build_training_arguments(config, show_progress=show, **(argument_overrides or {})),
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"],  # never the test split: see the module docstring
        processing_class=tokenizer,
        data_collator=padding_collator(tokenizer, pad_multiple(config)),
        compute_metrics=classification_metrics(),
        callbacks=extra,
    )
    use_tidy_output(trainer, show)
    return trainer, encoded


def use_tidy_output(trainer, show_progress: bool) -> None:
    """One readable line per evaluation; in a terminal a progress bar without raw log dictionaries."""
    from transformers import PrinterCallback, ProgressCallback

    from .callbacks import EvaluationPrinter, PipedProgress, TidyProgressCallback

    for callback in (PrinterCallback, ProgressCallback, TidyProgressCallback, EvaluationPrinter, PipedProgress):
        trainer.remove_callback(callback)
    # In a terminal a bar; elsewhere (a pipe, a log, a notebook) a line at least every 30 s.
    trainer.add_callback(TidyProgressCallback() if show_progress else PipedProgress())
    trainer.add_callback(EvaluationPrinter())
    _stop_heartbeats_when_train_returns(trainer)


def _stop_heartbeats_when_train_returns(trainer) -> None:
    """Make ``trainer.train`` end the progress lines' thread however training ends: an exception or
    Ctrl-C skips ``on_train_end``, and the thread would go on printing into later output."""
    import functools

    train = trainer.train
    if getattr(train, "stops_heartbeats", False):
        return

    @functools.wraps(train)
    def train_then_stop_heartbeats(*args, **kwargs):
        try:
            return train(*args, **kwargs)
        finally:
            _stop_heartbeats(trainer)

    train_then_stop_heartbeats.stops_heartbeats = True
    trainer.train = train_then_stop_heartbeats


def train_model(splits, config: TrainConfig, trainer=None) -> TrainResult:
    """Fine-tune on ``splits["train"]``, select on ``"validation"``, score ``"test"`` once.

    ``trainer`` is a ready ``Trainer`` (e.g. the one a student wrote in lesson 02; pass the
    tokenized splits it was built with); by default :func:`build_trainer` makes one from ``config``. Under ``torchrun`` every
    process trains its shard; only the main process writes the model and ``metrics.json``.
    On SIGTERM a checkpoint is written and :class:`Preempted` is raised: run again with
    ``resume=True`` to continue from it.
    """
    from .outcome import describe_outcome, outcome_lines

    from .methods import parameter_counts, save_trained

    trainer, encoded, train_runtime = _fit(splits, config, trainer)
    parameters = parameter_counts(trainer.model)  # before a LoRA model is merged

    history = _history(trainer)  # before the final evaluations below add their own log entries
    state = trainer.state
    outcome = describe_outcome(history, state.best_global_step, config, len(splits["train"]),
                               state.global_step, state.max_steps)
    validation, verdict = _validation_verdict(trainer, encoded["validation"], history, config)
    outcome["verdict"] = verdict.to_dict()
    test = None
    if "test" in encoded:
        test = _strip_prefix(trainer.evaluate(encoded["test"], metric_key_prefix="test"), "test")
    out = Path(config.output_dir)
    result = TrainResult(
        output_dir=out,
        model=trainer.model,
        tokenizer=trainer.processing_class,
        history=history,
        test_metrics=test,
        validation_metrics=validation,
        train_runtime_s=train_runtime,
        best_checkpoint=state.best_model_checkpoint,
    )
    result.summary = _summary(config, result, len(splits["train"]), trainer.args.world_size)
    result.summary["outcome"] = outcome
    for line in outcome_lines(outcome):
        main_print(line)
    if trainer.is_world_process_zero():
        result.model, sizes = save_trained(trainer, out)  # a LoRA model is merged first: a plain classifier
        result.summary["method"] = {"method": config.method, "parameters": parameters, "saved": sizes}
        write_metrics(out, result.summary)
    trainer.accelerator.wait_for_everyone()
    return result


def _validation_verdict(trainer, validation_set, history: list[dict], config: TrainConfig):
    """(validation scores, :class:`~coursekit.train.verdict.Verdict`): the best model's predictions on the
    validation split, scored once and judged (did it learn, or are its answers bunched near 0.5?)."""
    import numpy as np

    from .verdict import confidence_facts, judge_training

    predicted = trainer.predict(validation_set, metric_key_prefix="eval")
    logits = predicted.predictions[0] if isinstance(predicted.predictions, tuple) else predicted.predictions
    logits = np.asarray(logits, dtype=np.float64)
    facts = {}
    if logits.ndim == 2 and logits.shape[1] == 2:
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        facts = confidence_facts((shifted[:, 1] / shifted.sum(axis=1)).tolist(), predicted.label_ids)
    validation = _strip_prefix(predicted.metrics, "eval")
    return validation, judge_training(history, validation, confidence=facts, learning_rate=config.learning_rate,
                                      epochs=config.epochs)


def _fit(splits, config: TrainConfig, trainer=None):
    """Build (unless given) and run the Trainer, resuming when asked; (trainer, tokenized splits, seconds).
    SIGTERM ends the run with a checkpoint and :class:`Preempted`."""
    from .callbacks import RuntimeTracker

    sigterm = CheckpointOnSigterm().install()
    try:
        if trainer is None:
            trainer, encoded = build_trainer(splits, config, callbacks=[sigterm])
        else:  # a Trainer built elsewhere: ``splits`` are the tokenized splits it was built with
            encoded = splits
            trainer.add_callback(sigterm)
            use_tidy_output(trainer, configure_quiet_libraries(config.show_progress))
        resume_from = last_checkpoint(config) if config.resume else None
        if config.resume and resume_from is None:
            main_print(f"--resume: no checkpoint in {config.checkpoint_dir}, starting from the beginning")
        elif resume_from:
            main_print(f"resuming from {resume_from}")
        runtime = RuntimeTracker(resume_from)
        trainer.add_callback(runtime)
        main_print(f"training on {len(splits['train'])} reviews for up to {config.epochs:g} epochs "
                   f"(validation: {len(splits['validation'])} reviews) ...")
        trainer.train(resume_from_checkpoint=resume_from)
    finally:
        sigterm.uninstall()
    if sigterm.received:
        raise Preempted(f"stopped on SIGTERM; checkpoint saved under {config.checkpoint_dir}; rerun with --resume")
    return trainer, encoded, runtime.total


def _stop_heartbeats(trainer) -> None:
    """End the progress lines' thread of every :class:`PipedProgress` on ``trainer``."""
    from .callbacks import PipedProgress

    for callback in getattr(getattr(trainer, "callback_handler", None), "callbacks", []):
        if isinstance(callback, PipedProgress):
            callback.stop()


def _history(trainer):
    return history_from_log(trainer.state.log_history)


def _summary(config: TrainConfig, result: TrainResult, n_train: int, world_size: int) -> dict:
    keep = ("accuracy", "precision", "recall", "f1", "f1_macro", "precision_negative", "recall_negative",
            "f1_negative", "loss")
    return {
        "model": config.model,
        "labels": list(LABEL_NAMES),
        "test": {k: v for k, v in (result.test_metrics or {}).items() if k in keep},
        "validation": {k: v for k, v in result.validation_metrics.items() if k in keep},
        "history": result.history,
        "best_checkpoint": result.best_checkpoint,
        "train_runtime_s": round(result.train_runtime_s, 2),
        "train_samples": n_train,
        "world_size": world_size,
        "hyperparameters": config.hyperparameters(),
        "extras": config.extras,
    }


def write_metrics(folder: Path, summary: dict) -> Path:
    """Write ``metrics.json`` atomically (a crash never leaves half a file)."""
    from ..fileio import write_json_atomic

    return write_json_atomic(folder / METRICS_FILE, json.loads(json.dumps(summary, default=str)))
