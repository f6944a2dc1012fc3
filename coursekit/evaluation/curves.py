"""What training and validation loss curves show, in words computed from the history.

:func:`describe_curves` reads one run's per-epoch history (rows with ``epoch``,
``train_loss``, ``eval_loss``, as :func:`coursekit.model_folder.history.history_from_log`
writes them) and says whether it shows overfitting: the validation loss rising from its
lowest point while the training loss keeps falling. :func:`describe_fold_losses` does the
same for every fold of a cross-validation. Every figure in the sentences comes from the
history; nothing is typed in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# A rise of the validation loss above its lowest point smaller than this (absolute, or relative
# to the lowest) is noise on a validation split of a few hundred reviews, not overfitting.
MIN_RISE, MIN_RELATIVE_RISE = 0.02, 0.05
COIN_FLIP = math.log(2)  # the loss of a model that answers 0.5 for every review


@dataclass(frozen=True)
class Curve:
    """The points of a loss history that tell its story."""

    first: dict
    best: dict
    last: dict

    @property
    def rise(self) -> float:
        """How far the last validation loss ended above the lowest."""
        return self.last["eval_loss"] - self.best["eval_loss"]

    @property
    def learned(self) -> bool:
        return self.first["eval_loss"] - self.best["eval_loss"] >= MIN_RISE

    @property
    def overfits(self) -> bool:
        """The validation loss rose clearly from its lowest while the training loss fell further."""
        rose = self.rise >= max(MIN_RISE, MIN_RELATIVE_RISE * self.best["eval_loss"])
        train_best, train_last = self.best.get("train_loss"), self.last.get("train_loss")
        train_fell = train_best is None or train_last is None or train_last < train_best
        return self.best is not self.last and rose and train_fell


def curve(history) -> Curve | None:
    """The first, lowest and last evaluation of ``history``; ``None`` with fewer than two."""
    rows = [row for row in history or [] if row.get("eval_loss") is not None]
    if len(rows) < 2:
        return None
    return Curve(rows[0], min(rows, key=lambda row: row["eval_loss"]), rows[-1])


def _epoch(row: dict) -> str:
    return f"epoch {row.get('epoch', 0):g}"


def describe_curves(history) -> str:
    """One or two sentences on what the loss curves of ``history`` show (overfitting or not)."""
    c = curve(history)
    if c is None:
        return "Only one evaluation was logged: there is no curve to read yet."
    first, best, last = (row["eval_loss"] for row in (c.first, c.best, c.last))
    train = c.last.get("train_loss")
    trained = f", while the training loss fell to {train:.3f}" if train is not None else ""
    if c.overfits:
        return (f"Overfitting: the validation loss was lowest at {_epoch(c.best)} ({best:.3f}) and rose to {last:.3f} "
                f"by {_epoch(c.last)}{trained}. The model fits its training reviews ever more closely and new ones "
                f"worse; with load_best_model_at_end the model kept is {_epoch(c.best)}'s, the lowest validation loss.")
    if not c.learned:
        moved = f"The validation loss barely moved after the first epoch ({first:.3f}, lowest {best:.3f})"
        if best > COIN_FLIP - 0.05:
            return f"{moved}, near a coin flip's {COIN_FLIP:.3f}: the model has not learned much from these reviews yet."
        return f"{moved}: what the model learned, it learned in the first epoch; later epochs added little."
    if c.best is c.last:
        return (f"No sign of overfitting: the validation loss fell from {first:.3f} to {last:.3f} and was still at its "
                f"lowest at {_epoch(c.last)}{trained}; more epochs might still help.")
    return (f"No clear overfitting: the validation loss fell from {first:.3f} to its lowest, {best:.3f} at "
            f"{_epoch(c.best)}, and ended at {last:.3f}, within noise of it.")


def _folds(numbers: list[int]) -> str:
    names = [str(n) for n in numbers]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"fold{'s' if len(names) > 1 else ''} {listed}"


def describe_fold_losses(fold_metrics) -> str:
    """What each cross-validation fold's validation loss did: fell (it learned), rose again after its
    lowest point (overfitting), or never fell (it did not train enough)."""
    curves = {i: curve(m.get("history")) for i, m in enumerate(fold_metrics, start=1)}
    if not curves or any(c is None for c in curves.values()):
        return "The folds logged fewer than two evaluations each: their curves cannot be read."
    learned = [i for i, c in curves.items() if c.learned]
    overfit = [i for i, c in curves.items() if c.overfits]
    flat = [i for i, c in curves.items() if not c.learned]
    parts = []
    if learned:
        falls = ", ".join(f"{c.first['eval_loss']:.3f} → {c.best['eval_loss']:.3f}"
                          for i, c in curves.items() if i in learned)
        parts.append(f"The validation loss fell from the first epoch to its lowest on {_folds(learned)} ({falls})")
    if flat:
        parts.append(f"on {_folds(flat)} it never fell clearly below the first epoch's: "
                     f"{'that fold' if len(flat) == 1 else 'those folds'} did not train enough")
    text = "; ".join(parts) + "."
    if overfit:
        rises = ", ".join(f"to {curves[i].last['eval_loss']:.3f} by {_epoch(curves[i].last)}" for i in overfit)
        text += (f" On {_folds(overfit)} it rose again after its lowest point ({rises}) while the training loss "
                 "kept falling: overfitting. Each fold's model is its best epoch's (load_best_model_at_end), so "
                 "the test scores above come from before the rise.")
    elif learned and not flat:
        text += " No fold's validation loss rose clearly after its lowest point: no sign of overfitting."
    return text
