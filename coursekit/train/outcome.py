"""What a finished run did, in words: the kept epoch and why, early stopping (the verdict on whether
the model learned is :mod:`coursekit.train.verdict`'s, printed by the command's summary)."""
from __future__ import annotations


def _epoch_of(history: list[dict], step: int | None) -> float | None:
    return next((row.get("epoch") for row in history if row.get("step") == step), None)


def _fmt_epoch(epoch) -> str:
    return "?" if epoch is None else (f"{epoch:.0f}" if abs(epoch - round(epoch)) < 1e-3 else f"{epoch:.2f}")


def describe_outcome(history: list[dict], best_step: int | None, config, n_train: int,
                     final_step: int, max_steps: int) -> dict:
    """The facts of a run: best evaluation and whether early stopping ended it (``n_train``: training rows)."""
    best_epoch = _epoch_of(history, best_step)
    best = next((row for row in history if row.get("step") == best_step), None)
    last_epoch = history[-1]["epoch"] if history else None
    stopped_early = bool(config.early_stopping_patience) and final_step < max_steps
    return {
        "best_step": best_step,
        "best_epoch": best_epoch,
        "best_validation_loss": None if best is None else best.get("eval_loss"),
        "best_validation_f1": None if best is None else best.get("eval_f1"),
        "evaluations": len(history),
        "last_epoch": last_epoch,
        "epochs_planned": config.epochs,
        "stopped_early": stopped_early,
        "patience": config.early_stopping_patience,
        "train_samples": n_train,
    }


def outcome_lines(outcome: dict) -> list[str]:
    """The outcome as the sentences a run prints at its end."""
    lines = []
    if outcome.get("stopped_early"):
        lines.append(f"early stopping: stopped after epoch {_fmt_epoch(outcome['last_epoch'])} of "
                     f"{_fmt_epoch(outcome['epochs_planned'])}: validation loss did not improve for "
                     f"{outcome['patience']} evaluations (--patience 0 turns this off)")
    if outcome.get("best_step") is not None:
        loss, f1 = outcome.get("best_validation_loss"), outcome.get("best_validation_f1")
        lines.append(f"kept the model of epoch {_fmt_epoch(outcome['best_epoch'])} (step {outcome['best_step']}): "
                     f"the lowest validation loss{'' if loss is None else f' {loss:.3f}'}"
                     f"{'' if f1 is None else f' (F1 {f1:.3f})'} of {outcome['evaluations']} evaluations")
    return lines
