"""Output folders: never clobber what a person relies on; move it aside when told, say how much disk it uses."""
from __future__ import annotations

import time
from pathlib import Path

from .errors import OutputExistsError
from .train.distributed import is_main_process, main_print

# Files that mean "a model (or a run's checkpoints) lives here".
MODEL_MARKERS = ("config.json", "model.safetensors", "pytorch_model.bin", "metrics.json", "coursekit.json",
                 "training_args.bin")


def holds_a_run(folder: Path) -> bool:
    """True when ``folder`` holds a trained model or checkpoints of a run."""
    if any((folder / name).exists() for name in MODEL_MARKERS):
        return True
    checkpoints = folder / "checkpoints"
    return checkpoints.is_dir() and any(checkpoints.glob("checkpoint-*"))


def moved_aside_name(folder: Path) -> Path:
    """``FOLDER.old-YYYYmmdd-HHMMSS`` (with a counter if that exists too)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = folder.with_name(f"{folder.name}.old-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder.with_name(f"{folder.name}.old-{stamp}-{n}")
    return candidate


def claim_output(folder: str | Path, *, overwrite: bool, markers: tuple[str, ...], what: str) -> Path:
    """Make ``folder`` ready for new ``what``: refuse when it holds earlier results unless ``overwrite``.

    ``overwrite`` moves the old folder aside to ``FOLDER.old-TIME`` (nothing is deleted).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"--output {folder} is a file, not a folder; choose another --output")
    if folder.is_dir() and any((folder / m).exists() for m in markers):
        if not overwrite:
            raise OutputExistsError(f"--output {folder} already holds {what}; pass --overwrite to move it aside "
                                    "(nothing is deleted) or choose another --output")
        aside = moved_aside_name(folder)
        folder.rename(aside)
        print(f"moved the previous {what} in {folder} aside to {aside}", flush=True)
    _check_writable(folder)
    return folder


def check_claimable(folder: str | Path, *, overwrite: bool, markers: tuple[str, ...], what: str) -> Path:
    """The checks of :func:`claim_output` that change nothing, to run before any slow work:
    ``folder`` is not a file, holds no earlier ``what`` (unless ``overwrite``), and can be written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"--output {folder} is a file, not a folder; choose another --output")
    if folder.is_dir() and any((folder / m).exists() for m in markers) and not overwrite:
        raise OutputExistsError(f"--output {folder} already holds {what}; pass --overwrite to move it aside "
                                "(nothing is deleted) or choose another --output")
    check_can_write(folder)
    return folder


def check_can_write(folder: str | Path, option: str = "--output", *, in_parent: bool = False) -> None:
    """Refuse ``folder`` when it, or the nearest existing folder above it, cannot be written to
    (``in_parent``: start at the folder above, for outputs that are replaced as a whole)."""
    import os

    folder = Path(folder)
    parent = folder.parent if in_parent else folder
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputExistsError(f"{option} {folder}: {parent} is a file, not a folder; choose another {option}")
    if not os.access(parent, os.W_OK | os.X_OK):
        where = "it is read-only" if parent == folder else f"cannot create it under {parent} (read-only)"
        raise OutputExistsError(f"{option} {folder}: {where}; choose another {option} or fix its permissions")


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".coursekit-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputExistsError(f"--output {folder}: cannot write there ({exc.strerror or exc}); "
                                "choose another --output") from exc


def check_output(config) -> Path:
    """Refuse early (before any work) an ``--output`` that a run would clobber or cannot write to."""
    folder = Path(config.output_dir)
    if not is_main_process():
        return folder
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"--output {folder} is a file, not a folder; choose another --output")
    if folder.is_dir() and holds_a_run(folder) and not (config.resume or config.overwrite):
        raise OutputExistsError(
            f"--output {folder} already holds a trained model or checkpoints of another run; pass --overwrite "
            "to move it aside (nothing is deleted), --resume to continue its checkpoints, or choose another "
            "--output")
    check_can_write(folder)
    return folder


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
    if folder.is_dir() and holds_a_run(folder) and not config.resume:
        if not config.overwrite:
            raise OutputExistsError(
                f"--output {folder} already holds a trained model or checkpoints of another run; pass --overwrite "
                "to move it aside (nothing is deleted), --resume to continue its checkpoints, or choose another "
                "--output")
        aside = moved_aside_name(folder)
        folder.rename(aside)
        main_print(f"moved the previous run in {folder} aside to {aside}")
    _check_writable(folder)
    return folder


def disk_usage(folder: str | Path) -> int:
    """Bytes used by the files under ``folder``."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
