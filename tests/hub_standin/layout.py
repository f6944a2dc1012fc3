"""Write repositories into a Hugging Face Hub cache folder, in the layout ``huggingface_hub`` reads offline.

``<cache>/models--<org>--<name>/refs/main`` holds a commit hash and
``snapshots/<hash>/`` holds the files: exactly what a download leaves behind, so
``from_pretrained("<org>/<name>")`` finds them with ``HF_HUB_OFFLINE=1``.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path


def revision(repo_id: str) -> str:
    """A fixed 40-hex commit hash per repository (the same on every build)."""
    return hashlib.sha1(f"coursekit-hub-standin:{repo_id}".encode()).hexdigest()


def repo_folder(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    return Path(cache) / f"{repo_type}s--{repo_id.replace('/', '--')}"


def snapshot(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    """Create (empty) the snapshot folder of ``repo_id`` and point ``refs/main`` at it."""
    root = repo_folder(cache, repo_id, repo_type)
    rev = revision(repo_id)
    (root / "refs").mkdir(parents=True, exist_ok=True)
    (root / "refs" / "main").write_text(rev)
    folder = root / "snapshots" / rev
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_json(folder: Path, name: str, content: dict) -> None:
    (folder / name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


def link_or_copy(source: Path, target: Path) -> None:
    """Link a large read-only file (as the real cache links snapshots to blobs); copy where links fail."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(source, target)
    except OSError:
        shutil.copy2(source, target)
