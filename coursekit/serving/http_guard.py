"""Slow clients cannot hold the scoring server: header deadlines and connection caps.

gunicorn's threaded worker (``gthread``, what azmlinfsrv runs here with ``--threads``)
hands a connection to a thread as soon as its first byte arrives; the thread then blocks
until the request's headers are complete. A client sending one header byte per second
holds a thread for as long as it likes: 6 such clients stop a 2 x 3 server (issue 24).

The guard reads every request -- headers and body -- in the worker's event loop, which
costs no thread, and hands the connection to a thread only once the whole request is
there. Each request has a **header deadline** (``COURSEKIT_HEADER_TIMEOUT_S``, counted
from its first byte) and then a **body deadline** (``COURSEKIT_BODY_TIMEOUT_S``); a
request not in by then is answered 408 and closed. Each worker holds at most
``COURSEKIT_MAX_PENDING`` unfinished requests, and ``COURSEKIT_MAX_PENDING_PER_CLIENT``
from one address: past a cap the oldest unfinished one is answered 429 and closed (slow
clients are the old ones; a normal request completes in a millisecond). gunicorn's
``--worker-connections`` caps all connections of a worker. Bodies over
``COURSEKIT_MAX_BODY_BYTES`` go to a thread at once, which answers 413 without reading.

Installed by ``score.init()``, which runs inside the gunicorn worker before it serves:
the worker's class is swapped for a subclass with the guard (:func:`install`). So the
same code guards the local server and the Azure ML deployment, with no import path for
gunicorn to know. ``COURSEKIT_GUARD=0`` turns it off. Part of the endpoint's code folder:
imports nothing from ``coursekit``.
"""
from __future__ import annotations

import json
import logging
import os
import selectors
import sys
import time
from dataclasses import dataclass

logger = logging.getLogger("coursekit.score")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@dataclass(frozen=True)
class GuardLimits:
    header_timeout_s: float = 5.0
    body_timeout_s: float = 10.0
    max_body_bytes: int = 1 << 20
    max_header_bytes: int = 64 * 1024
    max_pending: int = 128
    max_pending_per_client: int = 32

    @classmethod
    def from_environment(cls, env=os.environ) -> "GuardLimits":
        names = {"header_timeout_s": "COURSEKIT_HEADER_TIMEOUT_S", "body_timeout_s": "COURSEKIT_BODY_TIMEOUT_S",
                 "max_body_bytes": "COURSEKIT_MAX_BODY_BYTES", "max_pending": "COURSEKIT_MAX_PENDING",
                 "max_pending_per_client": "COURSEKIT_MAX_PENDING_PER_CLIENT"}
        values = {}
        for field, variable in names.items():
            if env.get(variable):
                values[field] = type(getattr(cls, field))(float(env[variable]))
        return cls(**values)


class PendingRequest:
    """The bytes of one request read so far, and when it must be complete."""

    def __init__(self, conn, limits: GuardLimits, data: bytes = b""):
        self.conn, self.limits, self.buf = conn, limits, bytearray(data)
        self.client = conn.client[0] if isinstance(conn.client, (tuple, list)) else str(conn.client)
        self.deadline = time.monotonic() + limits.header_timeout_s
        self.head_end = None  # index after the blank line, once the headers are in
        self.body = None  # bytes of body wanted, "chunked", or None for no body
        self.send_continue = False

    def feed(self, data: bytes) -> bool:
        """Add received bytes; True once the request can go to a thread."""
        self.buf += data
        if self.head_end is None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return len(self.buf) > self.limits.max_header_bytes  # let gunicorn refuse it
            self.head_end = end + 4
            self.deadline = time.monotonic() + self.limits.body_timeout_s
            self.body, expects = _framing(bytes(self.buf[:end]), self.limits.max_body_bytes)
            if expects and self.body is not None:  # answer 100 ourselves, and drop the header
                self.send_continue = True
                self.buf = _without_expect(self.buf, self.head_end)
                self.head_end = self.buf.find(b"\r\n\r\n") + 4
        return self._complete()

    def _complete(self) -> bool:
        got = len(self.buf) - self.head_end
        if self.body is None:
            return True
        if self.body == "chunked":
            return got > self.limits.max_body_bytes or self.buf.find(b"0\r\n\r\n", self.head_end) >= 0
        return got >= self.body

    def expired(self, now: float) -> bool:
        return now >= self.deadline


def _framing(head: bytes, max_body: int):
    """(body bytes wanted | "chunked" | None, Expect: 100-continue?) from the request head."""
    length, chunked, expects = None, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            if not value.isdigit():
                return None, False  # malformed: gunicorn answers 400 at once
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"expect" and value == b"100-continue":
            expects = True
    if chunked:
        return "chunked", expects
    if length is None or length == 0 or length > max_body:
        return None, False  # no body, or one score.py refuses (413) without reading it
    return length, expects


def _without_expect(buf: bytearray, head_end: int) -> bytearray:
    lines = bytes(buf[:head_end - 4]).split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith(b"expect:")]
    return bytearray(b"\r\n".join(kept) + b"\r\n\r\n") + buf[head_end:]


def answer(status: int, reason: str, message: str) -> bytes:
    body = json.dumps({"message": message}).encode()
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nConnection: close\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class GuardedWorkerMixin:
    """Methods that put the guard in front of gunicorn's ``ThreadWorker`` (see the module docstring)."""

    def enqueue_req(self, conn):
        if getattr(conn, "guard_vetted", False):
            conn.guard_vetted = False
            return super().enqueue_req(conn)
        conn.sock.setblocking(False)
        early = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        pending = PendingRequest(conn, self.guard_limits, b"")
        self._guard_make_room(pending.client)
        self.guard_pending[conn] = pending
        if early and pending.feed(early):
            return self._guard_release(pending, registered=False)
        self.poller.register(conn.sock, selectors.EVENT_READ, lambda sock, p=pending: self._guard_readable(p))

    def _guard_readable(self, pending):
        try:
            data = pending.conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            return self._guard_close(pending, registered=True)
        ready = pending.feed(data)
        if pending.send_continue:
            pending.send_continue = False
            _send_quietly(pending.conn.sock, CONTINUE)
        if ready:
            self._guard_release(pending, registered=True)

    def _guard_release(self, pending, registered: bool):
        conn = pending.conn
        self._guard_forget(pending, registered)
        conn.guard_buffer, conn.guard_vetted, conn.data_ready = bytes(pending.buf), True, True
        self.enqueue_req(conn)

    def handle(self, conn):
        buffered = getattr(conn, "guard_buffer", None)
        if buffered:
            conn.guard_buffer = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(buffered)
        return super().handle(conn)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for pending in [p for p in self.guard_pending.values() if p.expired(now) or not self.alive]:
            part = "headers" if pending.head_end is None else "body"
            limit = self.guard_limits.header_timeout_s if part == "headers" else self.guard_limits.body_timeout_s
            _send_quietly(pending.conn.sock, answer(408, "Request Timeout",
                                                    f"the request {part} did not arrive within {limit:g} s"))
            self._guard_close(pending, registered=True)

    def _guard_make_room(self, client: str) -> None:
        """Past a cap, the oldest unfinished request (of this client, else of anyone) is closed."""
        mine = [p for p in self.guard_pending.values() if p.client == client]
        victim = None
        if len(mine) >= self.guard_limits.max_pending_per_client:
            victim = mine[0]
        elif len(self.guard_pending) >= self.guard_limits.max_pending:
            victim = next(iter(self.guard_pending.values()))
        if victim is not None:
            _send_quietly(victim.conn.sock, answer(429, "Too Many Requests",
                                                   "too many unfinished requests are open; finish or close them"))
            self._guard_close(victim, registered=True)

    def _guard_forget(self, pending, registered: bool):
        self.guard_pending.pop(pending.conn, None)
        if registered:
            try:
                self.poller.unregister(pending.conn.sock)
            except (KeyError, ValueError, OSError):
                pass

    def _guard_close(self, pending, registered: bool):
        self._guard_forget(pending, registered)
        self.nr_conns -= 1
        pending.conn.close()


def _send_quietly(sock, data: bytes) -> None:
    try:
        sock.send(data)  # non-blocking, best effort: a client that reads nothing gets nothing
    except OSError:
        pass


def install(limits: GuardLimits | None = None) -> bool:
    """Guard the gunicorn threaded worker that is running this code (called from ``score.init()``,
    which runs inside the worker's start-up). False when there is none (in-process use, a
    preloaded app, another worker class)."""
    try:
        from gunicorn.workers.gthread import ThreadWorker
    except ImportError:
        return False
    frame = sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("self"), ThreadWorker):
        frame = frame.f_back
    if frame is None:
        return False
    worker = frame.f_locals["self"]
    if not isinstance(worker, GuardedWorkerMixin):
        worker.__class__ = type(f"Guarded{type(worker).__name__}", (GuardedWorkerMixin, type(worker)), {})
        worker.guard_pending = {}
    worker.guard_limits = limits or GuardLimits.from_environment()
    return True


def install_from_environment(env=os.environ) -> bool:
    if (env.get("COURSEKIT_GUARD") or "1").strip().lower() in ("0", "off", "false", "no"):
        return False
    return install(GuardLimits.from_environment(env))
