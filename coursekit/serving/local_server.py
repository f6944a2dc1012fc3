"""Start, probe and stop the scoring script in ``azmlinfsrv`` on this machine.

The server runs in its own process (gunicorn, like on the endpoint), bound to loopback
by default; :class:`LocalServer` knows its PID, URL and log file and stops it by PID.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ServingError
from . import SCORE_SCRIPT
from .inference_server import LOOPBACK, exposure_warning


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def resolve_export_dir(model_dir: str | os.PathLike, *, export_if_needed: bool = True) -> Path:
    """The exported folder to serve for ``model_dir``.

    ``model_dir`` may be an exported folder (``export.json`` + ``model.onnx``) or a
    trained Hugging Face model folder; the latter is exported to ``model_dir/onnx``
    first (again only when the weights are newer than the export).
    """
    from ..export.manifest import FP32_NAME, is_export_dir

    model_dir = Path(model_dir)
    if is_export_dir(model_dir):
        return model_dir
    if not model_dir.is_dir():
        raise ServingError(f"{model_dir}: no such folder")
    if not (model_dir / "config.json").is_file():
        raise ServingError(f"{model_dir} holds neither an exported model (export.json + model.onnx) nor a "
                           "trained model (config.json + weights); run `coursekit export` or `coursekit train`")
    target = model_dir / "onnx"
    weights = [p.stat().st_mtime for p in model_dir.glob("*.safetensors")]
    if is_export_dir(target) and weights and (target / FP32_NAME).stat().st_mtime >= max(weights):
        return target
    if not export_if_needed:
        raise ServingError(f"{model_dir} is a trained model that has not been exported; run "
                           f"`coursekit export {model_dir}`")
    from ..export import export_onnx

    print(f"exporting {model_dir} to ONNX first: {target}", flush=True)
    export_onnx(model_dir, target)
    return target


def server_command(export_dir: Path, port: int, host: str = LOOPBACK, workers: int = 1) -> list[str]:
    """The command line that runs ``score.py`` in ``azmlinfsrv`` on ``host:port``."""
    return [sys.executable, "-m", "coursekit.serving.inference_server", "--host", host, "--",
            "--entry_script", str(SCORE_SCRIPT), "--model_dir", str(Path(export_dir).resolve()),
            "--port", str(port), "--worker_count", str(workers)]


def server_environment(threads: int | None = None, extra: dict | None = None) -> dict:
    """The server's environment: the app root is the scoring script's folder so that a
    workspace ``config.json`` in the current folder is never read as server settings."""
    env = dict(os.environ)
    env["AML_APP_ROOT"] = str(SCORE_SCRIPT.parent)
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    if threads:
        env["COURSEKIT_ORT_THREADS"] = str(threads)
    env.update(extra or {})
    return env


@dataclass
class LocalServer:
    """A running ``azmlinfsrv`` process."""

    process: subprocess.Popen
    host: str
    port: int
    export_dir: Path
    log_path: Path | None = None
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

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_ready(self, timeout: float = 90.0) -> "LocalServer":
        """Poll the liveness route until it answers 200; raise with the log tail otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServingError(f"the scoring server exited with code {self.process.returncode} before it was "
                                   f"ready; last log lines:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise ServingError(f"the scoring server on port {self.port} was not ready after {timeout:.0f} s; "
                           f"last log lines:\n{self.log_tail()}")

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

    def stop(self, timeout: float = 15.0) -> int | None:
        """Stop the server by its PID (SIGTERM, then SIGKILL after ``timeout`` s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        return self.process.returncode

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(export_dir: str | os.PathLike, *, port: int | None = None, host: str = LOOPBACK,
                 workers: int = 1, threads: int | None = None, log_path: str | os.PathLike | None = None,
                 env: dict | None = None, wait: bool = True, ready_timeout: float = 90.0) -> LocalServer:
    """Start ``score.py`` in ``azmlinfsrv`` for an exported folder; returns when it answers.

    Output goes to ``log_path`` (a temporary file by default). A host other than
    loopback prints a plain warning: the local server has no authentication.
    """
    from ..export.manifest import is_export_dir

    export_dir = Path(export_dir)
    if not is_export_dir(export_dir):
        raise ServingError(f"{export_dir}: not an exported model folder (export.json + model.onnx); "
                           "run `coursekit export` first or pass a trained model folder to `coursekit serve`")
    port = port or free_port(host)
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix="coursekit-serve-", suffix=".log")
        os.close(fd)
        log_path = name
    log_path = Path(log_path)
    handle = open(log_path, "ab")
    process = subprocess.Popen(server_command(export_dir, port, host, workers), stdout=handle,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=server_environment(threads, env))
    server = LocalServer(process, host, port, export_dir, log_path, handle)
    return server.wait_until_ready(ready_timeout) if wait else server
