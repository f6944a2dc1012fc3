"""A real ``jupyter lab`` server for browser tests: free loopback port, random token,
temporary HOME/config/data/settings folders, the venv's Python as the kernel, and every
process stopped by PID afterwards."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .processes import stop_process_group

# JupyterLab settings that keep the page quiet: no news/update toasts, no autosave races.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # every cell in the DOM (no virtual scrolling), so a test sees the whole notebook
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install_kernelspec(data_dir: Path, python: str = sys.executable) -> Path:
    """A ``python3`` kernelspec in ``data_dir`` that runs ``python`` (the venv)."""
    spec_dir = data_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (coursekit)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


@dataclass
class JupyterLab:
    """A running server; ``url(path)`` builds an authenticated URL."""

    root_dir: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        stop_process_group(self.process)


def start_jupyter_lab(root_dir: Path, work_dir: Path, extra_env: dict | None = None,
                      timeout: float = 90.0) -> JupyterLab:
    """Start ``jupyter lab`` serving ``root_dir``; state lives under ``work_dir``."""
    home = work_dir / "home"
    config_dir = work_dir / "jupyter-config"
    data_dir = work_dir / "jupyter-data"
    runtime_dir = work_dir / "jupyter-runtime"
    settings_dir = work_dir / "lab-user-settings"
    workspaces_dir = work_dir / "lab-workspaces"
    for folder in (home, config_dir, data_dir, runtime_dir, settings_dir, workspaces_dir):
        folder.mkdir(parents=True, exist_ok=True)
    install_kernelspec(data_dir)
    # The lessons ask for the `coursekit` kernel: install it exactly as a student does (README), so a
    # lesson that opened with a "Select Kernel" dialog instead would fail the test.
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name", "coursekit",
                    "--display-name", "Python (coursekit)"], env={**os.environ, "JUPYTER_DATA_DIR": str(data_dir)},
                   check=True, capture_output=True, timeout=120)
    for name, values in LAB_SETTINGS.items():
        target = settings_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))

    env = dict(os.environ)
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(data_dir),
        JUPYTER_RUNTIME_DIR=str(runtime_dir),
        IPYTHONDIR=str(home / ".ipython"),
        MPLCONFIGDIR=str(home / ".matplotlib"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
        JUPYTER_PREFER_ENV_PATH="0",  # our kernelspec (in JUPYTER_DATA_DIR) wins
    )
    env.pop("MPLBACKEND", None)  # let the kernel use the inline backend, as students get
    env.pop("JUPYTER_PATH", None)
    env.update(extra_env or {})

    port = free_port()
    token = secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.disable_check_xsrf=False",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={workspaces_dir}",
        "--LabApp.news_url=None",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = work_dir / "jupyter-lab.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    lab = JupyterLab(root_dir=root_dir, port=port, token=token, process=proc,
                     log_path=log_path, env=env)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{lab.log()[-3000:]}")
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=2) as resp:
                if resp.status == 200:
                    return lab
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            lab.stop()
            raise RuntimeError(f"jupyter lab not ready after {timeout:.0f}s:\n{lab.log()[-3000:]}")
        time.sleep(0.5)
