"""What the scoring script accepts: the request's body, its size, its arrival time and type.

Part of the endpoint's code folder (``coursekit/serving``): imports nothing from
``coursekit``. Every refusal is a :class:`RequestError` with the HTTP status to answer
(400 unless said) and a message of at most :data:`MAX_MESSAGE_CHARS` characters that names
the problem; what the caller sent is quoted cut to :data:`MAX_QUOTE_CHARS`.
"""
from __future__ import annotations

import contextlib
import json
import socket
import threading
import time

MAX_MESSAGE_CHARS = 300
MAX_QUOTE_CHARS = 40
JSON_TYPES = ("application/json",)


class RequestError(ValueError):
    """The caller's mistake: answered with ``status`` (400 unless said) and this message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(cut(message, MAX_MESSAGE_CHARS))
        self.status = status


def cut(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def quote(value) -> str:
    """``repr(value)`` cut to a sane length (a 90,000-character key is not echoed in full)."""
    return cut(repr(value))


def check_content_type(header: str | None) -> None:
    """415 unless the body is declared JSON (``application/json`` or ``*/*+json``, UTF-8).

    A request without the header is read as JSON (some clients send none)."""
    if not header:
        return
    media, *params = [part.strip() for part in header.split(";")]
    media = media.lower()
    charset = next((p.split("=", 1)[1].strip(' "').lower() for p in params if p.lower().startswith("charset=")), "utf-8")
    if (media in JSON_TYPES or media.endswith("+json")) and charset in ("utf-8", "utf8"):
        return
    raise RequestError(f"Content-Type {cut(header)} is not supported: send the JSON body with "
                       "the header 'Content-Type: application/json'", 415)


def parse_request(raw, *, max_texts: int = 64, max_chars: int = 5000, max_total_chars: int = 10000) -> list[str]:
    """The texts of a request body (JSON text, bytes or an already-decoded object).

    Raises :class:`RequestError` with a message naming what is wrong.
    """
    texts, field = _texts_field(_decoded(raw), max_texts)
    total = 0
    for i, text in enumerate(texts):
        where = field if field == "text" else f"texts[{i}]"
        if not isinstance(text, str):
            raise RequestError(f"{where} must be a string, got a JSON {_json_type(text)}")
        if not text.strip():
            raise RequestError(f"{where} is empty or only whitespace")
        if len(text) > max_chars:
            raise RequestError(f"{where} has {len(text)} characters; the limit is {max_chars}")
        total += len(text)
    if total > max_total_chars:
        raise RequestError(f"the texts hold {total} characters in all; the limit is {max_total_chars} per request "
                           "(split them over several requests)")
    return texts


def _decoded(raw):
    """The request body as a JSON value (bytes and text are decoded, objects pass)."""
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestError(f"request body is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not isinstance(raw, str):
        return raw
    if not raw.strip():
        raise RequestError('request body is empty; send JSON such as {"texts": ["great product"]}')
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RequestError(f"request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") \
            from None
    except RecursionError:
        raise RequestError("request body is JSON nested too deeply; send a flat {\"texts\": [...]}") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise RequestError(f"request body is not usable JSON: {cut(str(exc).split(';')[0], 120)}") from None


def _texts_field(raw, max_texts: int) -> tuple[list, str]:
    """The list of texts of a decoded body and the key it came in ('texts' or 'text')."""
    if not isinstance(raw, dict):
        raise RequestError(f"expected a JSON object with a 'texts' list, got a JSON {_json_type(raw)}")
    known = {"texts", "text"} & set(raw)
    if not known:
        keys = ", ".join(quote(k) for k in list(raw)[:10]) or "none"
        raise RequestError(f"missing key 'texts' (a list of strings) or 'text' (one string); got keys: {keys}")
    if len(known) == 2:
        raise RequestError("send either 'texts' or 'text', not both")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RequestError(f"unexpected key(s) {', '.join(quote(k) for k in unknown[:10])}; "
                           "only 'texts' or 'text' is read")
    if "text" in raw:
        if not isinstance(raw["text"], str):
            raise RequestError(f"'text' must be a string, got a JSON {_json_type(raw['text'])}")
        return [raw["text"]], "text"
    texts = raw["texts"]
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list):
        raise RequestError(f"'texts' must be a list of strings, got a JSON {_json_type(texts)}")
    if not texts:
        raise RequestError("'texts' is empty; send at least one text")
    if len(texts) > max_texts:
        raise RequestError(f"'texts' holds {len(texts)} texts; the limit is {max_texts} per request")
    return texts, "texts"


def _json_type(value) -> str:
    for kind, name in ((bool, "boolean"), (int, "number"), (float, "number"), (str, "string"),
                       (list, "array"), (dict, "object"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


class _BodyDeadlines:
    """A thread that shuts the reading side of a connection whose request body is still
    arriving at its deadline: the blocked read then ends at once and the thread serving
    it is free again (a slow client cannot hold it). It runs only while a body is being
    read and sleeps until the nearest deadline; the cost per request is a dict entry."""

    def __init__(self):
        self._cond, self._open, self._thread, self._wake_at = threading.Condition(), {}, None, float("inf")

    @contextlib.contextmanager
    def watch(self, sock, seconds: float):
        state = {"expired": False}
        if sock is None or not hasattr(sock, "shutdown"):
            yield state
            return
        due = time.monotonic() + seconds
        with self._cond:
            self._open[id(state)] = (due, sock, state)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="coursekit-body-deadlines", daemon=True)
                self._thread.start()
            elif due < self._wake_at:
                self._cond.notify()
        try:
            yield state
        finally:
            with self._cond:
                self._open.pop(id(state), None)

    def _run(self) -> None:
        with self._cond:
            try:
                while self._open:
                    now = time.monotonic()
                    for key, (due, sock, state) in list(self._open.items()):
                        if due <= now:
                            del self._open[key]
                            state["expired"] = True
                            with contextlib.suppress(OSError):
                                sock.shutdown(socket.SHUT_RD)
                    if self._open:
                        self._wake_at = min(due for due, _, _ in self._open.values())
                        self._cond.wait(self._wake_at - now)
            finally:
                self._thread, self._wake_at = None, float("inf")


_DEADLINES = _BodyDeadlines()


def read_body(environ: dict, max_bytes: int, timeout_s: float) -> bytes:
    """The request body, refused with 413 from its Content-Length before any of it is read,
    and with 408 when it has not fully arrived after ``timeout_s`` seconds."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        raise RequestError("the Content-Length header is not a number") from None
    if length > max_bytes:
        raise RequestError(f"request body of {length} bytes is over the limit of {max_bytes} bytes; "
                           "send fewer or shorter texts per request", 413)
    if length < 0 and not environ.get("wsgi.input_terminated"):
        length = 0  # no length and no chunked framing: nothing may be read
    want = max_bytes + 1 if length < 0 else length
    stream, chunks, got = environ["wsgi.input"], [], 0
    with _DEADLINES.watch(environ.get("gunicorn.socket"), timeout_s) as watch:
        while got < want:
            try:
                chunk = stream.read(min(1 << 16, want - got))
            except Exception:  # noqa: BLE001 - the connection broke or was cut at the deadline
                chunk = b""
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    if watch["expired"]:
        raise RequestError(f"the request body did not arrive within {timeout_s:g} s", 408)
    if got > max_bytes:
        raise RequestError(f"request body is over the limit of {max_bytes} bytes; "
                           "send fewer or shorter texts per request", 413)
    if 0 <= length != got:
        raise RequestError(f"request body ended after {got} of the {length} bytes announced")
    return b"".join(chunks)
