"""Who am I in a multi-process run? Read from the launcher's environment.

``torchrun`` and Azure ML's PyTorch distribution both set ``RANK``, ``LOCAL_RANK``
and ``WORLD_SIZE`` for every process before Python starts, so these answers are
right even before the process group exists (while parsing arguments, loading data).
Only the main process (rank 0) prints, writes checkpoints, the model and metrics.
"""
from __future__ import annotations

import os


def world_size() -> int:
    """Number of training processes across all nodes (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    """This process's global rank (0 without a launcher)."""
    return int(os.environ.get("RANK", "0"))


def is_main_process() -> bool:
    """True in the one process that prints and writes files."""
    return rank() == 0


def main_print(*args, **kwargs) -> None:
    """``print`` on the main process only (flushed: several processes share a terminal)."""
    if is_main_process():
        kwargs.setdefault("flush", True)
        print(*args, **kwargs)
