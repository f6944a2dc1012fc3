"""Folders built once per test run and shared by every test (and every pytest-xdist worker) that reads them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """``<run's temporary folder>/shared-fixtures/<name>``, made by ``build(folder)`` once for the whole run.

    Under pytest-xdist each worker is a session of its own with its own temporary folder; the workers'
    common parent holds the shared folders, and a file lock makes the first worker that asks build one
    while the others wait. ``build`` writes into an empty folder at its final place (models and exports
    may record where they were written); a marker file says it returned, so a build that failed is
    started afresh by the next test that asks (and fails there too).
    """
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    root = root / "shared-fixtures"
    root.mkdir(parents=True, exist_ok=True)
    folder, done = root / name, root / f"{name}.built"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder
