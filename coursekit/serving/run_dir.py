"""The local server's private temporary folder: made by the launcher, owned by the server.

It holds the Azure-like model mount (``<model>/1`` -> the export) and, unless ``--log``
says otherwise, the server log. Three ways out, so none is left behind:
the launcher's :meth:`LocalServer.stop` removes it; the server process removes it when it
exits (the launcher may have been killed with SIGKILL, which runs no clean-up); and a
start removes folders whose launcher and server are both gone (a server killed with
SIGKILL too). The pids of both are written into the folder (``pids``).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "coursekit-serve-"
PIDS = "pids"
STALE_AFTER_S = 30.0  # a folder younger than this may be one whose server is still starting


def make_run_dir() -> Path:
    """A new private folder, after sweeping away the abandoned ones."""
    sweep_stale()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / PIDS).write_text(f"{os.getpid()}\n")
    return folder


def own(folder: str | os.PathLike) -> None:
    """Called in the server process: record its pid and remove the folder when this process exits
    (only this process: gunicorn's forked workers inherit the handler and must not run it)."""
    folder, owner = Path(folder), os.getpid()
    try:
        with open(folder / PIDS, "a", encoding="utf-8") as fh:
            fh.write(f"{owner}\n")
    except OSError:
        return

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_stale(root: str | os.PathLike | None = None) -> list[Path]:
    """Remove run folders in the temporary directory whose recorded processes are all gone."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            if time.time() - folder.stat().st_mtime < STALE_AFTER_S:
                continue
            pids = [int(line) for line in (folder / PIDS).read_text().split() if line.strip().isdigit()]
        except (OSError, ValueError):
            continue  # not one of ours (no pids file), or not readable: leave it
        if pids and not any(_alive(pid) for pid in pids):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
