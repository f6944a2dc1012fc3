"""Training's ``--output``: refuse to clobber a trained model or another run's checkpoints unless
``--overwrite`` (move it aside) or ``--resume`` (continue it), and hold the folder's one-writer lock
for the whole run. Only the main process of a multi-process run checks, moves and locks."""
from __future__ import annotations

import contextlib
from pathlib import Path

from ..errors import OutputExistsError
from ..model_folder import ModelFolder
from ..outputs import check_can_write, ensure_writable, moved_aside_name, output_lock
from .distributed import is_main_process, main_print

HOLDS_A_RUN = ("--output {folder} already holds a trained model or checkpoints of another run; pass --overwrite "
               "to move it aside (nothing is deleted), --resume to continue its checkpoints, or choose another "
               "--output")


def check_output(config) -> Path:
    """Refuse early (before any work) an ``--output`` that a run would clobber or cannot write to."""
    folder = Path(config.output_dir)
    if not is_main_process():
        return folder
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"--output {folder} is a file, not a folder; choose another --output")
    if folder.is_dir() and ModelFolder(folder).holds_a_run() and not (config.resume or config.overwrite):
        raise OutputExistsError(HOLDS_A_RUN.format(folder=folder))
    check_can_write(folder)
    return folder


def training_lock(config):
    """The output folder's one-writer lock (:func:`coursekit.outputs.output_lock`) on the main process."""
    return output_lock(config.output_dir) if is_main_process() else contextlib.nullcontext()


def prepare_output(config) -> Path:
    """Make ``config.output_dir`` ready: refuse to replace a run unless ``--overwrite`` or ``--resume``.

    ``--overwrite`` moves the old folder aside (nothing is deleted); ``--resume`` keeps it
    and continues its checkpoints. Only the main process checks and moves.
    """
    folder = Path(config.output_dir)
    if not is_main_process():
        return folder
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"--output {folder} is a file, not a folder; choose another --output")
    if folder.is_dir() and ModelFolder(folder).holds_a_run() and not config.resume:
        if not config.overwrite:
            raise OutputExistsError(HOLDS_A_RUN.format(folder=folder))
        aside = moved_aside_name(folder)
        folder.rename(aside)
        main_print(f"moved the previous run in {folder} aside to {aside}")
    ensure_writable(folder)
    return folder
