"""Track the processes a test starts and stop every one of them by PID."""
from __future__ import annotations

import os
import signal
import subprocess

import psutil


def stop_process_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process group that ``proc`` leads (started with
    ``start_new_session=True``), then SIGKILL whatever is left after ``timeout``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=timeout)


class ChildReaper:
    """Remember this process's descendants on entry; on exit, stop (by PID) every
    descendant that appeared in between and is still running: browser processes,
    Playwright's driver, kernels that outlived their server."""

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout
        self._before: set[int] = set()
        self.stopped: list[int] = []

    def _children(self) -> list[psutil.Process]:
        return psutil.Process().children(recursive=True)

    def __enter__(self) -> "ChildReaper":
        self._before = {p.pid for p in self._children()}
        return self

    def __exit__(self, *exc) -> None:
        leftovers = [p for p in self._children() if p.pid not in self._before]
        for proc in leftovers:
            try:
                proc.terminate()
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(leftovers, timeout=self.timeout)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=self.timeout)
        self.stopped = [p.pid for p in leftovers]
