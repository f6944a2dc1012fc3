"""Find the checkpoint to resume from, skipping one that a kill left half-written.

The Trainer writes a checkpoint folder file by file: weights, optimizer, scheduler,
RNG states and, last, ``trainer_state.json``. A SIGKILL (or a node lost) in the middle
leaves a ``checkpoint-N`` folder that ``transformers.trainer_utils.get_last_checkpoint``
would still pick, and resuming from it fails. A checkpoint counts as complete when its
``trainer_state.json`` parses and names its own step.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

_CHECKPOINT = re.compile(r"checkpoint-(\d+)")
REQUIRED_FILES = ("trainer_state.json", "optimizer.pt", "scheduler.pt")


def is_complete_checkpoint(folder: Path) -> bool:
    """True when every file resuming needs is there and the state file was written to the end."""
    match = _CHECKPOINT.fullmatch(folder.name)
    if not match or not folder.is_dir() or not all((folder / name).is_file() for name in REQUIRED_FILES):
        return False
    if not any(folder.glob("*.safetensors")) and not any(folder.glob("*.bin")):
        return False
    try:
        state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return state.get("global_step") == int(match.group(1))


def newest_complete_checkpoint(folder: str | Path) -> str | None:
    """The complete ``checkpoint-N`` with the largest N under ``folder``, or ``None``."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    candidates = sorted(((int(m.group(1)), p) for p in folder.iterdir() if (m := _CHECKPOINT.fullmatch(p.name))),
                        reverse=True)
    for _, path in candidates:
        if is_complete_checkpoint(path):
            return str(path)
    return None
