"""Survive preemption: on SIGTERM, save a checkpoint at the end of the current step and stop."""
from __future__ import annotations

import signal

from transformers import TrainerCallback


class Preempted(Exception):
    """Training stopped on SIGTERM after writing a checkpoint; rerun with --resume."""

    user_facing = True


class CheckpointOnSigterm(TrainerCallback):
    """Turn SIGTERM (what Azure ML and Kubernetes send before a kill) into save-and-stop."""

    def __init__(self):
        self.received = False
        self._previous = None

    def install(self):
        try:
            self._previous = signal.signal(signal.SIGTERM, self._handle)
        except ValueError:  # not in the main thread (e.g. inside some notebook runners)
            self._previous = None
        return self

    def uninstall(self):
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None

    def _handle(self, signum, frame):
        self.received = True

    def on_step_end(self, args, state, control, **kwargs):
        if self.received:
            control.should_save = True
            control.should_training_stop = True
        return control
