"""Slow clients cannot hold the scoring server (issue 24): the guard's request framing, and 50
slowloris connections against a real server while normal requests keep being answered."""
from __future__ import annotations

import json
import socket
import threading
import time
from types import SimpleNamespace

import pytest

from coursekit.serving.http_guard import GuardLimits, PendingRequest, _framing, answer
from coursekit.serving.local_server import free_port, start_server
from coursekit.serving.settings import DEFAULT_SETTINGS

LIMITS = GuardLimits(header_timeout_s=2, body_timeout_s=3, max_body_bytes=1000)


def _pending(data: bytes = b"") -> PendingRequest:
    return PendingRequest(SimpleNamespace(client=("127.0.0.1", 5)), LIMITS, data)


@pytest.mark.parametrize("head, expected", [
    (b"GET / HTTP/1.1\r\nHost: x", (None, False)),
    (b"POST /score HTTP/1.1\r\nContent-Length: 12", (12, False)),
    (b"POST /score HTTP/1.1\r\ncontent-length: 12\r\nExpect: 100-continue", (12, True)),
    (b"POST /score HTTP/1.1\r\nTransfer-Encoding: chunked", ("chunked", False)),
    (b"POST /score HTTP/1.1\r\nContent-Length: 5000", (None, False)),  # over the limit: 413 without reading
    (b"POST /score HTTP/1.1\r\nContent-Length: ab", (None, False)),  # malformed: gunicorn's 400 at once
])
def test_framing_of_the_request_head(head, expected):
    assert _framing(head, LIMITS.max_body_bytes) == expected


def test_a_request_goes_to_a_thread_only_when_complete():
    pending = _pending()
    head = b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n"
    for byte in head[:-1]:
        assert pending.feed(bytes([byte])) is False  # one byte at a time: no thread is taken
    assert pending.feed(head[-1:]) is False and pending.head_end == len(head)
    assert pending.feed(b'{"text": "hi"') is False
    assert pending.feed(b"}") is True and bytes(pending.buf).endswith(b'{"text": "hi"}')


def test_expect_continue_is_answered_by_the_guard_and_the_header_dropped():
    pending = _pending()
    ready = pending.feed(b"POST /score HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
    assert ready is False and pending.send_continue is True and b"Expect" not in bytes(pending.buf)
    assert pending.feed(b"{}") is True and bytes(pending.buf).endswith(b"\r\n\r\n{}")


def test_chunked_bodies_and_deadlines():
    pending = _pending(b"")
    assert pending.feed(b"POST /score HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n") is False
    assert pending.feed(b"0\r\n\r\n") is True
    late = _pending()
    late.feed(b"POST /sc")
    assert not late.expired(time.monotonic()) and late.expired(time.monotonic() + LIMITS.header_timeout_s + 0.01)
    reply = answer(408, "Request Timeout", "too slow")
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and reply.endswith(b'{"message": "too slow"}')


# --- a real server ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(offline_export, tmp_path_factory):
    exported = offline_export
    home = tmp_path_factory.mktemp("guard-home")
    settings = DEFAULT_SETTINGS.with_changes(workers=1, http_threads=2, header_timeout_s=4, max_pending_per_client=64)
    srv = start_server(exported, port=free_port(), settings=settings, log_path=home / "server.log",
                       env={"HOME": str(home)})
    yield srv
    srv.stop()


def _slowloris(port: int, stop: threading.Event, answers: list) -> None:
    """Send a request head one byte every 0.2 s (bounded: stops at ``stop`` or when answered)."""
    head = b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
        for byte in head:
            if stop.is_set():
                break
            try:
                sock.send(bytes([byte]))
                reply = sock.recv(200)
            except socket.timeout:
                continue
            except OSError:
                reply = b"reset"
            answers.append(reply[:12] or b"closed")
            return
        answers.append(b"not answered")


@pytest.mark.slow
def test_fifty_slow_connections_do_not_starve_normal_requests(server):
    stop, answers = threading.Event(), []
    slow = [threading.Thread(target=_slowloris, args=(server.port, stop, answers), daemon=True) for _ in range(50)]
    for t in slow:
        t.start()
    try:
        deadline = time.monotonic() + 1.0  # every slow connection is open and dripping before the normal ones
        while time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(20):
            started = time.monotonic()
            status, body = server.score({"texts": ["Great product, fast delivery!"]}, timeout=5)
            assert status == 200 and body["predictions"], body
            assert time.monotonic() - started < 2.0  # answered while 50 heads are still arriving
        assert not answers  # they really were still open
    finally:
        for t in slow:
            t.join(15)  # the 4 s header deadline answers them: no stop needed
        stop.set()
    assert len(answers) == 50 and set(answers) == {b"HTTP/1.1 408"}, set(answers)
