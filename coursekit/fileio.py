"""Atomic file writes, used wherever coursekit saves something a person relies on.

A temporary file in the target folder is written, flushed to disk, given the usual
permissions (``mkstemp`` makes 0600) and ``os.replace``-d over the target: readers see
the old content or the new, never half of either, and a failure leaves the old file.

A writer killed between the two steps (SIGKILL, power loss) leaves its temporary file,
``.NAME.XXXXXXXX.tmp`` beside ``NAME``. The next successful write of ``NAME`` removes such
leftovers once they are older than :data:`STALE_TMP_SECONDS` (one hour). Age, not the
writer's process id, decides: the folder may be shared by machines (a network drive, an
Azure ML mount) where a process id means nothing, while a live writer keeps touching its
file and finishes in seconds. Only names of exactly that shape are touched (the eight
characters ``mkstemp`` draws), so another file's temporary file is never removed.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

STALE_TMP_SECONDS = 3600


def default_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _tmp_prefix(path: Path) -> str:
    return f".{path.name}."


def stale_tmp_files(path: str | os.PathLike, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Leftover temporary files of earlier writes of ``path`` last modified more than ``older_than`` s ago."""
    path = Path(path)
    pattern = re.compile(re.escape(_tmp_prefix(path)) + r"[a-z0-9_]{8}\.tmp")
    cutoff = time.time() - older_than
    found = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    for entry in entries:
        try:
            if (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                found.append(Path(entry.path))
        except OSError:
            continue
    return found


def remove_stale_tmp_files(path: str | os.PathLike, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove :func:`stale_tmp_files` of ``path`` (best effort: a file that cannot be removed stays)."""
    removed = []
    for tmp in stale_tmp_files(path, older_than):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    remove_stale_tmp_files(path)
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` (``\\n`` line endings) to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, data: Any, *, allow_nan: bool = False) -> Path:
    """Write ``data`` as indented JSON; it is serialised first, so a value that cannot be
    serialised (or a NaN, which is not JSON) never touches the disk."""
    return write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=allow_nan) + "\n")


def read_small_text(path: str | os.PathLike, *, limit: int, what: str, error: type[Exception],
                    prefix: str | None = None) -> str:
    """The UTF-8 text of a small input file (a BOM is dropped), at most ``limit`` bytes.

    Every failure is one line of ``error`` that starts with ``prefix`` (default: the path)
    and names ``what`` the file was meant to be: missing or unreadable, too large, not UTF-8.
    """
    path = Path(path)
    prefix = str(path) if prefix is None else prefix
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(f"{prefix}: {size:,} bytes is too large for {what} (limit {limit:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{prefix}: cannot read it ({exc.strerror or exc.__class__.__name__})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{prefix}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "save the file as UTF-8") from exc
