"""Issue-6 target: the local scoring server under a bounded loopback load.

Starts ``score.py`` in azmlinfsrv on a free 127.0.0.1 port, sends ``--requests`` POSTs
(one UCI sentence each, read by path from ``../shared/data``) from ``--clients``
concurrent client threads, and reports requests per second, p50/p99 latency and failed
requests (anything but HTTP 200). Client and server share the same CPU cores.

    .venv/bin/python benchmarks/serve_load.py --model-dir results/benchmarks/uci-model-onnx \\
        [--requests 1000] [--clients 4] [--workers 1] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from benchmarks.uci import load_uci  # noqa: E402


def post(url: str, text: str) -> tuple[int, float]:
    body = json.dumps({"texts": [text]}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
            status = response.status if payload.get("predictions") else -1
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="results/benchmarks/uci-model-onnx",
                        help="exported folder, or a trained model folder (exported first)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers of the server")
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads per worker")
    parser.add_argument("--output", default="results/benchmarks/serve_load.json")
    args = parser.parse_args(argv)

    import numpy as np

    from coursekit.serving.local_server import resolve_export_dir, start_server

    texts = list(load_uci()["text"])
    export_dir = resolve_export_dir(args.model_dir)
    with start_server(export_dir, workers=args.workers, threads=args.threads) as server:
        for text in texts[:10]:  # warm-up, not counted
            post(server.score_url, text)
        jobs = [texts[i % len(texts)] for i in range(args.requests)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(lambda t: post(server.score_url, t), jobs))
        wall = time.perf_counter() - started
        model_file = server.score({"text": "ok"})[1]["model"]["file"]
    latencies = np.array([seconds for _, seconds in results]) * 1000
    failures = sum(1 for status, _ in results if status != 200)
    report = {
        "requests": args.requests, "clients": args.clients, "server_workers": args.workers,
        "ort_threads": args.threads, "model_file": model_file, "texts_per_request": 1,
        "wall_s": round(wall, 2), "requests_per_s": round(args.requests / wall, 1),
        "latency_ms": {"p50": round(float(np.percentile(latencies, 50)), 2),
                       "p90": round(float(np.percentile(latencies, 90)), 2),
                       "p99": round(float(np.percentile(latencies, 99)), 2),
                       "max": round(float(latencies.max()), 2)},
        "failed_requests": failures,
        "host": "127.0.0.1 (loopback), client and server on the same machine",
    }
    print(f"{args.requests} requests from {args.clients} clients to {args.workers} worker(s), {model_file}: "
          f"{report['requests_per_s']} req/s, p50 {report['latency_ms']['p50']} ms, "
          f"p99 {report['latency_ms']['p99']} ms, failed {failures}")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
