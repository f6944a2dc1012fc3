"""Fine-tuning: a few real optimizer steps, resume from a checkpoint, metrics, the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from transformers import TrainerCallback

from coursekit.labels import LABEL_NAMES
from coursekit.metrics import classification_metrics, load_metrics
from coursekit.profiles import get_profile
from coursekit.progress import Heartbeat
from coursekit.train import TrainConfig, build_trainer, last_checkpoint, prepare_splits, train_model
from shop_slice import OPTIONS, SLICE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_splits():
    splits = prepare_splits(SLICE, max_samples=96, seed=42, **OPTIONS)
    return splits


def quick_config(tmp_path, **kw):
    base = dict(max_steps=4, save_steps=2, max_length=48, batch_size=8, early_stopping_patience=0)
    base.update(kw)
    return TrainConfig.from_profile(get_profile("offline"), tmp_path / "run", **base)


@pytest.fixture(scope="module")
def six_steps(small_splits, tmp_path_factory):
    """One uninterrupted 6-step run (an evaluation every 2 steps) and what it printed; read by two tests."""
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = train_model(small_splits, quick_config(tmp_path_factory.mktemp("six-steps"), max_steps=6))
    return result, printed.getvalue()


def test_metric_modules_match_scikit_learn():
    rng = np.random.default_rng(0)
    refs, preds = rng.integers(0, 2, 200).tolist(), rng.integers(0, 2, 200).tolist()
    got = load_metrics().compute(predictions=preds, references=refs)
    assert got["accuracy"] == pytest.approx(accuracy_score(refs, preds))
    assert got["precision"] == pytest.approx(precision_score(refs, preds))
    assert got["recall"] == pytest.approx(recall_score(refs, preds))
    assert got["f1"] == pytest.approx(f1_score(refs, preds))
    logits = np.stack([1 - np.array(preds), np.array(preds)], axis=1).astype(float)
    assert classification_metrics()((logits, np.array(refs)))["f1"] == pytest.approx(f1_score(refs, preds))


def test_training_steps_save_a_labelled_model_and_metrics(tmp_path, small_splits):
    from transformers import AutoConfig

    config = quick_config(tmp_path)
    result = train_model(small_splits, config)
    out = result.output_dir
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    saved = AutoConfig.from_pretrained(out)
    assert [saved.id2label[i] for i in range(2)] == list(LABEL_NAMES)
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["test"]) >= {"accuracy", "precision", "recall", "f1"}
    assert [row["step"] for row in metrics["history"]] == [2, 4]
    assert all("train_loss" in row and "eval_loss" in row for row in metrics["history"])
    assert metrics["hyperparameters"]["learning_rate"] == 2e-5
    assert sorted(p.name for p in config.checkpoint_dir.iterdir()) == ["checkpoint-2", "checkpoint-4"]


def test_training_arguments_follow_the_assignment_on_todays_api(tmp_path):
    from coursekit.train.arguments import build_training_arguments

    args = build_training_arguments(TrainConfig.from_profile(get_profile("offline"), tmp_path))
    assert (args.learning_rate, args.per_device_train_batch_size, args.num_train_epochs, args.weight_decay) == (
        2e-5, 16, 3, 0.01)
    assert args.eval_strategy == "epoch" and args.save_strategy == "epoch"
    assert args.load_best_model_at_end and args.metric_for_best_model == "loss"
    assert not args.bf16 and not args.fp16  # CPU: fp32


class StopAtStep(TrainerCallback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.step:
            raise KeyboardInterrupt("simulated crash")


def test_resume_continues_from_the_last_checkpoint(tmp_path, small_splits, six_steps, capsys, monkeypatch):
    reference, _ = six_steps  # the same run, uninterrupted
    config = quick_config(tmp_path / "b", max_steps=6)
    monkeypatch.setenv("COURSEKIT_PROGRESS_S", "0.05")  # progress lines every 50 ms while it trains
    trainer, _ = build_trainer(small_splits, config, callbacks=[StopAtStep(3)])
    with pytest.raises(KeyboardInterrupt):
        trainer.train()  # as a student's Ctrl-C in a notebook: on_train_end is never called
    assert last_checkpoint(config).endswith("checkpoint-2")
    capsys.readouterr()
    time.sleep(0.5)
    # The progress lines stopped with the training (they once went on printing into later output).
    assert "training: step" not in capsys.readouterr().out
    assert not [t for t in threading.enumerate() if t.name == Heartbeat.THREAD_NAME and t.is_alive()]
    config.resume = True
    capsys.readouterr()
    resumed = train_model(small_splits, config)
    after_resume = capsys.readouterr().out.split("resuming from", 1)[1]
    assert "step 4 |" in after_resume and "step 6 |" in after_resume
    assert "step 2 |" not in after_resume  # continued after step 2: nothing before it was re-run
    assert [row["step"] for row in resumed.history] == [2, 4, 6]  # history kept from the checkpoint
    # Same data order, optimizer and scheduler state: the resumed run ends where the uninterrupted one does.
    ref_loss = reference.history[-1]["eval_loss"]
    assert resumed.history[-1]["eval_loss"] == pytest.approx(ref_loss, abs=1e-4)


def test_cli_train_reports_errors_in_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("review,label\ngood,1\n")
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", "train", "--data", str(bad), "--output",
                           str(tmp_path / "out")], capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 2
    assert "missing column 'text'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_full_tier_without_hub_names_the_offline_tier(tmp_path):
    from coursekit.errors import HubUnreachableError
    from coursekit.models import load_classifier

    with pytest.raises(HubUnreachableError, match="offline"):
        load_classifier(get_profile("full").model)


def test_demo_runs_offline_end_to_end(tmp_path):
    env = dict(os.environ, CI="true")
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", "demo", "--output", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "coursekit tier: offline" in proc.stdout and "womens_clothing_reviews.csv.gz" in proc.stdout
    assert "test split" in proc.stdout and str(out) in proc.stdout
    assert "it/s" not in proc.stdout + proc.stderr  # no progress bars under CI
    # every data row of the export accounted for, then accuracy beside macro-F1 and the unhappy customers
    assert "kept 300 of 23,486 data rows (23,486 = 300 kept + 2,823 skipped by the label map" in proc.stdout
    epochs = [line for line in proc.stdout.splitlines() if line.startswith("epoch ")]
    assert epochs and all("macro-F1" in line and "negative class: precision" in line for line in epochs)
    summary = next(line for line in proc.stdout.splitlines() if line.startswith("test split"))
    assert "accuracy" in summary and "macro-F1" in summary and "negative class (unhappy customers)" in summary
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"accuracy", "f1_macro", "precision_negative", "recall_negative", "f1_negative"} <= set(metrics["test"])
    assert all("eval_f1_negative" in row for row in metrics["history"])
    assert metrics["hyperparameters"]["learning_rate"] == 1e-4 and metrics["train_samples"] == 240  # small-data
    # It learned: on validation, better than answering POSITIVE to every review (macro-F1 0.47 on this data).
    assert metrics["validation"]["f1_macro"] > 0.55


def test_history_keeps_each_epochs_own_validation_scores(six_steps):
    # The best model is re-evaluated after training at the last step; that must not overwrite
    # the last epoch's own row of the history.
    result, out = six_steps
    printed = [line for line in out.splitlines() if line.startswith("epoch ")]
    printed_losses = [float(line.split("validation loss ")[1].split(" |")[0]) for line in printed]
    assert [round(row["eval_loss"], 4) for row in result.history] == printed_losses
