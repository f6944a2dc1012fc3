"""Issue 13.7: atomic writes killed half-way leave a hidden ``.NAME.XXXXXXXX.tmp``; the next write of
the same file removes it once it is stale (an hour old), and touches nothing else."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_killed_writer_leaves_a_temp_file_that_the_next_write_removes(tmp_path):
    target = tmp_path / "metrics.json"
    script = ("import os, signal, sys\n"
              "from coursekit import fileio\n"
              "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
              "fileio.write_json_atomic(sys.argv[1], {'accuracy': 0.9})\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script, str(target)], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    left = list(tmp_path.glob(".metrics.json.*.tmp"))
    assert len(left) == 1 and not target.exists()

    from coursekit.fileio import STALE_TMP_SECONDS, write_json_atomic

    write_json_atomic(target, {"accuracy": 0.8})
    assert left[0].exists()  # young: it may belong to a writer still at work
    _age(left[0], STALE_TMP_SECONDS + 60)
    write_json_atomic(target, {"accuracy": 0.7})
    assert not left[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


def test_only_stale_temp_files_of_the_same_target_are_removed(tmp_path):
    from coursekit.fileio import STALE_TMP_SECONDS, write_text_atomic

    old = STALE_TMP_SECONDS + 60
    names = {
        ".notes.txt.abcd1234.tmp": (old, False),  # this target's, stale: removed
        ".notes.txt.efgh_678.tmp": (10, True),  # this target's, recent: a writer may be at work
        ".notes.txt.bak.abcd1234.tmp": (old, True),  # another target's (notes.txt.bak)
        ".notes.txt.abc.tmp": (old, True),  # not a name mkstemp makes
        "notes.txt.abcd1234.tmp": (old, True),  # not hidden: not ours
    }
    for name, (age, _) in names.items():
        (tmp_path / name).write_text("partial")
        _age(tmp_path / name, age)
    (tmp_path / ".notes.txt.dir00000.tmp").mkdir()  # a folder with the name: never touched
    _age(tmp_path / ".notes.txt.dir00000.tmp", old)
    write_text_atomic(tmp_path / "notes.txt", "new")
    for name, (_, kept) in names.items():
        assert (tmp_path / name).exists() == kept, name
    assert (tmp_path / ".notes.txt.dir00000.tmp").is_dir()
    assert (tmp_path / "notes.txt").read_text() == "new"


def test_a_failed_write_leaves_neither_a_temp_file_nor_a_changed_target(tmp_path, monkeypatch):
    from coursekit import fileio

    target = tmp_path / "card.json"
    target.write_text("old")

    def fail(*args):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(OSError):
        fileio.write_text_atomic(target, "new")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["card.json"]
