"""The scoring script in the real azmlinfsrv process: HTTP on loopback, good and bad requests,
slow and oversized requests. (Starting and stopping the server: test_serving_cli.py.)"""
from __future__ import annotations

import json
import shutil
import socket
import urllib.error
import urllib.request

import psutil
import pytest

from coursekit.errors import ServingError
from coursekit.serving.inference_server import exposure_warning, is_loopback
from coursekit.serving.local_server import free_port, resolve_export_dir, start_server
from coursekit.serving.settings import ServerSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def exported(offline_export):
    return offline_export


# one worker with four threads: what one slow client holds is a thread, not the worker
SETTINGS = ServerSettings(workers=1, http_threads=4, ort_threads=1, max_texts=16, max_body_bytes=64 * 1024,
                          body_timeout_s=2)


@pytest.fixture(scope="module")
def server(exported, tmp_path_factory):
    home = tmp_path_factory.mktemp("server-home")
    srv = start_server(exported, port=free_port(), settings=SETTINGS, log_path=home / "server.log",
                       env={"HOME": str(home)})
    yield srv
    srv.stop()


def _raw_exchange(port: int, head: bytes, body: bytes = b"", wait: float = 30.0) -> bytes:
    """Send ``head`` + ``body`` on a fresh connection and return what the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head + body)
        return _read_response(sock)


def _read_response(sock) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _content_length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _content_length(data: bytes) -> int:
    for line in data.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def _post_head(port: int, length: int | None, extra: str = "") -> bytes:
    framing = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (f"POST /score HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"{framing}{extra}\r\n").encode()


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
    ("[" * 30_000, "nested too deeply"),
    ('{"text": %s}' % ("9" * 5000), "not usable JSON"),
    ({"texts": ["fine", "\U0001F600\U0001F389"]}, "texts[1] has nothing left to classify after cleaning"),
    ({"text": "\u200b\u200b"}, "nothing left to classify"),
    ({"text": "<p><br/></p>"}, "nothing left to classify"),
    ({"texts": ["y" * 4000] * 6}, "24000 characters in all"),
])
def test_bad_requests_get_400_with_a_message(server, payload, fragment):
    status, body = server.score(payload)
    assert status == 400, body
    assert fragment in body["message"]


def test_get_is_refused_with_405(server):
    request = urllib.request.Request(server.score_url, method="GET")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 405 and "POST" in json.loads(info.value.read())["message"]


def test_a_held_connection_does_not_block_other_requests(server):
    """A client that sends 4 bytes of a 100-byte body and waits holds one thread, not the server;
    at the body deadline it is answered 408 and its thread is free again."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as slow:
        slow.sendall(_post_head(server.port, 100) + b'{"te')
        for _ in range(3):
            status, body = server.score({"text": "still answered"}, timeout=20)
            assert status == 200, body
        answer = _read_response(slow)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"did not arrive within 2 s" in answer


def test_an_oversized_body_gets_413_before_it_is_read(server):
    # announces a gigabyte and sends none of it: the answer comes from the header alone
    answer = _raw_exchange(server.port, _post_head(server.port, 10**9))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"over the limit of 65536 bytes" in answer


def test_an_oversized_chunked_body_gets_413(server):
    payload = json.dumps({"text": "x" * 70_000}).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 8192]), payload[i:i + 8192])
                       for i in range(0, len(payload), 8192)) + b"0\r\n\r\n"
    answer = _raw_exchange(server.port, _post_head(server.port, None), chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_normal_start_logs_no_traceback(server):
    server.score({"text": "fine"})
    log = server.log_path.read_text(errors="replace")
    assert "Worker with pid" in log and "Traceback" not in log, log[-3000:]


def test_resolve_export_dir(exported, offline_classifier, tmp_path):
    assert resolve_export_dir(exported) == exported
    trained = tmp_path / "trained"
    shutil.copytree(offline_classifier, trained)
    shutil.copytree(exported, trained / "onnx")  # copied after the weights: up to date, no re-export
    assert resolve_export_dir(trained) == trained / "onnx"
    with pytest.raises(ServingError, match="neither an exported model"):
        resolve_export_dir(tmp_path)
    with pytest.raises(ServingError, match="not an exported model folder"):
        start_server(trained, wait=False)


def test_a_trained_model_is_served_as_its_run_card_says(offline_classifier, tmp_path):
    """`coursekit serve MODEL` exports with the run card's max length and cleaning, once."""
    from coursekit.model_folder import RunCard, model_fingerprint, write_run_card
    from coursekit.serving import score

    trained = tmp_path / "trained"
    shutil.copytree(offline_classifier, trained)
    cleaning = {"strip_html": True, "remove_urls": True, "normalize_unicode": True, "remove_special": False,
                "lowercase": True}
    write_run_card(trained, RunCard(tier="offline", base_model="minilm", max_length=32, labels=["NEGATIVE", "POSITIVE"],
                                    cleaning=cleaning, data={}, split={"seed": 0},
                                    model_fingerprint=model_fingerprint(trained)))
    export = resolve_export_dir(trained)
    assert export == trained / "onnx"
    model = score.OnnxSentimentClassifier(export)
    assert model.max_length == 32 and model.cleaning == cleaning
    stamp = (export / "export.json").stat().st_mtime_ns
    assert resolve_export_dir(trained) == export and (export / "export.json").stat().st_mtime_ns == stamp


def test_exposure_warning():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert exposure_warning("127.0.0.1") is None
    assert "every network interface" in exposure_warning("0.0.0.0")
    assert "no authentication" in exposure_warning("10.0.0.5")
