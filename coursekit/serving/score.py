"""Azure ML scoring script: the exported sentiment classifier on ONNX Runtime.

The inference server (``azmlinfsrv``, locally and on a managed online endpoint) calls
``init()`` once per worker and ``run(raw_data)`` per request. This file is the whole
entry script: it is uploaded on its own as the deployment's code, so it imports nothing
from ``coursekit`` and needs only ONNX Runtime, ``tokenizers``, numpy and the server
(see ``endpoint-conda.yml`` next to it) -- no torch, no transformers, which keeps the
image small and the start fast.

Requests: ``{"texts": ["...", ...]}`` or ``{"text": "..."}``.
Response: ``{"predictions": [{"label", "score", "probabilities"}], "model": {...}}``.
A request the caller got wrong gets HTTP 400 with ``{"message": "..."}`` naming the
problem (the key the server itself uses for its own errors).

Settings (environment variables): ``COURSEKIT_ONNX_MODEL`` (graph file name, default
the manifest's choice, usually ``model.int8.onnx``), ``COURSEKIT_MAX_TEXTS`` (64),
``COURSEKIT_MAX_CHARS`` (5000 characters per text), ``COURSEKIT_ORT_THREADS``.
"""
from __future__ import annotations

import html
import json
import logging
import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import onnxruntime as ort
from azureml_inference_server_http.api.aml_response import AMLResponse
from tokenizers import Tokenizer

MANIFEST_NAME = "export.json"
DEFAULT_MAX_TEXTS = 64
DEFAULT_MAX_CHARS = 5000

logger = logging.getLogger("coursekit.score")


class RequestError(ValueError):
    """The caller's mistake: answered with HTTP 400 and this message."""


# --- text cleaning: the training pipeline's default coursekit.data.clean_text ----------
# Copied so the endpoint needs no coursekit install; tests/test_serving_score.py checks
# that both give identical output.
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,100}>")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPECIAL = re.compile(r"[^0-9a-zA-Z\s.,!?'\-:;()]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Strip markup and URLs, normalize Unicode, drop special characters, lower-case."""
    text = html.unescape(_TAG.sub(" ", _BR.sub(" ", text)))
    text = _URL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    text = _SPECIAL.sub(" ", text).lower()
    return _SPACES.sub(" ", text).strip()


# --- request validation ------------------------------------------------------------------
def parse_request(raw, *, max_texts: int = DEFAULT_MAX_TEXTS, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
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
            raise RequestError('request body is empty; send JSON such as {"texts": ["great product"]}')
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RequestError(
                f"request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
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
        raise RequestError(f"unexpected key(s) {', '.join(repr(k) for k in unknown)}; only 'texts' or 'text' is read")
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
    for i, text in enumerate(texts):
        where = field if field == "text" else f"texts[{i}]"
        if not isinstance(text, str):
            raise RequestError(f"{where} must be a string, got a JSON {_json_type(text)}")
        if not text.strip():
            raise RequestError(f"{where} is empty or only whitespace")
        if len(text) > max_chars:
            raise RequestError(f"{where} has {len(text)} characters; the limit is {max_chars}")
    return texts


def _json_type(value) -> str:
    for kind, name in ((bool, "boolean"), (int, "number"), (float, "number"), (str, "string"),
                       (list, "array"), (dict, "object"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


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
    """Tokenize with ``tokenizers``, run the ONNX graph, return labels and probabilities."""

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
        self.clean = bool(self.manifest.get("clean_text", False))

        self.tokenizer = Tokenizer.from_file(str(self.export_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.enable_padding(pad_id=int(self.manifest.get("pad_token_id", 0)),
                                      pad_type_id=int(self.manifest.get("pad_token_type_id", 0)),
                                      pad_token=self.manifest.get("pad_token", "[PAD]"))

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.export_dir / self.model_file), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def encode(self, texts: list[str]) -> dict[str, np.ndarray]:
        """int64 arrays for every graph input, padded to the longest text in the batch."""
        if self.clean:
            texts = [clean_text(t) for t in texts]
        encodings = self.tokenizer.encode_batch(texts)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {name: arrays[name] for name in self.input_names}

    def logits(self, texts: list[str]) -> np.ndarray:
        return self.session.run(["logits"], self.encode(texts))[0]

    def predict(self, texts: list[str]) -> list[dict]:
        """One ``{"label", "score", "probabilities"}`` dict per text."""
        logits = self.logits(texts).astype(np.float64)
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
        return {"file": self.model_file, "labels": self.labels, "max_length": self.max_length,
                "source": self.manifest.get("source_model", ""), "cleans_text": self.clean}


# --- the entry points the inference server calls ------------------------------------------
classifier: OnnxSentimentClassifier | None = None
limits = {"max_texts": DEFAULT_MAX_TEXTS, "max_chars": DEFAULT_MAX_CHARS}


def init() -> None:
    """Load the model from ``$AZUREML_MODEL_DIR`` (set by the server's ``--model_dir``)."""
    global classifier
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: start the server with --model_dir EXPORTED_FOLDER")
    limits["max_texts"] = int(os.environ.get("COURSEKIT_MAX_TEXTS", DEFAULT_MAX_TEXTS))
    limits["max_chars"] = int(os.environ.get("COURSEKIT_MAX_CHARS", DEFAULT_MAX_CHARS))
    threads = os.environ.get("COURSEKIT_ORT_THREADS")
    classifier = OnnxSentimentClassifier(find_export_dir(root), os.environ.get("COURSEKIT_ONNX_MODEL") or None,
                                         int(threads) if threads else None)
    logger.info("loaded %s (%s labels, max_length %d)", classifier.model_file, len(classifier.labels),
                classifier.max_length)


def run(raw_data):
    """Score one request; 400 for the caller's mistakes, predictions otherwise."""
    if classifier is None:
        raise RuntimeError("init() has not been called")
    try:
        texts = parse_request(raw_data, **limits)
    except RequestError as exc:
        return AMLResponse({"message": str(exc)}, 400, json_str=True)
    return {"predictions": classifier.predict(texts), "model": classifier.describe()}
