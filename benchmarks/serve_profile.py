"""Where the time of one scoring request goes: run() versus the HTTP layer around it.

1. Over HTTP: one client sends ``--requests`` single-sentence requests one after another to
   a one-worker server (keep-alive): client-side latency vs the time the server reports
   for ``run()`` (its ``x-ms-run-fn-exec-ms`` header). The difference is gunicorn, sockets,
   Flask, azmlinfsrv and the client itself.
2. In-process, under cProfile: the same requests through azmlinfsrv's Flask app (no
   sockets, no gunicorn); own time grouped by package.

    .venv/bin/python -m benchmarks.serve_profile --model-dir results/demo/onnx
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from benchmarks import serve_clients as sc

GROUPS = [("onnxruntime", "onnxruntime"), ("tokenizers", "tokenizers"), ("score.py (own code)", "score.py"),
          ("logging", "/logging/"), ("werkzeug", "werkzeug"), ("flask", "flask"),
          ("azmlinfsrv", "azureml_inference_server_http"), ("json", "/json/"), ("numpy", "numpy")]


def over_http(export_dir, requests: int, body: bytes) -> dict:
    from coursekit.serving.local_server import start_server
    from coursekit.serving.settings import DEFAULT_SETTINGS

    settings = DEFAULT_SETTINGS.with_changes(workers=1)
    with start_server(export_dir, settings=settings) as server:
        sc.run_clients(server.port, [body], 1, 50, 60)  # warm-up
        result = sc.run_clients(server.port, [body], 1, requests, 120)
    result["server"] = f"1 worker x {settings.http_threads} threads, {settings.ort_threads} ONNX Runtime thread"
    return result


def in_process(export_dir, requests: int, body: bytes) -> dict:
    import tempfile

    from coursekit.serving import SCORE_SCRIPT
    from coursekit.serving.local_server import mount_like_azure

    model_dir = mount_like_azure(Path(export_dir), Path(tempfile.mkdtemp(prefix="coursekit-profile-")))
    os.environ.update({"AZUREML_ENTRY_SCRIPT": str(SCORE_SCRIPT), "AML_APP_ROOT": str(SCORE_SCRIPT.parent),
                       "AZUREML_MODEL_DIR": str(model_dir), "COURSEKIT_ORT_THREADS": "1"})
    from azureml_inference_server_http.server.create_app import create

    app = create()
    client = app.test_client()
    for _ in range(50):
        client.post("/score", data=body, content_type="application/json")
    split = cpu_split(app, client, body, requests)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(requests):
        client.post("/score", data=body, content_type="application/json")
    profile.disable()
    wall_ms = (time.perf_counter() - started) * 1000 / requests
    stats = pstats.Stats(profile).stats
    total = sum(row[2] for row in stats.values())
    run_cum = max((row[3] for (path, _, name), row in stats.items() if path.endswith("score.py") and name == "run"),
                  default=0.0)
    grouped = {label: 0.0 for label, _ in GROUPS} | {"other": 0.0}
    for (path, _, name), row in stats.items():
        where = f"{path}:{name}"
        label = next((label for label, needle in GROUPS if needle in where), "other")
        grouped[label] += row[2]
    return {"requests": requests, "cpu_ms_per_request": split, "wall_ms_per_request_profiled": round(wall_ms, 3),
            "run_share": round(run_cum / total, 3) if total else None,
            "own_time_share_by_package": {k: round(v / total, 3) for k, v in
                                          sorted(grouped.items(), key=lambda kv: -kv[1])}}


def cpu_split(app, client, body: bytes, requests: int) -> dict:
    """CPU milliseconds per request (process time, robust to a busy machine) of each layer,
    innermost first: the ONNX Runtime call, tokenizing, parsing and cleaning, the whole run(),
    the Flask app around it (werkzeug's test client included), and the app without logging."""
    import logging

    script = SimpleNamespace(**app.azml_blueprint.user_script.get_run_function().__globals__)
    model, text = script.classifier, json.loads(body)["texts"][0]
    features = model.encode([text])

    def cpu_ms(call) -> float:
        for _ in range(20):
            call()
        started = time.process_time()
        for _ in range(requests):
            call()
        return round((time.process_time() - started) * 1000 / requests, 3)

    post = lambda: client.post("/score", data=body, content_type="application/json")  # noqa: E731
    split = {"onnxruntime_run": cpu_ms(lambda: model.session.run(["logits"], features)),
             "tokenize": cpu_ms(lambda: model.encode([text], prepared=True)),
             "parse_and_clean": cpu_ms(lambda: model.prepare(script.parse_request(body))),
             "run_total": cpu_ms(lambda: script.score(body)),
             "flask_app_total": cpu_ms(post)}
    logging.disable(logging.CRITICAL)
    split["flask_app_without_logging"] = cpu_ms(post)
    logging.disable(logging.NOTSET)
    return split


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="results/benchmarks/uci-model-onnx")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--output", default="results/benchmarks/serve_load/serve_profile.json")
    args = parser.parse_args(argv)

    from coursekit.serving.local_server import resolve_export_dir

    export_dir = resolve_export_dir(args.model_dir)
    body = sc.body([sc.uci_sentences()[0]])
    report = {"machine_before": sc.machine_load(), "text_chars": len(json.loads(body)["texts"][0]),  # the first UCI sentence (not copied here)
              "http": over_http(export_dir, args.requests, body)}
    report["in_process"] = in_process(export_dir, args.requests, body)
    report["machine_after"] = sc.machine_load()
    report["command"] = "python -m benchmarks.serve_profile " + " ".join(sys.argv[1:])
    http = report["http"]
    sys.stdout = sys.__stdout__  # azmlinfsrv's app replaces print with a logger
    print(f"over HTTP: p50 {http['latency_ms']['p50']} ms per request, run() median {http['run_ms_median']} ms, "
          f"HTTP layer (median latency - run()) {http['latency_ms_median_minus_run']} ms")
    print(f"in-process CPU ms per request: {report['in_process']['cpu_ms_per_request']}")
    print(f"in-process (cProfile): run() is {report['in_process']['run_share']:.0%} of the app's time; own time by "
          f"package: {report['in_process']['own_time_share_by_package']}")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}  (load {report['machine_before']['loadavg']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
