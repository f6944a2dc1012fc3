"""Exercise stubs and ✅ checks: a stub never stops a lesson, a check says what passed or what is wrong."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coursekit.exercises import (
    CheckFailed,
    NotAttempted,
    check,
    check_least_central,
    check_precision_recall,
    check_stars_map,
    is_attempted,
    not_attempted,
    progress,
    progress_report,
    reset_progress,
)
from coursekit.exercises.stubs import names_to_define, stub_source
from coursekit.fundamentals.summarize import Summary


@pytest.fixture(autouse=True)
def _fresh_progress():
    reset_progress()
    yield
    reset_progress()


def test_stub_names_what_to_define_and_runs_without_error(capsys):
    solution = ("# Exercise: count, then divide.\n# Define: my_precision, my_recall — the check below tests them.\n"
                "tp = 3\nmy_precision = tp / 4\nmy_recall = tp / 5\n")
    stub = stub_source(solution)
    assert "tp / 4" not in stub and "tp = 3" not in stub
    assert stub.startswith("# Exercise: count, then divide.\n# Define: my_precision, my_recall — the ✅ Check")
    namespace = {}
    exec(compile(stub, "stub", "exec"), namespace)  # no NotImplementedError: Run All goes on
    assert isinstance(namespace["my_precision"], NotAttempted) and not is_attempted(namespace["my_recall"])
    assert "not attempted yet: define my_precision, my_recall here" in capsys.readouterr().out
    assert progress() == {"my_precision, my_recall": "not attempted"}


def test_stub_without_a_define_line_uses_the_top_level_assignments():
    assert names_to_define("# Exercise\nimport numpy as np\nx, (y, z) = 1, (2, 3)\nw: int = 4\nprint(x)\n") == \
        ["x", "y", "z", "w"]
    stub = stub_source("# Exercise: just print something.\nprint('hi')\n")
    assert stub.splitlines()[-1] == "not_attempted()"
    exec(compile(stub, "stub", "exec"), {})


def test_check_prints_passed_or_raises_with_every_problem(capsys):
    with check("the split") as c:
        c.that(True, "never shown")
        c.close(0.5, 0.5, "share")
    assert capsys.readouterr().out.strip() == "✔ passed: the split"
    with pytest.raises(CheckFailed) as failure:
        with check("the split") as c:
            c.that(False, "train holds 75%, not 80%")
            c.close(0.4, 0.5, "share", tolerance=0.01)
    assert str(failure.value) == "the split: train holds 75%, not 80%; share is 0.4, expected 0.5"
    assert failure.value._render_traceback_() == ["\x1b[31m✘ failed: " + str(failure.value) + "\x1b[0m"]
    assert isinstance(failure.value, AssertionError)  # nbval and pytest see a failed check
    assert progress() == {"the split": "failed"}


def test_progress_report_lists_what_is_open(capsys):
    not_attempted("least_central")
    with check("plots") as c:
        c.that(True, "")
    report = progress_report()
    assert report.splitlines()[0] == "1 passed, 1 not attempted, 0 failed"
    assert "⏭ not attempted: least_central" in report


def _summary():
    sentences = ["The rent is due monthly.", "The hallway was repainted.", "Notice is sixty days."]
    return Summary(sentences=[sentences[0], sentences[2]], scores=[0.9, 0.1, 0.7], all_sentences=sentences)


def test_least_central_not_attempted_wrong_and_right(capsys):
    summary = _summary()
    check_least_central(not_attempted("least_central"), summary)
    assert "⏭ not attempted: least_central is the least central sentence — define least_central" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="its score is 0.900, but the lowest score is 0.100"):
        check_least_central("The rent is due monthly.", summary)
    with pytest.raises(CheckFailed, match="must be one of summary.all_sentences"):
        check_least_central("Something else", summary)
    check_least_central("The hallway was repainted.", summary)
    assert "✔ passed" in capsys.readouterr().out
    assert progress() == {"least_central": "passed"}  # the stub, the wrong tries and the pass: one exercise
    assert progress_report() == "1 passed, 0 not attempted, 0 failed"


def test_stars_map_names_the_problem(capsys):
    shop = Path(__file__).parent / "data" / "shop_reviews_first600.csv"  # real rows, stars 1-5
    with pytest.raises(CheckFailed, match=r"could not use it: .*label '3'.*3=skip to drop such rows"):
        check_stars_map({1: 0, 2: 0, 4: 1, 5: 1}, shop)  # the 3-star reviews unmapped
    with pytest.raises(CheckFailed, match="3-star reviews are neither happy nor unhappy"):
        check_stars_map({1: 0, 2: 0, 3: 1, 4: 1, 5: 1}, shop)
    with pytest.raises(CheckFailed, match="1-2 stars are negative"):
        check_stars_map({1: 0, 2: 1, 3: "skip", 4: 1, 5: 1}, shop)
    check_stars_map({1: 0, 2: 0, 3: "skip", 4: 1, 5: 1}, shop)
    assert capsys.readouterr().out.strip().endswith("✔ passed: stars_map turns the shop's star ratings into labels")


def test_precision_recall_names_the_formula(capsys):
    from coursekit.evaluation.predict import Predictions

    y_true = np.array([1, 1, 1, 0, 0, 0])
    y_prob = np.array([0.9, 0.8, 0.2, 0.7, 0.1, 0.3])
    predictions = Predictions.from_probabilities(["t"] * 6, y_prob, y_true, {})
    with pytest.raises(CheckFailed, match=r"my_recall is 0.5000, expected 0.6667 = \(predicted and true POSITIVE\)"):
        check_precision_recall(2 / 3, 0.5, predictions)
    with pytest.raises(CheckFailed, match="my_precision must be a number"):
        check_precision_recall("high", 2 / 3, predictions)
    check_precision_recall(2 / 3, 2 / 3, predictions)
    # the unhappy customers: predicted NEGATIVE rows 2, 4, 5 of which 4 and 5 are NEGATIVE; row 3 missed
    with pytest.raises(CheckFailed, match=r"my_precision is 0.5000, expected 0.6667 = \(predicted and true NEGATIVE\) / \(predicted NEGATIVE\)"):
        check_precision_recall(0.5, 2 / 3, predictions, target=0)
    check_precision_recall(2 / 3, 2 / 3, predictions, target=0)
    assert "✔ passed: your precision and recall of the NEGATIVE class" in capsys.readouterr().out


def test_small_data_fix_needs_a_clear_improvement(capsys):
    from types import SimpleNamespace

    from coursekit.exercises import check_small_data_fix

    def run(f1_macro, accuracy=0.88):  # "always positive" on the shop's data: accuracy 0.88, macro-F1 0.47
        return SimpleNamespace(validation_metrics={"accuracy": accuracy, "f1_macro": f1_macro})

    check_small_data_fix(run(0.47), not_attempted("fixed_run"))
    assert "⏭ not attempted" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="validation macro-F1 is 0.490, below 0.7"):
        check_small_data_fix(run(0.47), run(0.49, accuracy=0.89))  # accuracy alone would look fine
    check_small_data_fix(run(0.47), run(0.81))
    assert "macro-F1 0.470 → 0.810" in capsys.readouterr().out


@pytest.mark.slow
def test_training_setup_check_explains_each_mismatch(tmp_path, capsys):
    from datasets import Dataset, DatasetDict
    from transformers import Trainer, TrainingArguments

    from coursekit.data import tokenize_splits
    from coursekit.exercises import check_training_setup
    from coursekit.exercises.training import trainer_problems, training_arguments_problems
    from training_solution import reference_trainer
    from coursekit.models import load_tokenizer
    from coursekit.profiles import get_profile

    model_name = get_profile("offline").model
    tokenizer = load_tokenizer(model_name)
    rows = {name: Dataset.from_dict({"text": [f"{name} review {i}" for i in range(n)], "label": [i % 2 for i in range(n)]})
            for name, n in (("train", 8), ("validation", 4), ("test", 6))}
    tokenized = tokenize_splits(DatasetDict(rows), tokenizer, max_length=16)
    results = tmp_path / "results"
    reference = reference_trainer(tokenized, results / "model", model_name=model_name, epochs=3)
    check_training_setup(reference.args, reference, tokenized, results_dir=results, epochs=3)
    assert "✔ passed: your TrainingArguments and Trainer" in capsys.readouterr().out

    # The assignment's code, taken literally: checkpoints in ./results, evaluated on the test split, no tokenizer.
    literal = TrainingArguments(output_dir=str(tmp_path / "elsewhere"), eval_strategy="epoch", learning_rate=5e-5,
                                per_device_train_batch_size=16, num_train_epochs=3, weight_decay=0.01, report_to="none")
    old = Trainer(model=reference.model, args=literal, train_dataset=tokenized["train"], eval_dataset=tokenized["test"])
    argument_problems = training_arguments_problems(literal, results_dir=results, epochs=3)
    assert len(argument_problems) == 2
    assert argument_problems[0].startswith("learning_rate=5e-05, expected 2e-05")
    assert "outside this lesson's results folder" in argument_problems[1]
    problems = trainer_problems(old, reference.args, tokenized)
    assert problems[0] == "args is not your training_args: pass args=training_args"
    assert any(p.startswith("eval_dataset is the test split") for p in problems)
    assert any(p.startswith("processing_class is missing") for p in problems)
    assert any(p.startswith("data_collator is default_data_collator") for p in problems)
    assert any(p.startswith("compute_metrics is missing") for p in problems)
    with pytest.raises(CheckFailed, match="learning_rate=5e-05, expected 2e-05"):
        check_training_setup(literal, old, tokenized, results_dir=results, epochs=3)
    assert training_arguments_problems("not arguments", results_dir=results) == \
        ["training_args is a str, not transformers.TrainingArguments(...)"]


def test_the_training_check_notes_everything_worth_adding(tmp_path):
    from types import SimpleNamespace

    from transformers import EarlyStoppingCallback, TrainingArguments

    from coursekit.exercises.training import worth_adding

    bare = TrainingArguments(output_dir=str(tmp_path), eval_strategy="epoch", report_to="none")
    notes = worth_adding(bare, SimpleNamespace(callback_handler=SimpleNamespace(callbacks=[])))
    assert [n.split(" ")[0] for n in notes] == ["save_strategy", "load_best_model_at_end", "logging_strategy", "no"]
    full = TrainingArguments(output_dir=str(tmp_path), eval_strategy="epoch", save_strategy="epoch",
                             logging_strategy="epoch", load_best_model_at_end=True, metric_for_best_model="loss",
                             report_to="none")
    stopping = SimpleNamespace(callback_handler=SimpleNamespace(callbacks=[EarlyStoppingCallback(2)]))
    assert worth_adding(full, stopping) == []


def test_discard_checkpoints_keeps_the_model_and_skips_unattempted_runs(tmp_path, capsys):
    from types import SimpleNamespace

    from coursekit.exercises import discard_checkpoints, not_attempted

    run = SimpleNamespace(output_dir=tmp_path / "small-data")
    (run.output_dir / "checkpoints" / "checkpoint-8").mkdir(parents=True)
    (run.output_dir / "checkpoints" / "checkpoint-8" / "optimizer.pt").write_bytes(b"0" * 2_000_000)
    (run.output_dir / "model.safetensors").write_bytes(b"weights")
    placeholder = not_attempted("fixed_run")
    assert discard_checkpoints(run, placeholder) == [run.output_dir / "checkpoints"]
    assert not (run.output_dir / "checkpoints").exists() and (run.output_dir / "model.safetensors").is_file()
    assert "(2 MB of checkpoints: weights and optimizer state); the model stays in" in capsys.readouterr().out
    assert discard_checkpoints(run) == []  # nothing left to remove


@pytest.mark.slow
def test_an_unwritten_trainer_trains_with_coursekits_defaults_not_a_written_answer(tmp_path, capsys):
    import json

    from shop_slice import OPTIONS, SLICE

    from coursekit.exercises import train_student_trainer
    from coursekit.profiles import get_profile
    from coursekit.train.pipeline import prepare_data

    prepared = prepare_data(SLICE, 42, max_samples=60, **OPTIONS)
    placeholder = not_attempted("training_args", "trainer")[1]
    model_dir = tmp_path / "model"
    train_student_trainer(placeholder, None, prepared, model_dir, profile=get_profile("offline"), epochs=1)
    assert "your Trainer is not written yet: training with coursekit's defaults" in capsys.readouterr().out
    card = json.loads((model_dir / "metrics.json").read_text())
    assert card["extras"]["trainer"] == "built by coursekit from its defaults (the exercise was not attempted)"
    assert card["hyperparameters"]["learning_rate"] == 2e-5 and card["hyperparameters"]["epochs"] == 1
    assert (model_dir / "coursekit.json").is_file() and (model_dir / "monitoring-reference.json").is_file()
