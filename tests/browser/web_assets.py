"""The npm copies of the widget/require/MathJax scripts that ``coursekit render`` needs,
installed on demand by ``scripts/install_widget_assets.sh``."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO / "scripts" / "install_widget_assets.sh"


def require_web_assets() -> Path:
    """The assets folder, installing it first when it is incomplete; fails under CI and
    skips loudly elsewhere when npm cannot provide it."""
    from coursekit.render import RenderError, copy_web_assets, web_assets_dir
    import tempfile

    def complete() -> bool:
        with tempfile.TemporaryDirectory() as scratch:
            try:
                copy_web_assets(Path(scratch))
            except RenderError:
                return False
        return True

    if complete():
        return web_assets_dir()
    run = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True)
    if complete():
        return web_assets_dir()
    message = ("RENDER TEST NOT RUN: the offline widget scripts are missing and "
               f"scripts/install_widget_assets.sh failed: {(run.stdout + run.stderr).strip()[-500:]}")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
