"""Trainer callbacks: tidy output (one line per evaluation, a clean progress bar), runtime across resumes."""
from __future__ import annotations

import json
import time
from pathlib import Path

from transformers import ProgressCallback, TrainerCallback

RUNTIME_FILE = "coursekit_runtime.json"  # in each checkpoint: training seconds up to that checkpoint


def _write(line: str) -> None:
    """Print ``line`` without breaking a tqdm bar that may be on screen."""
    from tqdm.auto import tqdm

    tqdm.write(line)


# Each evaluation line: accuracy beside macro-F1 and the negative (unhappy) class, which accuracy hides
# on data that is mostly positive (the positive class's F1 stays in metrics.json and the history).
EPOCH_SCORES = (("accuracy", "accuracy"), ("f1_macro", "macro-F1"), ("precision_negative", "precision"),
                ("recall_negative", "recall"), ("f1_negative", "F1"))


class EvaluationPrinter(TrainerCallback):
    """One short line per evaluation, in a terminal (above the bar), a notebook or a log."""

    def __init__(self):
        self._printed_step = None

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if not state.is_world_process_zero or not metrics or "eval_loss" not in metrics:
            return
        if state.global_step == self._printed_step:  # the final re-evaluation of the best model
            return
        self._printed_step = state.global_step
        train_loss = next((e["loss"] for e in reversed(state.log_history) if "loss" in e), None)
        parts = [f"epoch {state.epoch:.2f}", f"step {state.global_step}"]
        if train_loss is not None:
            parts.append(f"train loss {train_loss:.4f}")
        parts.append(f"validation loss {metrics['eval_loss']:.4f}")
        parts += [f"{name} {metrics['eval_' + key]:.4f}" for key, name in EPOCH_SCORES[:2] if "eval_" + key in metrics]
        negative = [f"{name} {metrics['eval_' + key]:.4f}" for key, name in EPOCH_SCORES[2:] if "eval_" + key in metrics]
        if negative:
            parts.append("negative class: " + ", ".join(negative))
        _write(" | ".join(parts))


class PipedProgress(TrainerCallback):
    """Without a progress bar (a pipe, a CI log, a notebook): a line at least every ``interval_s``
    seconds (default 30, ``$COURSEKIT_PROGRESS_S``) with the step, the epoch, the time spent and
    an estimate of the time left, from a heartbeat thread, so a long step or evaluation is not silent."""

    def __init__(self, interval_s: float | None = None, write=None, clock=time.monotonic, thread: bool = True):
        from ..progress import progress_interval

        self.interval_s = progress_interval() if interval_s is None else interval_s
        self.write, self.clock, self.thread = write or _print_line, clock, thread
        self.step = self.max_steps = 0
        self.epoch, self.phase = 0.0, "training"
        self.started = self.last = None
        self._beat = None

    def on_train_begin(self, args, state, control, **kwargs):
        if not state.is_world_process_zero:
            return
        self.started = self.last = self.clock()
        self.step, self.max_steps = state.global_step, state.max_steps
        if self._beat is not None:  # a training that ended without on_train_end
            self._beat.stop()
        if self.thread:
            from ..progress import Heartbeat

            self._beat = Heartbeat(self.tick, self.interval_s).start()

    def on_step_end(self, args, state, control, **kwargs):
        self.step, self.epoch, self.phase = state.global_step, state.epoch or 0.0, "training"
        self.tick()

    def on_prediction_step(self, args, state, control, **kwargs):
        self.phase = "evaluating on the validation split"

    def on_evaluate(self, args, state, control, **kwargs):
        self.phase, self.last = "training", self.clock()  # EvaluationPrinter has just printed a line

    def on_train_end(self, args, state, control, **kwargs):
        self.stop()

    def stop(self) -> None:
        if self._beat is not None:
            self._beat.stop()
            self._beat = None
        self.started = None

    def tick(self) -> None:
        """Print the progress line when ``interval_s`` has passed since the last line."""
        from ..progress import minutes

        now = self.clock()
        if self.started is None or now - self.last < self.interval_s:
            return
        self.last, spent = now, now - self.started
        left = (f", about {minutes(spent / self.step * (self.max_steps - self.step))} left"
                if self.step and self.max_steps > self.step else "")
        self.write(f"{self.phase}: step {self.step}/{self.max_steps} (epoch {self.epoch:.2f}), "
                   f"{minutes(spent)} elapsed{left}")


def _print_line(line: str) -> None:
    print(line, flush=True)


class TidyProgressCallback(ProgressCallback):
    """transformers' progress bars without the raw ``{'loss': ...}`` dictionaries printed under them."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        return  # EvaluationPrinter prints one readable line per evaluation instead


class RuntimeTracker(TrainerCallback):
    """Training seconds that add up across preemptions: saved in every checkpoint, read back on resume."""

    def __init__(self, resumed_from: str | None = None):
        self.before = 0.0
        if resumed_from:
            try:
                self.before = float(json.loads((Path(resumed_from) / RUNTIME_FILE).read_text())["train_runtime_s"])
            except (OSError, ValueError, KeyError):
                self.before = 0.0
        self._started = time.perf_counter()

    @property
    def total(self) -> float:
        return self.before + time.perf_counter() - self._started

    def on_save(self, args, state, control, **kwargs):
        if not state.is_world_process_zero:
            return
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if folder.is_dir():
            from ..fileio import write_json_atomic

            write_json_atomic(folder / RUNTIME_FILE, {"train_runtime_s": round(self.total, 3)})
