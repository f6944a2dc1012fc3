"""Azure ML scoring script: the exported sentiment classifier on ONNX Runtime.

The inference server (``azmlinfsrv``, locally and on a managed online endpoint) calls
``init()`` once per worker and ``run(request)`` per request. This file is the whole
entry script: it is uploaded on its own as the deployment's code, so it imports nothing
from ``coursekit`` and needs only ONNX Runtime, ``tokenizers``, numpy and the server
(see ``endpoint-conda.yml`` next to it) -- no torch, no transformers, which keeps the
image small and the start fast.

Requests: ``POST {"texts": ["...", ...]}`` or ``{"text": "..."}``.
Response: ``{"predictions": [{"label", "score", "probabilities"}], "model": {...}}``.
A request the caller got wrong gets HTTP 400 with ``{"message": "..."}`` naming the
problem (the key the server itself uses for its own errors); a body over the size limit
gets 413 before it is read, one that does not arrive in time gets 408.

Settings (environment variables): ``COURSEKIT_ONNX_MODEL`` (graph file name, default
the manifest's choice, usually ``model.int8.onnx``), ``COURSEKIT_MAX_TEXTS`` (64 per
request), ``COURSEKIT_MAX_CHARS`` (5000 per text), ``COURSEKIT_MAX_TOTAL_CHARS`` (10000
per request: texts x length bounds what one request costs), ``COURSEKIT_MAX_BODY_BYTES``
(1 MiB), ``COURSEKIT_BODY_TIMEOUT_S`` (10 s to receive a body), ``COURSEKIT_ORT_THREADS``.
"""
from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import socket
import threading
import time
import unicodedata
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one request, one thread: no tokenizer thread pool

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
from azureml_inference_server_http.api.aml_request import rawhttp  # noqa: E402
from azureml_inference_server_http.api.aml_response import AMLResponse  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

MANIFEST_NAME = "export.json"
RUN_CARD_NAME = "coursekit.json"
LIMITS = {  # setting -> (environment variable, default)
    "max_texts": ("COURSEKIT_MAX_TEXTS", 64),
    "max_chars": ("COURSEKIT_MAX_CHARS", 5000),
    "max_total_chars": ("COURSEKIT_MAX_TOTAL_CHARS", 10000),
    "max_body_bytes": ("COURSEKIT_MAX_BODY_BYTES", 1 << 20),
    "body_timeout_s": ("COURSEKIT_BODY_TIMEOUT_S", 10.0),
}
DEFAULT_MAX_TEXTS = LIMITS["max_texts"][1]
DEFAULT_MAX_CHARS = LIMITS["max_chars"][1]
DEFAULT_MAX_TOTAL_CHARS = LIMITS["max_total_chars"][1]

logger = logging.getLogger("coursekit.score")


class RequestError(ValueError):
    """The caller's mistake: answered with ``status`` (400 unless said) and this message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# --- text cleaning: the training pipeline's coursekit.data.clean_text ------------------------
# Copied so the endpoint needs no coursekit install; tests/test_serving_score.py checks
# that both give identical output for every combination of steps.
CLEANING_STEPS = ("strip_html", "remove_urls", "normalize_unicode", "remove_special", "lowercase")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,100}>")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPECIAL = re.compile(r"[^0-9a-zA-Z\s.,!?'\-:;()]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str, steps: dict | None = None) -> str:
    """Strip markup and URLs, normalize Unicode, drop special characters, lower-case
    (each step unless ``steps`` turns it off; all on by default, as in training)."""
    on = {step: True for step in CLEANING_STEPS} | dict(steps or {})
    if on["strip_html"]:
        text = html.unescape(_TAG.sub(" ", _BR.sub(" ", text)))
    if on["remove_urls"]:
        text = _URL.sub(" ", text)
    if on["normalize_unicode"]:
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    if on["remove_special"]:
        text = _SPECIAL.sub(" ", text)
    if on["lowercase"]:
        text = text.lower()
    return _SPACES.sub(" ", text).strip()


def cleaning_of(export_dir: Path, manifest: dict) -> dict | None:
    """The cleaning steps training used: the run card's (copied into ``export.json`` by the
    export, or a ``coursekit.json`` beside it), else the manifest's ``clean_text`` flag
    (every step or none). ``None`` means the model sees the raw text."""
    card = manifest.get("run_card")
    if not isinstance(card, dict) and (export_dir / RUN_CARD_NAME).is_file():
        card = json.loads((export_dir / RUN_CARD_NAME).read_text(encoding="utf-8"))
    if isinstance(card, dict) and "cleaning" in card:
        steps = card["cleaning"]
        return None if steps is None else {k: bool(v) for k, v in steps.items() if k in CLEANING_STEPS}
    return {step: True for step in CLEANING_STEPS} if manifest.get("clean_text", False) else None


# --- request validation ------------------------------------------------------------------
def parse_request(raw, *, max_texts: int = DEFAULT_MAX_TEXTS, max_chars: int = DEFAULT_MAX_CHARS,
                  max_total_chars: int = DEFAULT_MAX_TOTAL_CHARS) -> list[str]:
    """The texts of a request body (JSON text, bytes or an already-decoded object).

    Raises :class:`RequestError` with a message naming what is wrong.
    """
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestError(f"request body is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if isinstance(raw, str):
        if not raw.strip():
            raise RequestError('request body is empty; send JSON such as {"texts": ["Great style!"]}')
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RequestError(
                f"request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise RequestError("request body is JSON nested too deeply; send a flat {\"texts\": [...]}") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise RequestError(f"request body is not usable JSON: {str(exc).split(';')[0]}") from None
    if not isinstance(raw, dict):
        raise RequestError(f"expected a JSON object with a 'texts' list, got a JSON {_json_type(raw)}")
    known = {"texts", "text"} & set(raw)
    if not known:
        keys = ", ".join(repr(k) for k in list(raw)[:10]) or "none"
        raise RequestError(f"missing key 'texts' (a list of strings) or 'text' (one string); got keys: {keys}")
    if len(known) == 2:
        raise RequestError("send either 'texts' or 'text', not both")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RequestError(f"unexpected key(s) {', '.join(repr(k) for k in unknown[:10])}; "
                           "only 'texts' or 'text' is read")
    if "text" in raw:
        texts, field = [raw["text"]], "text"
        if not isinstance(raw["text"], str):
            raise RequestError(f"'text' must be a string, got a JSON {_json_type(raw['text'])}")
    else:
        texts, field = raw["texts"], "texts"
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list):
            raise RequestError(f"'texts' must be a list of strings, got a JSON {_json_type(texts)}")
        if not texts:
            raise RequestError("'texts' is empty; send at least one text")
        if len(texts) > max_texts:
            raise RequestError(f"'texts' holds {len(texts)} texts; the limit is {max_texts} per request")
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


def _json_type(value) -> str:
    for kind, name in ((bool, "boolean"), (int, "number"), (float, "number"), (str, "string"),
                       (list, "array"), (dict, "object"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


# --- reading the body: size limit first, then a deadline ------------------------------------
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


# --- the model ---------------------------------------------------------------------------
def find_export_dir(root: str | os.PathLike) -> Path:
    """The folder holding ``export.json``: ``root`` itself or one folder below it.

    Azure ML mounts a registered folder *inside* ``AZUREML_MODEL_DIR``, under the
    folder's own name; locally the server is pointed at the folder directly.
    """
    root = Path(root)
    if (root / MANIFEST_NAME).is_file():
        return root
    below = sorted(p.parent for p in root.glob(f"*/{MANIFEST_NAME}"))
    if len(below) == 1:
        return below[0]
    if not root.is_dir():
        raise FileNotFoundError(f"model folder {root} does not exist")
    if below:
        raise FileNotFoundError(f"{root} holds several exported models ({', '.join(p.name for p in below)}); "
                                "point AZUREML_MODEL_DIR at one of them")
    raise FileNotFoundError(f"no {MANIFEST_NAME} in {root} or its sub-folders: export the model first "
                            "(coursekit export MODEL_DIR --output DIR)")


class OnnxSentimentClassifier:
    """Clean and tokenize like training did, run the ONNX graph, return labels and probabilities."""

    def __init__(self, export_dir: str | os.PathLike, model_file: str | None = None, threads: int | None = None):
        self.export_dir = Path(export_dir)
        self.manifest = json.loads((self.export_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = self.manifest["files"]
        self.model_file = model_file or files.get(self.manifest.get("serve", "fp32"), files["fp32"])
        if not (self.export_dir / self.model_file).is_file():
            raise FileNotFoundError(f"{self.export_dir / self.model_file} does not exist "
                                    f"(files in the export: {', '.join(files.values())})")
        self.labels = list(self.manifest["labels"])
        self.max_length = int(self.manifest["max_length"])
        self.cleaning = cleaning_of(self.export_dir, self.manifest)
        self.clean = self.cleaning is not None

        self.tokenizer = Tokenizer.from_file(str(self.export_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.enable_padding(pad_id=int(self.manifest.get("pad_token_id", 0)),
                                      pad_type_id=int(self.manifest.get("pad_token_type_id", 0)),
                                      pad_token=self.manifest.get("pad_token", "[PAD]"))

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting between requests
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.export_dir / self.model_file), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.description = {"file": self.model_file, "labels": self.labels, "max_length": self.max_length,
                            "source": self.manifest.get("source_model", ""), "cleans_text": self.clean}

    def prepare(self, texts: list[str]) -> list[str]:
        """The texts as the model sees them (cleaned the way training cleaned them)."""
        return [clean_text(t, self.cleaning) for t in texts] if self.clean else list(texts)

    def encode(self, texts: list[str], prepared: bool = False) -> dict[str, np.ndarray]:
        """int64 arrays for every graph input, padded to the longest text in the batch."""
        encodings = self.tokenizer.encode_batch(texts if prepared else self.prepare(texts))
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {name: arrays[name] for name in self.input_names}

    def logits(self, texts: list[str], prepared: bool = False) -> np.ndarray:
        return self.session.run(["logits"], self.encode(texts, prepared))[0]

    def predict(self, texts: list[str], prepared: bool = False) -> list[dict]:
        """One ``{"label", "score", "probabilities"}`` dict per text."""
        logits = self.logits(texts, prepared).astype(np.float64)
        shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs = shifted / shifted.sum(axis=-1, keepdims=True)
        out = []
        for row in probs:
            best = int(row.argmax())
            out.append({
                "label": self.labels[best],
                "score": round(float(row[best]), 6),
                "probabilities": {label: round(float(p), 6) for label, p in zip(self.labels, row)},
            })
        return out

    def describe(self) -> dict:
        return dict(self.description)


# --- the entry points the inference server calls ------------------------------------------
classifier: OnnxSentimentClassifier | None = None
limits = {name: default for name, (_, default) in LIMITS.items()}


def init() -> None:
    """Load the model from ``$AZUREML_MODEL_DIR`` (set by the server's ``--model_dir``)."""
    global classifier
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: start the server with --model_dir EXPORTED_FOLDER")
    for name, (variable, default) in LIMITS.items():
        limits[name] = type(default)(os.environ.get(variable) or default)
    threads = os.environ.get("COURSEKIT_ORT_THREADS")
    classifier = OnnxSentimentClassifier(find_export_dir(root), os.environ.get("COURSEKIT_ONNX_MODEL") or None,
                                         int(threads) if threads else None)
    logger.info("loaded %s (%s labels, max_length %d)", classifier.model_file, len(classifier.labels),
                classifier.max_length)


def score(raw) -> dict:
    """Predictions for one request body (JSON text, bytes or a decoded object)."""
    texts = parse_request(raw, max_texts=limits["max_texts"], max_chars=limits["max_chars"],
                          max_total_chars=limits["max_total_chars"])
    prepared = classifier.prepare(texts)
    for i, text in enumerate(prepared):
        if not text:
            where = "the text" if len(texts) == 1 else f"texts[{i}]"
            raise RequestError(f"{where} has nothing left to classify after cleaning (only emoji, markup, "
                               "links or invisible characters)")
    return {"predictions": classifier.predict(prepared, prepared=True), "model": classifier.describe()}


@rawhttp
def run(request):
    """Score one request: the HTTP request itself (the server passes it raw, so the body's
    size and arrival time are checked before it is read), or a body for in-process use.
    Errors the caller made get 4xx with a message, predictions otherwise."""
    if classifier is None:
        raise RuntimeError("init() has not been called")
    try:
        if hasattr(request, "environ") and hasattr(request, "method"):
            if request.method != "POST":
                return AMLResponse({"message": f"{request.method} is not supported; POST the JSON to /score"},
                                   405, json_str=True)
            request = read_body(request.environ, limits["max_body_bytes"], limits["body_timeout_s"])
        return score(request)
    except RequestError as exc:
        return AMLResponse({"message": str(exc)}, exc.status, json_str=True)
