"""Atomic file writes: a temporary file in the target folder, then ``os.replace``.

A crash or a bad input half-way never leaves a truncated report behind, and never
replaces a good file that was already there.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _default_mode())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, payload) -> Path:
    """Write ``payload`` as indented JSON (NaN is refused: it is not JSON)."""
    return atomic_write_text(path, json.dumps(payload, indent=2, allow_nan=False) + "\n")


def figure_png_bytes(fig, dpi: int = 120) -> bytes:
    """Render a matplotlib Figure to PNG bytes."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def save_figure(fig, path: str | os.PathLike, dpi: int = 120) -> Path:
    """Save a Figure as PNG at ``path`` atomically."""
    return atomic_write_bytes(path, figure_png_bytes(fig, dpi=dpi))
