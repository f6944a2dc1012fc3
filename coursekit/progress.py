"""Say what a long command is doing: progress bars in a terminal, none under CI or in a captured
(non-terminal) run, where :class:`StepProgress` prints one line per step instead.

During a step a heartbeat keeps the output alive: the bar's clock ticks, and a plain
stream gets a "still ..." line every ``heartbeat_s`` seconds, so nothing stays silent for
long while a model is exported or engines are timed.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time


def progress_enabled() -> bool:
    """True in an interactive terminal; False under CI, nbval or a pipe."""
    if os.environ.get("CI") or os.environ.get("COURSEKIT_QUIET"):
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def configure_quiet_libraries(show_progress: bool | None = None) -> bool:
    """Silence library progress bars and warnings unless a terminal wants them."""
    show = progress_enabled() if show_progress is None else show_progress
    import datasets
    import transformers

    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    if show:
        datasets.enable_progress_bars()
        transformers.utils.logging.enable_progress_bar()
        enable_progress_bars()
    else:
        datasets.disable_progress_bars()
        transformers.utils.logging.disable_progress_bar()
        disable_progress_bars()
    transformers.logging.set_verbosity_error()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return show


class NoProgress:
    """Says nothing (library calls and notebooks); same interface as :class:`StepProgress`."""

    @contextlib.contextmanager
    def step(self, text: str):
        yield

    def note(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class StepProgress(NoProgress):
    """Numbered steps on ``stream`` (default stderr); a tqdm bar when ``bar`` (default: stream is a terminal)."""

    def __init__(self, total: int, *, prefix: str = "", stream=None, bar: bool | None = None,
                 heartbeat_s: float = 10.0):
        self.total, self.done, self.prefix = total, 0, prefix
        self.stream = stream or sys.stderr
        self.heartbeat_s = heartbeat_s
        if bar is None:
            bar = progress_enabled() and self.stream is sys.stderr
        self.bar = None
        if bar:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, file=self.stream, desc=prefix or None, unit="step", leave=True)

    @contextlib.contextmanager
    def step(self, text: str):
        """Announce ``text`` as the next step; keep a heartbeat until it ends."""
        started = time.perf_counter()
        if self.bar is not None:
            self.bar.set_postfix_str("", refresh=False)
            self.bar.set_description_str(f"{self.prefix}: {text}" if self.prefix else text)
        else:
            self._line(f"[{self.done + 1}/{self.total}] {text} ...")
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(text, started, stop), daemon=True)
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        else:
            self._line(f"[{self.done}/{self.total}] {text}: done in {time.perf_counter() - started:.1f} s")

    def note(self, text: str) -> None:
        """A result line between steps (through the bar's writer so the bar stays intact)."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            self._line(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _heartbeat(self, text: str, started: float, stop: threading.Event) -> None:
        interval = 1.0 if self.bar is not None else self.heartbeat_s
        while not stop.wait(interval):
            if self.bar is not None:
                self.bar.set_postfix_str(f"{time.perf_counter() - started:.0f} s", refresh=True)
            else:
                self._line(f"      still {text} ({time.perf_counter() - started:.0f} s)")

    def _line(self, text: str) -> None:
        print(f"{self.prefix}: {text}" if self.prefix else text, file=self.stream, flush=True)


INTERVAL_ENV = "COURSEKIT_PROGRESS_S"  # seconds between progress lines without a terminal (tests set it small)
DEFAULT_INTERVAL_S = 30.0


def progress_interval(default: float = DEFAULT_INTERVAL_S) -> float:
    """Seconds between progress lines in a pipe or log: ``$COURSEKIT_PROGRESS_S`` if it is a positive
    number, else ``default`` (30 s: nothing long stays silent for longer)."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, ""))
    except ValueError:
        return default
    return value if value > 0 else default


class Heartbeat:
    """Calls ``tick()`` from a daemon thread several times per ``interval_s`` until :meth:`stop`;
    ``tick`` decides itself whether a line is due (so a fake clock can drive it in tests)."""

    THREAD_NAME = "coursekit-heartbeat"

    def __init__(self, tick, interval_s: float):
        self.tick, self.interval_s = tick, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=self.THREAD_NAME)

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(min(self.interval_s / 4, 5.0)):
            self.tick()


def minutes(seconds: float) -> str:
    """``seconds`` as m:ss (h:mm:ss from an hour)."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
