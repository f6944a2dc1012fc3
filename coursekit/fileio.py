"""Atomic file writes, used wherever coursekit saves something a person relies on.

A temporary file in the target folder is written, flushed to disk, given the usual
permissions (``mkstemp`` makes 0600) and ``os.replace``-d over the target: readers see
the old content or the new, never half of either, and a failure leaves the old file.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def default_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` (``\\n`` line endings) to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, data: Any, *, allow_nan: bool = False) -> Path:
    """Write ``data`` as indented JSON; it is serialised first, so a value that cannot be
    serialised (or a NaN, which is not JSON) never touches the disk."""
    return write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=allow_nan) + "\n")
