"""Where browser tests leave screenshots: ``$COURSEKIT_ARTIFACTS`` or ``artifacts/``
(git-ignored). With ``COURSEKIT_UPDATE_DOCS_IMAGES=1`` the README's images in
``docs/images/`` are refreshed from them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS_IMAGES = REPO / "docs" / "images"


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("COURSEKIT_ARTIFACTS") or REPO / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def publish_to_docs(artifact: Path, name: str) -> Path | None:
    """Copy ``artifact`` to ``docs/images/name`` when ``COURSEKIT_UPDATE_DOCS_IMAGES=1``."""
    if os.environ.get("COURSEKIT_UPDATE_DOCS_IMAGES") != "1":
        return None
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    target = DOCS_IMAGES / name
    shutil.copyfile(artifact, target)
    return target
