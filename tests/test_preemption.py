"""Preemption: ``coursekit train`` is stopped by SIGTERM, then killed by SIGKILL, and ``--resume`` finishes it.

A low-priority Azure node (or Kubernetes, or torchrun) sends SIGTERM, waits a little,
then kills. The first run gets SIGTERM mid-epoch: it must write a checkpoint at the step
it stopped and exit with the documented status 75. The second run resumes and is killed
with no warning (SIGKILL): only the periodic checkpoints survive. The third run resumes
from the last of them and must end where an uninterrupted run with the same seed ends.
"""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from transformers import TrainerCallback

from coursekit.profiles import get_profile
from coursekit.train import TrainConfig, prepare_splits, train_model
from coursekit.train.checkpoints import is_complete_checkpoint, newest_complete_checkpoint
from coursekit.train.preemption import PREEMPTED_EXIT_CODE
from reference_run import BATCH, CLI_ARGS, SAVE_STEPS, STEPS_PER_EPOCH
from shop_slice import OPTIONS, SLICE

pytestmark = pytest.mark.slow

# The reference run's settings (tests/reference_run.py): 160 training reviews, batch 16: 10 steps per
# epoch, 2 epochs; a checkpoint every 3 steps.
ARGS = [*CLI_ARGS, "--batch-size", str(BATCH), "--save-steps", str(SAVE_STEPS)]
STEP_LINE = re.compile(r"\| step (\d+) \|")


class Training:
    """``coursekit train`` in a subprocess whose output is read line by line as it comes."""

    def __init__(self, output, *extra):
        env = dict(os.environ, CI="true", OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coursekit.cli", "train", "--output", str(output), *ARGS, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for_step(self, at_least: int, timeout=240) -> int:
        """Block until an evaluation line for a step >= ``at_least`` is printed; return that step."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
            found = STEP_LINE.search(line)
            if found and int(found.group(1)) >= at_least:
                return int(found.group(1))
        raise AssertionError(f"no step >= {at_least} was printed:\n{''.join(self.lines)[-3000:]}")

    def finish(self, timeout=240) -> str:
        self.proc.wait(timeout=timeout)
        while (line := self._queue.get(timeout=10)) is not None:
            self.lines.append(line)
        return "".join(self.lines)


def checkpoint_steps(output):
    return sorted(int(p.name.split("-")[1]) for p in (output / "checkpoints").glob("checkpoint-*"))


def test_sigterm_then_sigkill_then_resume_ends_like_an_uninterrupted_run(tmp_path, reference_run):
    out = tmp_path / "model"

    # 1. SIGTERM mid-epoch 1, right after the step-3 evaluation: save where it stopped, exit 75.
    first = Training(out)
    first.wait_for_step(SAVE_STEPS)
    first.proc.send_signal(signal.SIGTERM)
    log = first.finish()
    assert first.proc.returncode == PREEMPTED_EXIT_CODE, log[-3000:]
    assert "stopped on SIGTERM; checkpoint saved" in log and "rerun with --resume" in log
    assert "Traceback" not in log
    stopped_at = max(checkpoint_steps(out))
    assert SAVE_STEPS < stopped_at < STEPS_PER_EPOCH  # a checkpoint at the step it stopped, mid-epoch
    state = json.loads((out / "checkpoints" / f"checkpoint-{stopped_at}" / "trainer_state.json").read_text())
    assert state["global_step"] == stopped_at
    for name in ("optimizer.pt", "scheduler.pt", "rng_state.pth", "model.safetensors"):
        assert (out / "checkpoints" / f"checkpoint-{stopped_at}" / name).is_file(), name
    assert not (out / "metrics.json").exists()  # no half-finished results

    # 2. Resume, then SIGKILL (no warning) mid-epoch 2, after at least one new periodic checkpoint.
    second = Training(out, "--resume")
    killed_after = second.wait_for_step(STEPS_PER_EPOCH + 2)
    second.proc.send_signal(signal.SIGKILL)
    log = second.finish()
    assert second.proc.returncode == -signal.SIGKILL
    assert f"resuming from {out / 'checkpoints' / f'checkpoint-{stopped_at}'}" in log
    assert f"| step {stopped_at} |" not in log.split("resuming from", 1)[1]  # nothing redone
    # The kill may land while a checkpoint is being written: resuming uses the newest complete one.
    last_saved = int(Path(newest_complete_checkpoint(out / "checkpoints")).name.split("-")[1])
    assert last_saved >= killed_after - SAVE_STEPS  # lost at most the steps since the last checkpoint

    # 3. Resume again: it finishes.
    third = Training(out, "--resume")
    log = third.finish()
    assert third.proc.returncode == 0, log[-3000:]
    assert f"resuming from {out / 'checkpoints' / f'checkpoint-{last_saved}'}" in log
    resumed = json.loads((out / "metrics.json").read_text())

    # The same run without interruption, same seed and settings (trained in this process, once per test run).
    reference = reference_run

    # Same optimizer, scheduler and data order after each restart: the same evaluations at the same steps.
    assert [row["step"] for row in resumed["history"]] == [row["step"] for row in reference["history"]]
    for got, want in zip(resumed["history"], reference["history"]):
        assert got["eval_loss"] == pytest.approx(want["eval_loss"], abs=1e-5), (got, want)
    assert resumed["test"] == pytest.approx(reference["test"], abs=1e-5)
    assert resumed["test"]["accuracy"] >= 0.75


def write_checkpoint(folder: Path, step: int, state_text: str | None = None):
    folder.mkdir(parents=True)
    for name in ("model.safetensors", "optimizer.pt", "scheduler.pt"):
        (folder / name).write_bytes(b"x")
    (folder / "trainer_state.json").write_text(state_text or json.dumps({"global_step": step}))


def test_a_half_written_checkpoint_is_skipped(tmp_path):
    write_checkpoint(tmp_path / "checkpoint-9", 9)
    write_checkpoint(tmp_path / "checkpoint-12", 12, state_text='{"global_step": 1')  # killed while writing
    partial = tmp_path / "checkpoint-15"
    partial.mkdir()
    (partial / "model.safetensors").write_bytes(b"x")  # killed before the optimizer was saved
    assert not is_complete_checkpoint(tmp_path / "checkpoint-12") and not is_complete_checkpoint(partial)
    assert newest_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-9")
    write_checkpoint(tmp_path / "checkpoint-18", 18)
    assert newest_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-18")
    assert newest_complete_checkpoint(tmp_path / "missing") is None


class SigtermAt(TrainerCallback):
    """Send this process SIGTERM at the end of one step (what a preempting scheduler does)."""

    def __init__(self, step: int):
        self.step = step

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.step:
            os.kill(os.getpid(), signal.SIGTERM)


def test_resume_after_sigterm_mid_epoch_equals_the_uninterrupted_run(tmp_path):
    """Epoch strategy (the default): the stop step gets no extra evaluation, so model selection,
    history and test scores equal the uninterrupted run's; runtime adds up across the restart."""
    from coursekit.errors import Preempted
    from coursekit.train import build_trainer
    from coursekit.train.callbacks import RUNTIME_FILE

    splits = prepare_splits(SLICE, max_samples=80, seed=42, **OPTIONS)  # 64 train rows: 4 steps an epoch
    settings = dict(max_length=32, epochs=3, learning_rate=1e-4, batch_size=16, early_stopping_patience=0)
    profile = get_profile("offline")
    reference = train_model(splits, TrainConfig.from_profile(profile, tmp_path / "reference", **settings)).summary

    config = TrainConfig.from_profile(profile, tmp_path / "preempted", **settings)
    trainer, encoded = build_trainer(splits, config, callbacks=[SigtermAt(6)])
    with pytest.raises(Preempted):
        train_model(encoded, config, trainer=trainer)
    assert checkpoint_steps(tmp_path / "preempted") == [4, 6]  # epoch 1, then the stop step mid-epoch 2
    first_part = json.loads((tmp_path / "preempted" / "checkpoints" / "checkpoint-6" / RUNTIME_FILE).read_text())
    config.resume = True
    resumed = train_model(splits, config).summary

    assert [row["step"] for row in resumed["history"]] == [row["step"] for row in reference["history"]] == [4, 8, 12]
    for got, want in zip(resumed["history"], reference["history"]):
        assert got["eval_loss"] == pytest.approx(want["eval_loss"], abs=1e-5), (got, want)
        assert got["eval_f1"] == pytest.approx(want["eval_f1"], abs=1e-9)
    assert Path(resumed["best_checkpoint"]).name == Path(reference["best_checkpoint"]).name
    assert resumed["test"] == pytest.approx(reference["test"], abs=1e-5)
    assert resumed["train_runtime_s"] > first_part["train_runtime_s"] > 0
