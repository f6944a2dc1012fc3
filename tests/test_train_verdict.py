"""The verdict after training (issue 23.1): an under-trained model is named, with the option to change.

Pure functions on a run's history and validation scores: no training here (the CLI's under-trained run
is ``test_run_card.py::test_the_run_says_which_epoch_it_kept``).
"""
from __future__ import annotations

from types import SimpleNamespace

from coursekit.train.verdict import Verdict, chance_macro_f1, confidence_facts, judge_training, verdict_lines

# The issue's SST-2 run: validation loss 0.6835 -> 0.6473 -> 0.6089, every prediction between 0.4 and 0.8.
FALLING = [{"step": 44, "epoch": 1.0, "train_loss": 0.69, "eval_loss": 0.6835},
           {"step": 88, "epoch": 2.0, "train_loss": 0.66, "eval_loss": 0.6473},
           {"step": 132, "epoch": 3.0, "train_loss": 0.62, "eval_loss": 0.6089}]
BUNCHED = confidence_facts([0.4, 0.45, 0.55, 0.6, 0.7, 0.8, 0.5, 0.62], [0, 0, 1, 1, 1, 1, 0, 1])
BALANCED_SCORES = {"accuracy": 0.739, "f1_macro": 0.737, "f1_negative": 0.72, "f1": 0.75}


def test_the_issues_sst2_run_is_under_trained_with_the_options_to_change():
    verdict = judge_training(FALLING, BALANCED_SCORES, confidence=BUNCHED, learning_rate=2e-5, epochs=3)
    assert verdict.kind == "under-trained"
    assert verdict.changes == {"learning_rate": 1e-4, "epochs": 5.0}
    lines = verdict_lines(verdict)
    assert lines[0].startswith("verdict: under-trained: ") and "bunched near 0.5" in lines[0]
    assert "still falling" in lines[0] and "0.683 → 0.609" in lines[0]
    assert lines[1].startswith("advice:") and "--learning-rate 0.0001 --epochs 5" in lines[1]
    assert verdict.advice("notebook") == "TrainingArguments(learning_rate=0.0001, num_train_epochs=5)"


def test_always_positive_on_the_shop_data_is_near_chance_whatever_its_accuracy():
    labels = [1] * 88 + [0] * 12
    facts = confidence_facts([0.93] * 100, labels)  # confident, and wrong on every unhappy customer
    scores = {"accuracy": 0.88, "f1_macro": 0.468, "f1_negative": 0.0, "f1": 0.936}
    flat = [dict(row, eval_loss=0.36) for row in FALLING]
    verdict = judge_training(flat, scores, confidence=facts, learning_rate=1e-4, epochs=5)
    assert facts["majority_share"] == 0.88 and round(chance_macro_f1(0.88), 3) == 0.5
    assert verdict.kind == "under-trained"
    assert any("near the 0.500" in r for r in verdict.reasons) and any("NEGATIVE" in r for r in verdict.reasons)
    assert verdict.changes == {"epochs": 10.0}  # already at the small-data rate: twice the epochs


def test_a_model_that_learned_gets_no_advice_and_overfitting_is_named():
    learned = [{"step": 1, "train_loss": 0.6, "eval_loss": 0.40}, {"step": 2, "train_loss": 0.3, "eval_loss": 0.30},
               {"step": 3, "train_loss": 0.2, "eval_loss": 0.299}]
    sure = confidence_facts([0.02, 0.97, 0.99, 0.1], [0, 1, 1, 0])
    good = {"f1_macro": 0.9, "f1_negative": 0.85}
    verdict = judge_training(learned, good, confidence=sure, learning_rate=2e-5, epochs=3)
    assert verdict.kind == "learned" and len(verdict_lines(verdict)) == 1
    rising = learned + [{"step": 4, "train_loss": 0.05, "eval_loss": 0.45}]
    over = judge_training(rising, good, confidence=sure, learning_rate=2e-5, epochs=3)
    assert over.kind == "overfitting" and "rose to 0.450" in over.reasons[-1]
    assert not over.changes and "fewer epochs" in verdict_lines(over)[1]
    still = judge_training(FALLING, good, confidence=sure, learning_rate=2e-5, epochs=3)
    assert still.kind == "still improving" and "--epochs 6" in verdict_lines(still)[1]


def test_the_verdict_survives_the_run_card_and_speaks_notebook_terms_in_the_lesson():
    from coursekit.exercises import describe_training

    verdict = judge_training(FALLING, BALANCED_SCORES, confidence=BUNCHED, learning_rate=2e-5, epochs=3)
    again = Verdict.from_dict(verdict.to_dict())
    assert again == verdict
    result = SimpleNamespace(history=FALLING, validation_metrics=BALANCED_SCORES,
                             summary={"outcome": {"verdict": verdict.to_dict()}})
    text = describe_training(result)
    assert "Verdict: under-trained" in text and "TrainingArguments(learning_rate=0.0001, num_train_epochs=5)" in text
    assert "--" not in text  # no command-line options in a notebook
    # Without a stored verdict (a run trained elsewhere) the lesson judges history and scores itself.
    bare = SimpleNamespace(history=FALLING, validation_metrics=BALANCED_SCORES,
                           summary={"hyperparameters": {"learning_rate": 2e-5, "epochs": 3}})
    assert "Verdict: still improving" in describe_training(bare) and "num_train_epochs=6" in describe_training(bare)
    learned = SimpleNamespace(history=FALLING[:1], validation_metrics={"f1_macro": 0.91}, summary={})
    assert "TrainingArguments" not in describe_training(learned)


def test_a_last_small_step_down_is_not_still_improving():
    """The demo's run (measured): validation loss 0.0955 -> 0.0900 at the last epoch, macro-F1 0.92: learned."""
    demo = [{"step": 15 * i, "train_loss": t, "eval_loss": v}
            for i, (t, v) in enumerate([(0.46, 0.3208), (0.32, 0.1657), (0.19, 0.1093), (0.12, 0.0955), (0.07, 0.09)], 1)]
    sure = confidence_facts([0.03, 0.98, 0.99, 0.97, 0.9], [0, 1, 1, 1, 1])
    verdict = judge_training(demo, {"f1_macro": 0.9191, "f1_negative": 0.857}, confidence=sure,
                             learning_rate=1e-4, epochs=5)
    assert verdict.kind == "learned" and verdict_lines(verdict) == ["verdict: learned"]
