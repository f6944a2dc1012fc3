"""Starting and stopping the scoring server: `coursekit serve` in the foreground, signals at
any moment, the process group, the port and the log afterwards, port checks."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from coursekit.serving.local_server import free_port, start_server
from coursekit.serving.settings import ServerSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def exported(offline_export):
    return offline_export


def _port_is_free(port: int) -> bool:
    """Nothing listens on ``port`` and a new server can bind it (with SO_REUSEADDR, as servers do:
    connections the server closed may linger in TIME_WAIT)."""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def _gone(pids, within: float = 15.0) -> bool:
    until = time.monotonic() + within
    while time.monotonic() < until:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _serve(exported, tmp_path, port, *extra):
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "coursekit.cli", "serve", str(exported), "--port", str(port),
                             "--workers", "1", "--threads", "1", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _family(pid: int) -> list[int]:
    try:
        proc = psutil.Process(pid)
        return [pid, *(c.pid for c in proc.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


def test_stop_ends_the_whole_group_and_frees_the_port(exported, tmp_path):
    srv = start_server(exported, settings=ServerSettings(workers=2, http_threads=2, ort_threads=1),
                       env={"HOME": str(tmp_path)})
    family = _family(srv.pid)
    assert len(family) >= 3, "gunicorn's master should have started two workers"
    assert os.getpgid(srv.pid) == srv.pid, "the server should lead its own process group"
    run_dir, log = srv.run_dir, srv.log_path
    assert run_dir in log.parents and log.exists()
    srv.stop()
    assert _gone(family)
    assert _port_is_free(srv.port)
    assert not run_dir.exists(), "the temporary log and model mount are removed on stop"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_cli_serve_runs_in_the_foreground_until_signalled(exported, tmp_path, sig):
    port = free_port()
    proc = _serve(exported, tmp_path, port)
    family = []
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/score" in first, first
        assert "removed on stop" in first
        family = _family(proc.pid)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/score", method="POST",
                                         data=json.dumps({"texts": ["nice"]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert f"stopping the server ({sig.name})" in out
    assert _gone(family), "the launcher's workers outlived it"
    assert _port_is_free(port)
    assert not list(tmp_path.glob("coursekit-serve-*")), "the temporary log was left behind"


def test_cli_serve_stops_cleanly_when_interrupted_during_start_up(exported, tmp_path):
    port = free_port()
    proc = _serve(exported, tmp_path, port)
    deadline = time.monotonic() + 60
    while not [c for c in _family(proc.pid)[1:]] and time.monotonic() < deadline:
        time.sleep(0.02)  # the server process exists: the CLI is starting it, not yet serving
    family = _family(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "stopping the server (SIGINT)" in out
    assert _gone(family)
    assert _port_is_free(port)


def test_the_server_stops_itself_when_its_launcher_is_killed(exported, tmp_path):
    port = free_port()
    proc = _serve(exported, tmp_path, port)
    try:
        first = proc.stdout.readline()
        server_pid = int(re.search(r"\(pid (\d+)", first).group(1))
        family = _family(server_pid)
    finally:
        proc.kill()  # SIGKILL: the launcher cannot stop anything
        proc.communicate(timeout=30)
    assert _gone(family, within=30), "the server outlived a launcher killed with SIGKILL"
    assert not list(tmp_path.glob("coursekit-serve-*")), "the server left the launcher's temporary folder behind"


def test_abandoned_run_folders_are_swept_at_the_next_start(tmp_path):
    from coursekit.serving.run_dir import PIDS, STALE_AFTER_S, sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    old, young, foreign = tmp_path / "coursekit-serve-old", tmp_path / "coursekit-serve-young", tmp_path / "coursekit-serve-x"
    for folder in (old, young, foreign):
        folder.mkdir()
    for folder in (old, young):
        (folder / PIDS).write_text(f"{dead.pid}\n")
    (tmp_path / "coursekit-serve-live").mkdir()
    (tmp_path / "coursekit-serve-live" / PIDS).write_text(f"{os.getpid()}\n")
    past = time.time() - STALE_AFTER_S - 5
    for folder in (old, foreign, tmp_path / "coursekit-serve-live"):
        os.utime(folder, (past, past))
    assert sweep_stale(tmp_path) == [old]  # not the young one, not one of another program, not a live one


def test_cli_serve_says_what_it_serves_and_serves_fp32_when_asked(exported, tmp_path):
    port = free_port()
    proc = _serve(exported, tmp_path, port, "--precision", "fp32")
    try:
        proc.stdout.readline()
        model_line = proc.stdout.readline()
        assert "model: model.onnx (fp32, chosen with --precision)" in model_line, model_line
        request = urllib.request.Request(f"http://127.0.0.1:{port}/score", method="POST",
                                         data=json.dumps({"texts": ["nice"]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["model"]["file"] == "model.onnx"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


def test_cli_keeps_the_log_where_asked(exported, tmp_path):
    port, log = free_port(), tmp_path / "logs" / "serve.log"
    log.parent.mkdir()
    proc = _serve(exported, tmp_path, port, "--log", str(log))
    try:
        assert f"log {log}" in proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    text = log.read_text()
    assert "Worker with pid" in text and "Traceback" not in text


@pytest.mark.parametrize("args, fragment", [
    (["--port", "99999"], "--port 99999 is not a TCP port; choose one from 1024 to 65535"),
    (["--port", "0"], "--port 0 is not a TCP port"),
    (["--port", "80"], "add --allow-privileged-port"),
])
def test_cli_serve_refuses_bad_ports_in_one_line(exported, capsys, args, fragment):
    from coursekit.cli import main

    assert main(["serve", str(exported), *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1, err


def test_cli_serve_refuses_a_busy_port(exported, capsys):
    from coursekit.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", str(exported), "--port", str(busy.getsockname()[1])]) == 2
    err = capsys.readouterr().err
    assert "choose another --port" in err
