"""Small settings files (YAML or JSON) read safely: size-limited, UTF-8, no YAML aliases, bounded nesting.

A neutral home for the limits that the command line's ``--config`` files
(:mod:`coursekit.options`) and the data stage's ``--label-map`` files
(:mod:`coursekit.data.labelmap`) share, so the data stage never imports the command line.
The reading itself is :func:`coursekit.fileio.read_data_file`, the one YAML/JSON reader
(quiz files use it too).
"""
from __future__ import annotations

from pathlib import Path

from .errors import ConfigError
from .fileio import read_data_file

# A --config file is a short list of settings: read it within limits, so a crafted file
# cannot hang or exhaust memory.
MAX_CONFIG_BYTES = 100_000
MAX_CONFIG_DEPTH = 20


def load_settings_file(path: str | Path, option: str = "--config", error: type[Exception] = ConfigError):
    """The parsed content of a small YAML or JSON file, read safely.

    At most :data:`MAX_CONFIG_BYTES`, UTF-8, no YAML aliases, nesting at most
    :data:`MAX_CONFIG_DEPTH` deep; any failure is one line of ``error`` that starts with ``option PATH``.
    """
    return read_data_file(path, limit=MAX_CONFIG_BYTES, what="a settings file", error=error,
                          prefix=f"{option} {path}", max_depth=MAX_CONFIG_DEPTH)
