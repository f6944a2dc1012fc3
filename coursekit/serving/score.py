"""Azure ML scoring script: the exported sentiment classifier on ONNX Runtime.

The inference server (``azmlinfsrv``, locally and on a managed online endpoint) calls
``init()`` once per worker and ``run(request)`` per request. The deployment uploads this
folder (``coursekit/serving``) as its code; the script and its sibling modules import
nothing from ``coursekit`` and need only ONNX Runtime, ``tokenizers``, numpy and the
server (``endpoint-conda.yml``) -- no torch, no transformers, so the image stays small:

- :mod:`.score_request`: what a request may be (JSON, size, arrival time, Content-Type);
- :mod:`.score_text`, :mod:`.score_model`, :mod:`.score_features`: cleaning, the model,
  the derived features the monitor reads;
- :mod:`.score_collect`: request collection (Azure's collector there, JSON Lines here);
- :mod:`.http_guard`: header deadlines and connection caps in the gunicorn worker.

Requests: ``POST {"texts": ["...", ...]}`` or ``{"text": "..."}`` with
``Content-Type: application/json``. Response: ``{"predictions": [{"label", "score",
"probabilities"}], "model": {...}}``. A request the caller got wrong gets a 4xx with
``{"message": "..."}`` naming the problem: 400 (bad JSON or texts), 405 (not POST), 408
(too slow), 413 (too large), 415 (not JSON).

Settings (environment variables): ``COURSEKIT_ONNX_MODEL`` (graph file, default the
manifest's choice, usually ``model.int8.onnx``), ``COURSEKIT_MAX_TEXTS`` (64 per request),
``COURSEKIT_MAX_CHARS`` (5000 per text), ``COURSEKIT_MAX_TOTAL_CHARS`` (10000 per
request), ``COURSEKIT_MAX_BODY_BYTES`` (1 MiB), ``COURSEKIT_BODY_TIMEOUT_S`` (10 s),
``COURSEKIT_ORT_THREADS``; the guard's and the collector's in their modules.
"""
from __future__ import annotations

import logging
import os
import sys
import time
import uuid

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one request, one thread: no tokenizer thread pool

from azureml_inference_server_http.api.aml_request import rawhttp  # noqa: E402
from azureml_inference_server_http.api.aml_response import AMLResponse  # noqa: E402

if __package__:  # imported as coursekit.serving.score (tests, lessons)
    from . import http_guard, score_collect  # noqa: E402
    from .score_model import OnnxSentimentClassifier, find_export_dir  # noqa: E402,F401
    from .score_request import RequestError, check_content_type, cut, parse_request, read_body  # noqa: E402,F401
    from .score_text import CLEANING_STEPS, RUN_CARD_NAME, clean_text, cleaning_of  # noqa: E402,F401
else:  # loaded from its file by azmlinfsrv: the sibling modules are in the same folder
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import http_guard  # noqa: E402
    import score_collect  # noqa: E402
    from score_model import OnnxSentimentClassifier, find_export_dir  # noqa: E402,F401
    from score_request import RequestError, check_content_type, cut, parse_request, read_body  # noqa: E402,F401
    from score_text import CLEANING_STEPS, RUN_CARD_NAME, clean_text, cleaning_of  # noqa: E402,F401

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

classifier: OnnxSentimentClassifier | None = None
collector = None  # score_collect.LocalCollector or AzureCollector, when collection is on
keep_text = True
limits = {name: default for name, (_, default) in LIMITS.items()}


def init() -> None:
    """Load the model from ``$AZUREML_MODEL_DIR`` (set by the server's ``--model_dir``), start the
    collector the environment asks for, and guard the gunicorn worker this runs in."""
    global classifier, collector, keep_text
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: start the server with --model_dir EXPORTED_FOLDER")
    for name, (variable, default) in LIMITS.items():
        limits[name] = type(default)(os.environ.get(variable) or default)
    threads = os.environ.get("COURSEKIT_ORT_THREADS")
    classifier = OnnxSentimentClassifier(find_export_dir(root), os.environ.get("COURSEKIT_ONNX_MODEL") or None,
                                         int(threads) if threads else None)
    if collector is not None and hasattr(collector, "close"):
        collector.close()
    collector, keep_text = score_collect.make_collector(), score_collect.keeps_text()
    guarded = http_guard.install_from_environment()
    print(f"coursekit score.py: {classifier.model_file} ({len(classifier.labels)} labels, max_length "
          f"{classifier.max_length}, fingerprint {classifier.fingerprint}); request collection "
          f"{type(collector).__name__ if collector else 'off'}; slow-client guard {'on' if guarded else 'off'}",
          flush=True)


def score(raw, features: list | None = None) -> dict:
    """Predictions for one request body (JSON text, bytes or a decoded object)."""
    texts = parse_request(raw, max_texts=limits["max_texts"], max_chars=limits["max_chars"],
                          max_total_chars=limits["max_total_chars"])
    prepared = classifier.prepare(texts)
    for i, text in enumerate(prepared):
        if not text:
            where = "the text" if len(texts) == 1 else f"texts[{i}]"
            raise RequestError(f"{where} has nothing left to classify after cleaning (only emoji, markup, "
                               "links or invisible characters)")
    if features is not None:
        features.append(texts)
    return {"predictions": classifier.predict(prepared, prepared=True, features=features),
            "model": classifier.describe()}


@rawhttp
def run(request):
    """Score one request: the HTTP request itself (the server passes it raw, so the body's
    size, arrival time and type are checked before it is read), or a body for in-process
    use. Errors the caller made get 4xx with a message, predictions otherwise."""
    if classifier is None:
        raise RuntimeError("init() has not been called")
    started, features = time.perf_counter(), ([] if collector is not None else None)
    request_id = _request_id(request)
    try:
        if hasattr(request, "environ") and hasattr(request, "method"):
            if request.method != "POST":
                raise RequestError(f"{cut(request.method)} is not supported; POST the JSON to /score", 405)
            check_content_type(request.headers.get("Content-Type"))
            request = read_body(request.environ, limits["max_body_bytes"], limits["body_timeout_s"])
        result = score(request, features)
    except RequestError as exc:
        _collect(request_id, started, exc.status, error=str(exc))
        return AMLResponse({"message": str(exc)}, exc.status, json_str=True)
    except Exception as exc:
        _collect(request_id, started, 500, error=cut(f"{type(exc).__name__}: {exc}", 200))
        raise
    _collect(request_id, started, 200, result=result, features=features)
    return result


def _request_id(request) -> str:
    headers = getattr(request, "headers", None)
    found = headers.get("x-ms-request-id") or headers.get("x-request-id") if headers is not None else None
    return cut(found, 64) if found else uuid.uuid4().hex


def _collect(request_id: str, started: float, status: int, *, result=None, features=None, error=None) -> None:
    """Hand the request's record to the collector (a queue put: the disk is never waited for)."""
    if collector is None:
        return
    record = {"time": time.time(), "request_id": request_id, "status": status,
              "latency_ms": round((time.perf_counter() - started) * 1000, 3), "model": classifier.fingerprint,
              "file": classifier.model_file}
    if error is not None:
        record["error"] = error
    if result is not None and features:
        texts, per_text = features[0], features[1:]
        positive = _positive_label(classifier.labels)
        record["items"] = [{"label": p["label"], "p_positive": p["probabilities"][positive], **f,
                            **({"text": t} if keep_text else {})}
                           for p, f, t in zip(result["predictions"], per_text, texts)]
    collector.collect(record)


def _positive_label(labels: list[str]) -> str:
    named = [label for label in labels if str(label).upper() in ("POSITIVE", "POS")]
    return named[0] if named else labels[-1]
