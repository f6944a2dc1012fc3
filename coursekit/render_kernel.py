"""Execute a lesson for ``coursekit render``: in a throw-away workspace, with progress.

Everything the kernels write (the lessons' results, quiz answers, Jupyter's kernel
connection files, IPython history, matplotlib's font cache, temporary files) goes to one
temporary folder per render, removed when the render ends, also on an error, Ctrl-C or
SIGTERM. Only the Hugging Face cache (``$HF_HOME``) is shared with other runs.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from coursekit.errors import CoursekitError
from coursekit.render_assets import RenderError

WORKSPACE_PREFIX = "coursekit-render-"


@contextlib.contextmanager
def render_workspace():
    """A temporary folder for one render, removed on exit whatever happens."""
    with tempfile.TemporaryDirectory(prefix=WORKSPACE_PREFIX, ignore_cleanup_errors=True) as scratch:
        yield Path(scratch)


@contextlib.contextmanager
def kernel_environment(profile: str, scratch: Path, extra: dict[str, str] | None = None):
    """Environment the kernels inherit: the tier, inline plots, the lessons' results and
    quiz answers in ``scratch``, the students' copies of the quizzes, a HOME (and Jupyter,
    IPython, matplotlib state) in ``scratch``; the Hugging Face cache stays where it is;
    the lessons' cloud cells are off unless ``COURSEKIT_USE_AZURE`` says otherwise."""
    saved = dict(os.environ)
    os.environ["HF_HOME"] = hugging_face_home()  # the one cache shared with other runs, as before
    folders = {"COURSEKIT_RESULTS": "results", "COURSEKIT_SUBMISSIONS_DIR": "submissions",
               "JUPYTER_RUNTIME_DIR": "rt", "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib",
               "TMPDIR": "tmp", "HOME": "home"}  # HOME: what libraries keep there (Azure SDK, gunicorn)
    for name, sub in folders.items():
        (scratch / sub).mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(scratch / sub)
    os.environ["COURSEKIT_PROFILE"] = profile
    os.environ.setdefault("COURSEKIT_USE_AZURE", "0")  # no paid cloud work unless asked for (=1)
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the kernel's debugger warns about frozen modules
    os.environ.pop("MPLBACKEND", None)  # a forced Agg backend would drop every plot
    os.environ.update(extra or {})
    student_quizzes = _release_student_quizzes(scratch / "quizzes")
    if student_quizzes is not None:
        os.environ["COURSEKIT_QUIZ_DIR"] = str(student_quizzes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def hugging_face_home() -> str:
    """``$HF_HOME``, else Hugging Face's default under the user's cache folder."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("HF_HOME") or os.path.join(cache, "huggingface")


def _release_student_quizzes(target: Path) -> Path | None:
    """Student copies of the course's quiz keys in ``target``; ``None`` (the notebooks
    then find their quizzes as usual) when ``$COURSEKIT_QUIZ_DIR`` already says where
    they are or there are no instructor keys to release."""
    if os.environ.get("COURSEKIT_QUIZ_DIR"):
        return None
    try:
        from coursekit.quiz import find_quiz_dir, release_quizzes

        release_quizzes(find_quiz_dir(), target)
    except CoursekitError:
        return None
    return target


class CellProgress:
    """A tqdm bar over a notebook's code cells in a terminal; otherwise (CI logs, pipes) a line when a
    notebook starts and, at least every ``interval_s`` seconds (30, ``$COURSEKIT_PROGRESS_S``), one naming
    the lesson, the cell it runs (number and first line) and the time spent in the cell and the lesson."""

    def __init__(self, name: str, cells: int, bar: bool | None = None, log=print, interval_s: float | None = None,
                 clock=time.perf_counter, thread: bool = True):
        from coursekit.progress import Heartbeat, progress_enabled, progress_interval

        self.name, self.cells, self.log, self.clock = name, cells, log, clock
        self.interval_s = progress_interval() if interval_s is None else interval_s
        self.started = self.last = self.cell_began = clock()
        self.cell, self.first_line = 0, ""
        self.bar, self._beat = None, None
        if progress_enabled() if bar is None else bar:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=cells, desc=name, unit="cell", file=sys.stderr, dynamic_ncols=True)
        elif log:
            log(f"render: {name}: running {cells} code cells")
            if thread:
                self._beat = Heartbeat(self.tick, self.interval_s).start()

    def cell_started(self, cell=None, cell_index=None, **_):
        self.cell += 1
        self.cell_began = self.clock()
        self.first_line = next((line.strip() for line in (cell.source if cell is not None else "").splitlines()
                                if line.strip()), "")
        if self.bar is not None and cell is not None:
            self.bar.set_postfix_str(f"cell {self.cell}: {self.first_line[:40]}", refresh=True)

    def cell_done(self, **_):
        if self.bar is not None:
            self.bar.update(1)

    def tick(self) -> None:
        """Log where the lesson is when ``interval_s`` has passed since the last line."""
        from coursekit.progress import minutes

        now = self.clock()
        if self.bar is not None or not self.log or now - self.last < self.interval_s:
            return
        self.last = now
        self.log(f"render: {self.name}: cell {self.cell}/{self.cells} running for {minutes(now - self.cell_began)} "
                 f"({self.first_line[:50]}), {minutes(now - self.started)} into the lesson")

    def close(self) -> float:
        if self._beat is not None:
            self._beat.stop()
        seconds = self.clock() - self.started
        if self.bar is not None:
            self.bar.close()
        return seconds


def _failed_cell(nb) -> tuple[int, str]:
    """Index (from 0, Markdown cells included), first code line and error of the failed cell."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
                return index, f"{first_line[:60]!r}: {output.get('ename')}: {output.get('evalue')}"
    return -1, ""


def code_cell_count(nb) -> int:
    """Cells the kernel runs (nbclient skips empty ones)."""
    return sum(1 for cell in nb.cells if cell.cell_type == "code" and cell.source.strip())


IPC_PATH_MAX = 100  # a Unix socket path holds at most 107 bytes; the kernel appends "-N"


def _ipc_kernel_config():
    """Kernels reached over Unix sockets in ``$JUPYTER_RUNTIME_DIR`` (the render's
    workspace): no TCP port opened, and no warning about unencrypted TCP. Where that
    folder's path is too long for a socket, the kernel uses TCP on 127.0.0.1 as usual."""
    from traitlets.config import Config

    sockets = Path(os.environ.get("JUPYTER_RUNTIME_DIR") or tempfile.gettempdir()) / "kernel"
    if len(str(sockets)) > IPC_PATH_MAX:
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})


def _last_line(log_path: Path) -> str:
    try:
        lines = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1].strip()[:200] if lines else ""


def execute_notebook(path: Path, *, timeout: int = 1800, kernel_name: str = "python3", progress=None):
    """Run every cell of ``path`` (in its own folder) in the current environment (see
    :func:`kernel_environment`) and return the executed notebook with the widget state
    stored in its metadata. ``progress`` (a :class:`CellProgress`) hears about each cell.
    The kernel process's own output (not the cells') goes to a log in the workspace."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert.preprocessors import ExecutePreprocessor

    class LessonExecutor(ExecutePreprocessor):
        def start_new_kernel(self, **kwargs):  # what ExecutePreprocessor.preprocess calls
            kwargs.setdefault("stdout", kernel_log)
            kwargs.setdefault("stderr", kernel_log)
            return super().start_new_kernel(**kwargs)

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise RenderError(f"{path}: cannot read the notebook: {exc}") from exc
    hooks = {"on_cell_execute": progress.cell_started, "on_cell_executed": progress.cell_done} if progress else {}
    executor = LessonExecutor(timeout=timeout, kernel_name=kernel_name, store_widget_state=True,
                              config=_ipc_kernel_config(), **hooks)
    log_path = Path(os.environ.get("JUPYTER_RUNTIME_DIR") or tempfile.gettempdir()) / f"{path.stem}.kernel.log"
    with open(log_path, "ab") as kernel_log:
        try:
            executor.preprocess(nb, {"metadata": {"path": str(path.parent.resolve())}})
        except CellExecutionError as exc:
            index, error = _failed_cell(nb)
            where = f"cell {index}" if index >= 0 else "a cell"
            raise RenderError(f"{path}: {where} failed: {error or str(exc).splitlines()[-1]}") from exc
        except CellTimeoutError as exc:
            raise RenderError(f"{path}: a cell ran longer than {timeout} s (raise --timeout)") from exc
        except DeadKernelError as exc:
            raise RenderError(f"{path}: the kernel died: {_last_line(log_path) or exc}") from exc
    return nb
