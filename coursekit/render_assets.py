"""The browser scripts a rendered lesson loads: Jupyter widgets' HTML manager, require.js
and MathJax 3, copied from local npm packages into ``<output>/_static`` and referenced by
relative URLs, so the pages work from ``file://`` with no network.

The packages live in ``build/web-assets`` (or ``$COURSEKIT_WEB_ASSETS``); the first
render that finds them missing runs ``scripts/install_widget_assets.sh`` (npm, an 11 MB
download) and says so on one line.
"""
from __future__ import annotations

from coursekit.paths import PACKAGE_DIR, project_root

import os
import shutil
import subprocess
from pathlib import Path

from coursekit.errors import CoursekitError

ASSETS_ENV = "COURSEKIT_WEB_ASSETS"
STATIC_DIR = "_static"
PROJECT_ROOT = project_root() or PACKAGE_DIR.parent  # the checkout (coursekit.paths)
INSTALL_SCRIPT = PROJECT_ROOT / "scripts" / "install_widget_assets.sh"
INSTALL_HINT = "run 'bash scripts/install_widget_assets.sh' (needs npm) or set COURSEKIT_WEB_ASSETS"

# (source inside node_modules, destination inside _static): files the pages load.
_ASSET_FILES = [
    ("requirejs/require.js", "require.js"),
    ("requirejs/README.md", "require.README.md"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
    ("@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt", "html-manager/LICENSE.txt"),
    ("mathjax/es5/tex-chtml-full.js", "mathjax/tex-chtml-full.js"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
]
# (folder inside node_modules, destination folder, file suffixes): fonts the scripts fetch
# relative to their own URL.
_ASSET_FOLDERS = [
    ("@jupyter-widgets/html-manager/dist", "html-manager", (".woff2", ".woff", ".ttf", ".eot", ".svg")),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2", (".woff",)),
]
ASSET_URLS = {
    "require_js_url": f"{STATIC_DIR}/require.js",
    "widget_renderer_url": f"{STATIC_DIR}/html-manager/embed-amd.js",
    "mathjax_url": f"{STATIC_DIR}/mathjax/tex-chtml-full.js",
}


class RenderError(CoursekitError, RuntimeError):
    """A lesson could not be executed or rendered (names the notebook and cell)."""


def web_assets_dir() -> Path:
    """Where ``scripts/install_widget_assets.sh`` puts the npm packages."""
    configured = os.environ.get(ASSETS_ENV)
    return Path(configured) if configured else PROJECT_ROOT / "build" / "web-assets"


def _node_modules(assets_dir: Path) -> Path:
    return assets_dir / "node_modules" if (assets_dir / "node_modules").is_dir() else assets_dir


def missing_web_assets(assets_dir: Path | None = None) -> list[str]:
    """The script files not (yet) installed under ``assets_dir``."""
    modules = _node_modules(Path(assets_dir) if assets_dir else web_assets_dir())
    return [src for src, _ in _ASSET_FILES if not (modules / src).is_file()]


def fetch_web_assets(assets_dir: Path | None = None, script: Path | None = None, log=print) -> None:
    """Install the scripts with ``script`` (default: the project's npm script) into
    ``assets_dir``; one line says so."""
    target = Path(assets_dir) if assets_dir else web_assets_dir()
    script = Path(script or INSTALL_SCRIPT)
    if not script.is_file():
        raise RenderError(f"offline browser scripts missing under {target} and {script} not found; {INSTALL_HINT}")
    if log:
        log(f"render: first use: fetching the offline browser scripts (widgets, require.js, MathJax; "
            f"an 11 MB npm download) into {target}")
    env = {**os.environ, ASSETS_ENV: str(target)}
    run = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    if run.returncode != 0 or missing_web_assets(target):
        detail = (run.stderr.strip() or run.stdout.strip() or "no output").splitlines()[-1]
        raise RenderError(f"could not fetch the offline browser scripts ({detail}); {INSTALL_HINT}")


def copy_web_assets(output_dir: Path, assets_dir: Path | None = None) -> Path:
    """Copy the browser scripts (and their fonts and licences) into ``output_dir/_static``."""
    modules = _node_modules(Path(assets_dir) if assets_dir else web_assets_dir())
    missing = missing_web_assets(assets_dir)
    if missing:
        raise RenderError(
            f"offline browser scripts missing under {modules}: {', '.join(missing)}; {INSTALL_HINT}"
        )
    static = Path(output_dir) / STATIC_DIR
    for src, dest in _ASSET_FILES:
        target = static / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / src, target)
    for src, dest, suffixes in _ASSET_FOLDERS:
        folder = modules / src
        if not folder.is_dir():
            continue
        (static / dest).mkdir(parents=True, exist_ok=True)
        for item in folder.iterdir():
            if item.is_file() and item.suffix in suffixes:
                shutil.copyfile(item, static / dest / item.name)
    return static
