"""Survive preemption: on SIGTERM, save a checkpoint at the end of the current step and stop.

Azure ML (low-priority nodes), Kubernetes and torchrun send SIGTERM some seconds before
they kill a process. We finish the optimizer step in flight, write a full checkpoint
(model, optimizer, scheduler, RNG states, step counter: what ``--resume`` needs to go
on with the same data order) and exit with :data:`PREEMPTED_EXIT_CODE`.
"""
from __future__ import annotations

import signal

from transformers import TrainerCallback

from ..errors import PREEMPTED_EXIT_CODE, Preempted  # noqa: F401 - re-exported for callers

# Under torchrun the processes agree every this many steps on whether any of them
# got SIGTERM (one tiny all-reduce), so that all of them save and stop together.
SYNC_EVERY_STEPS = 5


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
        if self._any_process_received(args, state.global_step):
            self.received = True
            control.should_save = True
            control.should_training_stop = True
        return control

    def on_epoch_end(self, args, state, control, **kwargs):
        """Stopping mid-epoch still ends the epoch loop: no evaluation or log at the stop step.

        Without this the epoch strategy evaluates at the stop step, and that extra
        evaluation takes part in model selection: the resumed run would not be the
        uninterrupted one.
        """
        if self.received:
            control.should_evaluate = False
            control.should_log = False
        return control

    def _any_process_received(self, args, step: int) -> bool:
        """Single process: the flag. Several: every process gets the same answer at the same step."""
        import torch
        import torch.distributed as dist

        if not (args.world_size > 1 and dist.is_available() and dist.is_initialized()):
            return self.received
        if step % SYNC_EVERY_STEPS:
            return False  # only on agreed steps, or the processes would diverge
        flag = torch.tensor([int(self.received)], device=args.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())
