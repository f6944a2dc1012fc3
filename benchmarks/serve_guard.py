"""Slow clients against the scoring server (issue 24): normal clients' latency with and without
50 slowloris connections, in the same run, with the guard on (and, for comparison, off).

Each slowloris connection sends a request head one byte per second; when the server answers
(408 at the header deadline) or closes it, it opens a new one, so 50 stay open for the whole
run. Four normal keep-alive clients then send single-sentence requests. Client and server on
the same 2 cores (loopback); the JSON records the load before and after.

    .venv/bin/python -m benchmarks.serve_guard --model-dir results/benchmarks/serve-model-onnx
"""
from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from pathlib import Path

from benchmarks import serve_clients as sc


def drip(port: int, stop: threading.Event, stats: dict, lock: threading.Lock, every_s: float = 1.0) -> None:
    """One slowloris connection at a time, one header byte per ``every_s``, reopened when cut off."""
    head = (f"POST /score HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n").encode()
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=every_s) as sock:
                with lock:
                    stats["connections"] = stats.get("connections", 0) + 1
                answer = b""
                for byte in head:
                    if stop.is_set():
                        break
                    sock.send(bytes([byte]))
                    try:
                        answer = sock.recv(64)
                        break  # answered or closed: the server cut this connection off
                    except socket.timeout:
                        continue
                key = answer[9:12].decode(errors="replace") if answer else "closed"
        except OSError:
            key = "connect error"
            stop.wait(0.2)
        with lock:
            stats.setdefault("answers", {}).setdefault(key, 0)
            stats["answers"][key] += 1


def measure(port: int, bodies, slowloris: int, requests: int, cap_s: float, settle_s: float) -> dict:
    stop, stats, lock = threading.Event(), {}, threading.Lock()
    attackers = [threading.Thread(target=drip, args=(port, stop, stats, lock), daemon=True) for _ in range(slowloris)]
    for t in attackers:
        t.start()
    stop.wait(settle_s if slowloris else 0)  # every slow connection is open and dripping first
    before = sc.machine_load()
    result = sc.run_clients(port, bodies, 4, requests, cap_s)
    stop.set()
    for t in attackers:
        t.join(5)
    return {"slowloris_connections": slowloris, "normal_clients": {"clients": 4, "texts_per_request": 1, **result},
            "slowloris": stats, "machine_before": before, "machine_after": sc.machine_load()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="results/benchmarks/serve-model-onnx")
    parser.add_argument("--slowloris", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cap-s", type=float, default=60.0)
    parser.add_argument("--settle-s", type=float, default=8.0, help="attack time before the normal clients start")
    parser.add_argument("--guard-off-too", action="store_true", help="also measure with the guard off (COURSEKIT_GUARD=0)")
    parser.add_argument("--out", default="results/benchmarks/serve_guard/serve_guard-2x3.json")
    args = parser.parse_args(argv)
    from coursekit.serving.local_server import resolve_export_dir, start_server
    from coursekit.serving.settings import DEFAULT_SETTINGS

    export_dir = resolve_export_dir(args.model_dir)
    bodies = [sc.body([s]) for s in sc.uci_sentences()[:500]]
    report = {"command": "python -m benchmarks.serve_guard " + " ".join(sys.argv[1:] if argv is None else argv),
              "config": f"{DEFAULT_SETTINGS.workers}x{DEFAULT_SETTINGS.http_threads}", "model_file": "model.int8.onnx",
              "header_timeout_s": DEFAULT_SETTINGS.header_timeout_s, "runs": {}}
    variants = [("guard on", {})] + ([("guard off", {"COURSEKIT_GUARD": "0"})] if args.guard_off_too else [])
    for name, env in variants:
        with start_server(export_dir, env=env) as server:
            sc.run_clients(server.port, bodies, clients=4, requests=100, cap_s=60)  # warm-up
            for attack in (0, args.slowloris):
                label = f"{name}, {'with' if attack else 'without'} {args.slowloris} slowloris"
                run = measure(server.port, bodies, attack, args.requests, args.cap_s if name == "guard on" else 20,
                              args.settle_s)
                report["runs"][label] = run
                n = run["normal_clients"]
                print(f"{label}: {n['requests_per_s']} req/s, p50 {n['latency_ms'].get('p50')} ms, p99 "
                      f"{n['latency_ms'].get('p99')} ms, failed {n['failed']} of {n['requests']}, "
                      f"load {run['machine_before']['loadavg'][0]}", flush=True)
    attacked = report["runs"][f"guard on, with {args.slowloris} slowloris"]["normal_clients"]
    report["target"] = {"normal p99 under 100 ms and no error with the attack": attacked["failed"] == 0 and
                        attacked["requests"] > 0 and (attacked["latency_ms"].get("p99") or 1e9) < 100}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}: target met: {report['target']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
