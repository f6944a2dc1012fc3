"""Start, probe and stop the scoring script in ``azmlinfsrv`` on this machine.

The server runs in its own process group (gunicorn's master and workers, like on the
endpoint), bound to loopback by default, with the endpoint's settings
(:mod:`.settings`); :class:`LocalServer` knows its PID, URL and log file and stops the
whole group.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ServingError
from . import SCORE_SCRIPT
from .inference_server import LOOPBACK, exposure_warning
from .export_dir import resolve_export_dir  # noqa: F401 - where callers import it from
from .run_dir import make_run_dir
from .settings import DEFAULT_SETTINGS, ServerSettings


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def server_command(port: int, host: str = LOOPBACK, own_dir: str | os.PathLike | None = None) -> list[str]:
    """The command line that runs ``score.py`` in ``azmlinfsrv`` on ``host:port``
    (workers, threads and limits come from the environment, as on the endpoint)."""
    owned = ["--own-dir", str(own_dir)] if own_dir else []
    return [sys.executable, "-m", "coursekit.serving.inference_server", "--host", host,
            "--parent-pid", str(os.getpid()), *owned, "--", "--entry_script", str(SCORE_SCRIPT), "--port", str(port)]


def server_environment(settings: ServerSettings = DEFAULT_SETTINGS, model_dir: str | os.PathLike | None = None,
                       extra: dict | None = None) -> dict:
    """The server's environment: ``settings`` as the deployment's variables, the model folder,
    and the app root set to the scoring script's folder so that a workspace ``config.json``
    in the current folder is never read as server settings."""
    env = dict(os.environ)
    env.update(settings.environment())
    env["AML_APP_ROOT"] = str(SCORE_SCRIPT.parent)
    if model_dir is not None:
        env["AZUREML_MODEL_DIR"] = str(model_dir)
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.update(extra or {})
    return env


def mount_like_azure(export_dir: Path, run_dir: Path, name: str = "coursekit-sentiment-onnx") -> Path:
    """``run_dir/<name>/1`` pointing at ``export_dir``: the ``<model>/<version>`` layout Azure ML
    mounts, which is what the server's model-id probe expects (any other folder makes it log
    a traceback at every start). Falls back to ``export_dir`` where links cannot be made."""
    mount = run_dir / name / "1"
    try:
        mount.parent.mkdir(parents=True, exist_ok=True)
        mount.symlink_to(Path(export_dir).resolve(), target_is_directory=True)
    except OSError:
        return Path(export_dir).resolve()
    return mount


def _group_alive(pgid: int) -> bool:
    if not hasattr(os, "killpg"):  # Windows: no process groups to ask about
        return False
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: int) -> None:
    if not hasattr(os, "killpg"):  # Windows: the server process alone
        with contextlib.suppress(OSError):
            os.kill(pgid, signal.SIGTERM)
        return
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class LocalServer:
    """A running ``azmlinfsrv``: gunicorn's master and its workers, alone in one process group."""

    process: subprocess.Popen
    host: str
    port: int
    export_dir: Path
    log_path: Path | None = None
    run_dir: Path | None = None  # private temporary folder, removed by stop()
    settings: ServerSettings = DEFAULT_SETTINGS
    _log_handle: object = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def score_url(self) -> str:
        return f"{self.url}/score"

    @property
    def log_is_temporary(self) -> bool:
        return self.run_dir is not None and self.log_path is not None and self.run_dir in self.log_path.parents

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_ready(self, timeout: float = 90.0, cancel=None) -> "LocalServer":
        """Poll the liveness route until it answers 200; raise with the log tail otherwise.

        ``cancel`` (a callable) is asked between polls: when it returns True the wait ends
        early without an error (the caller then stops the server).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cancel is not None and cancel():
                return self
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise ServingError(f"the scoring server exited with code {self.process.returncode} before it was "
                                   f"ready; last log lines:\n{tail}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise ServingError(f"the scoring server on port {self.port} was not ready after {timeout:.0f} s; "
                           f"last log lines:\n{tail}")

    def score(self, payload, timeout: float = 30.0) -> tuple[int, dict]:
        """POST ``payload`` (an object, or a str/bytes body sent as-is) to /score: (status, JSON)."""
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        data = body.encode("utf-8") if isinstance(body, str) else body
        request = urllib.request.Request(self.score_url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return exc.code, {"raw": raw.decode("utf-8", "replace")}

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the whole process group: SIGTERM (gunicorn's graceful stop), SIGKILL to whatever
        is left after ``timeout`` s; then remove the private temporary folder (and its log)."""
        pgid = self.process.pid  # started in a new session: the master leads its own group
        if self.process.poll() is None or _group_alive(pgid):
            _signal_group(pgid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(pgid, signal.SIGKILL)  # workers the master left behind, or a hung master
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            until = time.monotonic() + 5
            while _group_alive(pgid) and time.monotonic() < until:
                time.sleep(0.05)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None
        return self.process.returncode

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(export_dir: str | os.PathLike, *, port: int | None = None, host: str = LOOPBACK,
                 workers: int | None = None, threads: int | None = None, http_threads: int | None = None,
                 settings: ServerSettings | None = None, log_path: str | os.PathLike | None = None,
                 env: dict | None = None, wait: bool = True, ready_timeout: float = 90.0,
                 precision: str | None = None, collect_dir: str | os.PathLike | None = None,
                 collect_text: bool = True) -> LocalServer:
    """Start ``score.py`` in ``azmlinfsrv`` for an exported folder; returns when it answers.

    ``settings`` (default :data:`DEFAULT_SETTINGS`, the endpoint's) sets processes, threads
    and limits; ``workers``, ``threads`` (ONNX Runtime threads per worker) and
    ``http_threads`` override single fields. ``precision`` (``int8`` or ``fp32``) picks the
    graph, else the export's default. ``collect_dir`` turns request collection on (JSON
    Lines for ``coursekit monitor``; ``collect_text=False`` keeps the texts out). The server
    runs in its own process group, which :meth:`LocalServer.stop` ends as a whole. Its output
    goes to ``log_path``, or to a temporary file that ``stop()`` removes (as does the server
    itself when it exits). A host other than loopback prints a plain warning: the local
    server has no authentication.
    """
    from ..errors import require_extra
    from ..model_folder import is_export_dir
    from .export_dir import model_file

    require_extra("export", "the local scoring server", ("onnxruntime",))
    require_extra("azure", "the local scoring server (Azure ML's inference server)", ("azureml_inference_server_http",))
    export_dir = Path(export_dir)
    if not is_export_dir(export_dir):
        raise ServingError(f"{export_dir}: not an exported model folder (export.json + model.onnx); "
                           "run `coursekit export` first or pass a trained model folder to `coursekit serve`")
    settings = (settings or DEFAULT_SETTINGS).with_changes(workers=workers, ort_threads=threads,
                                                           http_threads=http_threads)
    extra = dict(env or {})
    if precision is not None:
        extra["COURSEKIT_ONNX_MODEL"] = model_file(export_dir, precision)[0]
    if collect_dir is not None:
        extra.update(COURSEKIT_COLLECT="local", COURSEKIT_COLLECT_DIR=str(Path(collect_dir).resolve()),
                     COURSEKIT_COLLECT_TEXT="1" if collect_text else "0")
    port = port or free_port(host)
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    run_dir = make_run_dir()
    log_path = Path(log_path) if log_path else run_dir / "server.log"
    try:
        handle = open(log_path, "ab")
        model_dir = mount_like_azure(export_dir, run_dir)
        process = subprocess.Popen(server_command(port, host, run_dir), stdout=handle, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=server_environment(settings, model_dir, extra),
                                   start_new_session=True)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    server = LocalServer(process, host, port, export_dir, log_path, run_dir, settings, handle)
    return server.wait_until_ready(ready_timeout) if wait else server
