"""What the loss curves show, in sentences computed from the history (lessons 02 and 03)."""
from __future__ import annotations

from coursekit.evaluation.curves import describe_curves, describe_fold_losses
from coursekit.evaluation.interpret import fold_table

# Lesson 02's small-data fix as a student saw it: validation loss 0.495 -> 0.699 while training loss fell to 0.069.
OVERFIT = [dict(epoch=1.0, train_loss=0.62, eval_loss=0.58), dict(epoch=2.0, train_loss=0.41, eval_loss=0.495),
           dict(epoch=3.0, train_loss=0.22, eval_loss=0.55), dict(epoch=4.0, train_loss=0.11, eval_loss=0.64),
           dict(epoch=5.0, train_loss=0.069, eval_loss=0.699)]
FALLING = [dict(epoch=1.0, train_loss=0.6, eval_loss=0.52), dict(epoch=2.0, train_loss=0.4, eval_loss=0.41)]
FLAT_AT_CHANCE = [dict(epoch=1.0, eval_loss=0.690), dict(epoch=2.0, eval_loss=0.686)]
FLAT_LOW = [dict(epoch=1.0, eval_loss=0.21), dict(epoch=2.0, eval_loss=0.205), dict(epoch=3.0, eval_loss=0.212)]


def test_overfitting_is_pointed_out_with_the_history_figures():
    text = describe_curves(OVERFIT)
    assert text.startswith("Overfitting: the validation loss was lowest at epoch 2 (0.495) and rose to 0.699 by epoch 5")
    assert "training loss fell to 0.069" in text and "epoch 2's" in text


def test_healthy_flat_and_short_curves_are_not_called_overfitting():
    assert describe_curves(FALLING).startswith("No sign of overfitting: the validation loss fell from 0.520 to 0.410")
    assert "has not learned much" in describe_curves(FLAT_AT_CHANCE)
    flat = describe_curves(FLAT_LOW)  # a model good after one epoch is not "not learned"
    assert "it learned in the first epoch" in flat and "not learned" not in flat and "Overfitting" not in flat
    assert describe_curves(FALLING[:1]).startswith("Only one evaluation")


def test_the_fold_sentence_matches_the_folds():
    folds = [{"history": FALLING}, {"history": OVERFIT}, {"history": OVERFIT}]
    text = describe_fold_losses(folds)
    assert text.startswith("The validation loss fell from the first epoch to its lowest on folds 1, 2 and 3 "
                           "(0.520 → 0.410, 0.580 → 0.495, 0.580 → 0.495).")
    assert "On folds 2 and 3 it rose again after its lowest point (to 0.699 by epoch 5, to 0.699 by epoch 5)" in text
    assert "overfitting" in text and "must fall" not in text
    calm = describe_fold_losses([{"history": FALLING}, {"history": FALLING}])
    assert calm.endswith("No fold's validation loss rose clearly after its lowest point: no sign of overfitting.")
    stuck = describe_fold_losses([{"history": FALLING}, {"history": FLAT_AT_CHANCE}])
    assert "on fold 2 it never fell clearly below the first epoch's: that fold did not train enough" in stuck


def test_the_fold_table_shows_first_lowest_and_last_loss():
    model = {"folds": [{"f1_macro": 0.8, "history": OVERFIT}, {"f1_macro": 0.7, "history": FALLING}]}
    baseline = {"folds": [{"f1_macro": 0.6}, {"f1_macro": 0.65}]}
    table = fold_table(model, baseline)
    assert list(table["lowest validation loss"]) == [0.495, 0.41]
    assert list(table["last validation loss"]) == [0.699, 0.41]
