"""Figures to PNG files (written atomically, see :mod:`coursekit.fileio`)."""
from __future__ import annotations

import os
from pathlib import Path

from coursekit.fileio import write_bytes_atomic


def figure_png_bytes(fig, dpi: int = 120) -> bytes:
    """Render a matplotlib Figure to PNG bytes."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def save_figure(fig, path: str | os.PathLike, dpi: int = 120) -> Path:
    """Save a Figure as PNG at ``path`` atomically."""
    return write_bytes_atomic(path, figure_png_bytes(fig, dpi=dpi))
