"""Output folders: one writer at a time, never clobber what a person relies on (move it aside when
told), say how much disk it uses.

Every command that writes a folder (``train``, ``export``, ``evaluate``) holds that folder's
lock (:func:`output_lock`) from its first check to its last write, so a second command into
the same folder is refused at once with one line instead of silently replacing the first's
work. Training's own rules for its ``--output`` (resume, checkpoints) live in
:mod:`coursekit.train.output`.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from .errors import OutputBusyError, OutputExistsError

LOCK_SUFFIX = ".coursekit-lock"
_HELD: dict[str, list] = {}  # lock path -> [file descriptor, depth]: the locks this process holds


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
    ensure_writable(folder)
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


def ensure_writable(folder: Path) -> None:
    """Create ``folder`` (and its parents) and prove a file can be written in it, or a one-line error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".coursekit-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputExistsError(f"--output {folder}: cannot write there ({exc.strerror or exc}); "
                                "choose another --output") from exc


@contextlib.contextmanager
def output_lock(folder: str | os.PathLike, option: str = "--output"):
    """Hold the one-writer lock of ``folder`` while the block runs.

    The lock is a file beside the folder (``.NAME.coursekit-lock``: a folder moved aside by
    ``--overwrite`` must not take its lock with it), locked with ``flock`` so that a crashed or
    killed command never leaves it held, and removed when the block ends. Another process
    asking meanwhile gets :class:`~coursekit.errors.OutputBusyError` naming the holder; the same
    process may nest it (``export`` inside ``serve``).
    """
    folder = Path(folder)
    path = _lock_path(folder)
    key = str(path)
    if key in _HELD:
        _HELD[key][1] += 1
    else:
        _HELD[key] = [_acquire(path, folder, option), 1]
    try:
        yield folder
    finally:
        _HELD[key][1] -= 1
        if not _HELD[key][1]:
            _release(path, _HELD.pop(key)[0])


def _lock_path(folder: Path) -> Path:
    folder = Path(os.path.abspath(folder))
    parent = folder.parent.resolve() if folder.parent.exists() else folder.parent
    beside = parent / f".{folder.name}{LOCK_SUFFIX}"
    if not os.access(_existing(parent), os.W_OK) and folder.is_dir():
        return folder / LOCK_SUFFIX  # a read-only parent: nothing can move the folder aside anyway
    return beside


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _try_lock(fd: int) -> bool:
    """Lock ``fd`` without waiting: ``flock`` (POSIX), else the first byte with ``msvcrt`` (Windows)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _acquire(path: Path, folder: Path, option: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            try:
                holder = os.read(fd, 200).decode("utf-8", "replace").strip()
            except OSError:  # a region locked on Windows cannot be read
                holder = ""
            os.close(fd)
            raise OutputBusyError(f"{option} {folder} is being written by another coursekit command "
                                  f"({holder or 'still starting'}); wait until it ends or choose another "
                                  f"{option}") from None
        try:
            current = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            current = False
        if current:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}".encode())
            return fd
        os.close(fd)  # its holder removed it between our open and our lock: take the new one


def _release(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):  # gone already, or open elsewhere on Windows (then it stays, unlocked)
        path.unlink()  # while still locked: a process that opened it meanwhile sees it gone and retries
    os.close(fd)


def disk_usage(folder: str | Path) -> int:
    """Bytes used by the files under ``folder``."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
