"""One writer per output folder (issue 24 item 3): while one coursekit process writes a folder, a
second ``train``, ``export`` or ``evaluate`` into it is refused in one line and nothing is lost;
the lock goes with its process, however that process ends."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_errors_support import refused, training_rows

from coursekit.errors import OutputBusyError
from coursekit.outputs import LOCK_SUFFIX, output_lock

ROOT = Path(__file__).resolve().parents[1]
HOLDER = ("import sys, time\n"
          "from coursekit.outputs import output_lock\n"
          "with output_lock(sys.argv[1]):\n"
          "    open(sys.argv[2], 'w').close()\n"
          "    time.sleep(120)\n")


@pytest.fixture()
def holder(tmp_path):
    """``hold(folder)``: another process that holds ``folder``'s lock until the test ends (or is killed)."""
    started: list[subprocess.Popen] = []

    def hold(folder: Path) -> subprocess.Popen:
        ready = tmp_path / f"ready-{len(started)}"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(ready)], env=env)
        started.append(process)
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the holder did not start"
            time.sleep(0.05)
        return process

    yield hold
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_second_command_into_a_busy_folder_is_refused(tiny_model, tmp_path, capsys, holder):
    data = tmp_path / "reviews.csv"
    data.write_text(training_rows(40))
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("the first command's work")
    process = holder(busy)
    for argv in (["train", "--data", data, "--output", busy, "--max-steps", "1"],
                 ["export", tiny_model, "--output", busy, "--no-report"],
                 ["evaluate", tiny_model, "--output", busy, "--bootstrap", "0"]):
        line = refused(argv, capsys, f"--output {busy} is being written by another coursekit command",
                       f"pid {process.pid}", "choose another --output")
        assert len(line) < 300
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]  # nothing lost, nothing added


def test_the_lock_goes_with_its_process(tmp_path, holder):
    folder = tmp_path / "out"
    process = holder(folder)
    with pytest.raises(OutputBusyError):
        with output_lock(folder):
            pass
    process.send_signal(signal.SIGKILL)  # no clean-up at all: the kernel drops the lock with the process
    process.wait()
    with output_lock(folder):
        assert (tmp_path / f".out{LOCK_SUFFIX}").read_text() == f"pid {os.getpid()}"
    assert not (tmp_path / f".out{LOCK_SUFFIX}").exists()  # removed when released: nothing left beside the folder


def test_the_lock_nests_within_one_process(tmp_path):
    """`serve MODEL` exports inside its own lock of the export folder; the same process may take it again."""
    with output_lock(tmp_path / "out"):
        with output_lock(tmp_path / "out"):
            pass
        assert (tmp_path / f".out{LOCK_SUFFIX}").exists()
    assert list(tmp_path.iterdir()) == []


def test_export_into_a_busy_folder_leaves_the_export_there(tiny_model, tmp_path, capsys, holder):
    """The first export finished; a second one refused while a third process holds the folder keeps it."""
    from coursekit.cli import main

    out = tmp_path / "onnx"
    assert main(["export", str(tiny_model), "--output", str(out), "--no-report", "--no-int8"]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    holder(out)
    refused(["export", tiny_model, "--output", out, "--no-report", "--overwrite"], capsys, "being written")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
