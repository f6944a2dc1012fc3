"""Part 2's central exercise: the student writes ``TrainingArguments(...)`` and ``Trainer(...)``.

:func:`training_arguments_problems` and :func:`trainer_problems` compare what the student
wrote with the assignment's values on today's API and return readable problems;
:func:`check_training_setup` is the ✅ Check cell. :func:`train_student_trainer` then
trains the student's own ``Trainer``, scores the test split once and saves the model
where Parts 3 and 4 look for it (with ``metrics.json`` and the run card, as ``coursekit train`` does).
"""
from __future__ import annotations

from pathlib import Path

from coursekit.exercises.core import Check
from coursekit.train.config import ASSIGNMENT

# The assignment's TrainingArguments (its evaluation_strategy is today's eval_strategy).
ASSIGNMENT_ARGUMENTS = {
    "eval_strategy": "epoch",
    "learning_rate": ASSIGNMENT["learning_rate"],
    "per_device_train_batch_size": ASSIGNMENT["batch_size"],
    "num_train_epochs": ASSIGNMENT["epochs"],
    "weight_decay": ASSIGNMENT["weight_decay"],
}
_WHY = {
    "eval_strategy": "evaluate on the validation split after every epoch (the assignment's "
                     "evaluation_strategy=\"epoch\", renamed eval_strategy)",
    "learning_rate": "the assignment's learning rate",
    "per_device_train_batch_size": "the assignment's batch size",
    "num_train_epochs": "the number of epochs this lesson asks for (EPOCHS)",
    "weight_decay": "the assignment's weight decay",
}


def _value(value):
    return getattr(value, "value", value)  # enums such as IntervalStrategy.EPOCH -> "epoch"


def training_arguments_problems(args, *, results_dir, epochs: float = 3) -> list[str]:
    """What differs between ``args`` and the assignment's ``TrainingArguments``, in words."""
    from transformers import TrainingArguments

    if not isinstance(args, TrainingArguments):
        return [f"training_args is a {type(args).__name__}, not transformers.TrainingArguments(...)"]
    expected = dict(ASSIGNMENT_ARGUMENTS, num_train_epochs=epochs)
    problems = []
    for name, want in expected.items():
        got = _value(getattr(args, name))
        same = abs(float(got) - float(want)) <= 1e-12 * max(1.0, abs(float(want))) \
            if isinstance(want, (int, float)) else got == want
        if not same:
            problems.append(f"{name}={got!r}, expected {want!r}: {_WHY[name]}")
    results = Path(results_dir).resolve()
    output = Path(args.output_dir).resolve()
    if output != results and results not in output.parents:
        problems.append(f"output_dir={args.output_dir!r} is outside this lesson's results folder {str(results_dir)!r}: "
                        "write checkpoints under it, e.g. output_dir=os.path.join(MODEL_DIR, \"checkpoints\")")
    return problems


def _same_split(dataset, reference) -> bool:
    if dataset is reference:
        return True
    try:
        return len(dataset) == len(reference) and dataset._fingerprint == reference._fingerprint
    except (AttributeError, TypeError):
        return False


def _split_name(dataset, tokenized) -> str | None:
    for name in tokenized:
        if _same_split(dataset, tokenized[name]):
            return name
    return None


def trainer_problems(trainer, args, tokenized) -> list[str]:
    """What differs between ``trainer`` and the Trainer this lesson needs, in words.

    ``tokenized`` holds the tokenized ``train``/``validation``/``test`` splits.
    """
    from transformers import DataCollatorWithPadding, Trainer

    if not isinstance(trainer, Trainer):
        return [f"trainer is a {type(trainer).__name__}, not transformers.Trainer(...)"]
    problems = []
    if trainer.args is not args:
        problems.append("args is not your training_args: pass args=training_args")
    labels = getattr(getattr(trainer.model, "config", None), "num_labels", None)
    if labels != 2:
        problems.append(f"the model has {labels} output labels, expected 2 (NEGATIVE, POSITIVE): pass model=model")
    train = _split_name(trainer.train_dataset, tokenized) if trainer.train_dataset is not None else None
    if train != "train":
        problems.append(f"train_dataset is {_describe(train, trainer.train_dataset)}, expected tokenized[\"train\"]")
    evaluation = _split_name(trainer.eval_dataset, tokenized) if trainer.eval_dataset is not None else None
    if evaluation == "test":
        problems.append("eval_dataset is the test split, as in the assignment's code: choosing epochs by the test "
                        "score leaks it into training (section 6); pass eval_dataset=tokenized[\"validation\"]")
    elif evaluation != "validation":
        problems.append(f"eval_dataset is {_describe(evaluation, trainer.eval_dataset)}, "
                        "expected tokenized[\"validation\"]")
    if trainer.processing_class is None:
        problems.append("processing_class is missing: pass processing_class=tokenizer "
                        "(today's name for the old tokenizer= argument)")
    if not isinstance(trainer.data_collator, DataCollatorWithPadding):
        problems.append(f"data_collator is {getattr(trainer.data_collator, '__name__', type(trainer.data_collator).__name__)}: "
                        "pass data_collator=data_collator, which pads each batch to its longest review")
    if trainer.compute_metrics is None:
        problems.append("compute_metrics is missing: pass compute_metrics=compute_metrics, or the validation split "
                        "reports only its loss (no accuracy or F1)")
    return problems


def _describe(name, dataset) -> str:
    if dataset is None:
        return "missing"
    return f"the {name} split" if name else f"a data set of {len(dataset)} rows that is none of the tokenized splits"


def check_training_setup(training_args, trainer, tokenized, *, results_dir, epochs: float = 3) -> None:
    """The ✅ Check of the exercise: every argument as the lesson asks, each mismatch explained."""
    check = Check("your TrainingArguments and Trainer")
    if check.attempted(training_args=training_args, trainer=trainer):
        for problem in training_arguments_problems(training_args, results_dir=results_dir, epochs=epochs):
            check.that(False, problem)
        for problem in trainer_problems(trainer, training_args, tokenized):
            check.that(False, problem)
        if not check.problems:
            for text in worth_adding(training_args, trainer):
                check.note(text)
    check.finish()


def worth_adding(args, trainer) -> list[str]:
    """What the lesson calls worth adding and ``args``/``trainer`` lack, one note each."""
    from transformers import EarlyStoppingCallback

    notes = []
    if _value(args.save_strategy) != "epoch":
        notes.append(f"save_strategy is {_value(args.save_strategy)!r}: with \"epoch\" a checkpoint is written every "
                     "epoch, so a stopped run can resume")
    if not args.load_best_model_at_end:
        notes.append("load_best_model_at_end is off: the saved model is the last epoch's, not the best one")
    elif args.metric_for_best_model not in ("loss", "eval_loss"):
        notes.append(f"the best epoch is chosen by {args.metric_for_best_model!r}; the course uses 'loss' "
                     "(validation loss: on ~100 validation reviews F1 moves in steps of one review)")
    if _value(args.logging_strategy) != "epoch":
        notes.append(f"logging_strategy is {_value(args.logging_strategy)!r}: with \"epoch\" every epoch's training "
                     "loss sits beside its validation loss in the history and the loss plot")
    if not any(isinstance(c, EarlyStoppingCallback) for c in trainer.callback_handler.callbacks):
        notes.append("no EarlyStoppingCallback: training runs every epoch even after validation loss stops falling")
    if args.report_to not in ([], ["none"], "none", None):
        notes.append(f"report_to is {args.report_to!r}: the Trainer logs to those trackers too; \"none\" keeps it quiet")
    return notes


def config_from_trainer(trainer, model_dir, profile):
    """The :class:`~coursekit.train.TrainConfig` a run card records for ``trainer``'s arguments."""
    from transformers import EarlyStoppingCallback

    from coursekit.train import TrainConfig

    args = trainer.args
    stopping = [c for c in trainer.callback_handler.callbacks if isinstance(c, EarlyStoppingCallback)]
    return TrainConfig.from_profile(
        profile, model_dir, learning_rate=args.learning_rate, batch_size=args.per_device_train_batch_size,
        eval_batch_size=args.per_device_eval_batch_size, epochs=args.num_train_epochs,
        weight_decay=args.weight_decay, seed=args.seed,
        early_stopping_patience=stopping[0].early_stopping_patience if stopping else 0,
        group_by_length=_value(getattr(args, "train_sampling_strategy", "random")) == "group_by_length",
    )


def train_student_trainer(trainer, tokenized, prepared, model_dir, *, profile, epochs: float = 3,
                          reuse: bool = False):
    """Train ``trainer`` (the student's) and save the model where Parts 3 and 4 look for it.

    ``tokenized`` are the splits the Trainer was built with (the test split is scored once,
    after training); ``prepared`` is the :class:`~coursekit.train.PreparedData` they came
    from, which the run card (``coursekit.json``) records beside the model and metrics.json.
    While the exercise is not done (``trainer`` is a placeholder), ``coursekit train``'s pipeline
    trains with its defaults instead (no written-out answer ships), so the lesson can go on. ``reuse`` (set by ``coursekit render``) loads
    the model already in ``model_dir`` instead of training it again. Returns a :class:`~coursekit.train.TrainResult`.
    """
    from coursekit.exercises.core import is_attempted
    from coursekit.model_folder import ModelFolder
    from coursekit.train import train_and_record

    if reuse and ModelFolder(model_dir).is_trained():  # coursekit render shows a model trained before
        from coursekit.train.reuse import load_train_result

        result = load_train_result(model_dir)
        print(f"reusing the model already trained in {model_dir}: not training it again", flush=True)
        return result

    from coursekit.monitoring.reference import reference_after_training  # what lesson 04's monitor compares with
    from coursekit.train import TrainConfig

    if not is_attempted(trainer):  # the course's pipeline trains (coursekit train's defaults), not a written answer
        print("⏭ your Trainer is not written yet: training with coursekit's defaults so the lesson can go on")
        config = TrainConfig.from_profile(profile, model_dir, epochs=epochs)
        config.extras["trainer"] = "built by coursekit from its defaults (the exercise was not attempted)"
        return train_and_record(prepared, config, profile.name, after_training=reference_after_training)
    config = config_from_trainer(trainer, model_dir, profile)
    config.extras["trainer"] = "written by the student (Part 2)"
    return train_and_record(prepared, config, profile.name, trainer=trainer, encoded=tokenized,
                            after_training=reference_after_training)


def describe_training(result) -> str:
    """What a run's validation history shows, in a sentence or two (computed, never typed), with the
    verdict of :func:`coursekit.train.verdict.judge_training` and, when validation is near chance or
    still improving, the ``TrainingArguments`` to change."""
    import math

    from coursekit.train.verdict import Verdict, judge_training

    history = [row for row in result.history if "eval_loss" in row]
    steps = history[-1].get("step") if history else None
    # Macro-F1, not accuracy: on data that is mostly positive, "always positive" keeps a high accuracy.
    scores = result.validation_metrics
    name, score = ("macro-F1", scores["f1_macro"]) if "f1_macro" in scores else ("accuracy", scores.get("accuracy"))
    score = float("nan") if score is None else score
    summary = getattr(result, "summary", None) or {}
    stored = (summary.get("outcome") or {}).get("verdict")
    settings = summary.get("hyperparameters") or {}
    verdict = Verdict.from_dict(stored) if stored else judge_training(
        history, scores, learning_rate=settings.get("learning_rate"), epochs=settings.get("epochs"))
    if not history:
        return f"no evaluation was logged; validation {name} {score:.3f}. {_verdict_sentence(verdict)}"
    first, last = history[0]["eval_loss"], min(row["eval_loss"] for row in history)
    extra = (f", accuracy {scores['accuracy']:.3f}, negative-class recall {scores['recall_negative']:.3f}"
             if name == "macro-F1" and "recall_negative" in scores else "")
    return (f"{steps} optimizer steps; validation loss {first:.3f} after the first evaluation, lowest {last:.3f} "
            f"({math.log(2):.3f} is a coin flip's); validation {name} {score:.3f}{extra}. "
            f"{_verdict_sentence(verdict)}")


def _verdict_sentence(verdict) -> str:
    """The verdict in the notebook's terms: the TrainingArguments to change, only when it has not learned enough."""
    why = "; ".join(verdict.reasons)
    if verdict.kind == "under-trained":
        return (f"Verdict: under-trained ({why}). Train again with {verdict.advice('notebook')}."
                if verdict.changes else f"Verdict: under-trained ({why}). Train longer or on more data.")
    if verdict.kind == "still improving":
        more = f" More epochs would likely help: {verdict.advice('notebook')}." if verdict.changes else ""
        return f"Verdict: still improving ({why}).{more}"
    if verdict.kind == "overfitting":
        return (f"Verdict: overfitting ({why}); the model kept is the one of the lowest validation loss, "
                "so the later epochs changed nothing you use.")
    return "Verdict: a model that has learned" + (f" ({why})." if why else ".")


def discard_checkpoints(*runs) -> list:
    """Remove the ``checkpoints/`` folder of each run (an experiment's: the model itself stays), printing
    what was freed; a run not attempted yet is skipped. Returns the folders removed."""
    import shutil

    from coursekit.exercises.core import is_attempted
    from coursekit.model_folder import ModelFolder

    removed = []
    for run in runs:
        if not is_attempted(run):
            continue
        folder = ModelFolder(run.output_dir).checkpoints_dir
        if folder.is_dir():
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
            removed.append(folder)
            print(f"removed {folder} ({size / 1e6:,.0f} MB of checkpoints: weights and optimizer state); "
                  f"the model stays in {run.output_dir}")
    return removed
