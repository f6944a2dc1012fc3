"""The scoring script in the real azmlinfsrv process: HTTP on loopback, good and bad requests."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

import deploy_support
from coursekit.errors import ServingError
from coursekit.serving.inference_server import exposure_warning, is_loopback
from coursekit.serving.local_server import free_port, resolve_export_dir, start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    return deploy_support.export_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def server(exported, tmp_path_factory):
    home = tmp_path_factory.mktemp("server-home")
    srv = start_server(exported, port=free_port(), threads=1, log_path=home / "server.log",
                       env={"HOME": str(home), "COURSEKIT_MAX_TEXTS": "16"})
    yield srv
    srv.stop()


def _listening_addresses(pid: int, port: int) -> set[str]:
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    found = set()
    for proc in procs:
        for conn in proc.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port:
                found.add(conn.laddr.ip)
    return found


def test_health_route_answers(server):
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200 and response.read().decode().strip() == "Healthy"


def test_listens_on_loopback_only(server):
    assert _listening_addresses(server.pid, server.port) == {"127.0.0.1"}


def test_scores_texts_over_http(server):
    status, body = server.score({"texts": ["Fantastic blender, I use it daily.", "Stopped working in a week."]})
    assert status == 200
    assert len(body["predictions"]) == 2
    assert all(p["label"] in ("NEGATIVE", "POSITIVE") for p in body["predictions"])
    assert body["model"]["file"] == "model.int8.onnx"
    status, body = server.score({"text": "one text"})
    assert status == 200 and len(body["predictions"]) == 1


@pytest.mark.parametrize("payload, fragment", [
    ("{this is not json", "not valid JSON"),
    ({"reviews": ["x"]}, "missing key 'texts'"),
    ({"texts": []}, "'texts' is empty"),
    ({"texts": ["fine", 42]}, "texts[1] must be a string"),
    ({"texts": ["x"] * 17}, "the limit is 16"),
    ({"text": "y" * 5001}, "the limit is 5000"),
    ("", "request body is empty"),
])
def test_bad_requests_get_400_with_a_message(server, payload, fragment):
    status, body = server.score(payload)
    assert status == 400, body
    assert fragment in body["message"]


def test_stop_by_pid_ends_server_and_workers(exported, tmp_path):
    srv = start_server(exported, threads=1, log_path=tmp_path / "log.txt", env={"HOME": str(tmp_path)})
    workers = [p.pid for p in psutil.Process(srv.pid).children(recursive=True)]
    assert workers, "gunicorn should have started a worker"
    srv.stop()
    assert not psutil.pid_exists(srv.pid) or psutil.Process(srv.pid).status() == psutil.STATUS_ZOMBIE
    deadline = time.monotonic() + 10
    while any(psutil.pid_exists(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(psutil.pid_exists(w) for w in workers)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()


def test_cli_serve_runs_in_the_foreground_until_interrupted(exported, tmp_path):
    port = free_port()
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "coursekit.cli", "serve", str(exported), "--port", str(port),
                             "--threads", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/score" in first, first
        request = urllib.request.Request(f"http://127.0.0.1:{port}/score", method="POST",
                                         data=json.dumps({"texts": ["nice"]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "stopping the server" in out


def test_cli_serve_refuses_a_busy_port(exported, capsys):
    from coursekit.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", str(exported), "--port", str(busy.getsockname()[1])]) == 2
    err = capsys.readouterr().err
    assert "choose another --port" in err


def test_resolve_export_dir(exported, tmp_path_factory, tmp_path):
    assert resolve_export_dir(exported) == exported
    trained = tmp_path / "trained"
    shutil.copytree(deploy_support.classifier_dir(tmp_path_factory), trained)
    shutil.copytree(exported, trained / "onnx")  # copied after the weights: up to date, no re-export
    assert resolve_export_dir(trained) == trained / "onnx"
    with pytest.raises(ServingError, match="neither an exported model"):
        resolve_export_dir(tmp_path)
    with pytest.raises(ServingError, match="not an exported model folder"):
        start_server(trained, wait=False)


def test_exposure_warning():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert exposure_warning("127.0.0.1") is None
    assert "every network interface" in exposure_warning("0.0.0.0")
    assert "no authentication" in exposure_warning("10.0.0.5")
