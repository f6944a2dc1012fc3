"""What request collection costs the scoring server (issue 28): throughput with and without it.

The default configuration (2 workers x 3 threads, int8, one sentence per request, 4
keep-alive clients); the two settings alternate for ``--repeat`` rounds in one run (off, on,
off, on, ...) so a change in machine load hits both. Collection writes JSON Lines with the
texts to a temporary folder (``--no-text``: derived features only).

    .venv/bin/python -m benchmarks.serve_collect --model-dir results/benchmarks/serve-model-onnx
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import serve_clients as sc


def one_run(export_dir, bodies, collect: bool, requests: int, text: bool) -> dict:
    from coursekit.serving.local_server import start_server

    folder = Path(tempfile.mkdtemp(prefix="coursekit-collect-bench-"))
    try:
        with start_server(export_dir, collect_dir=folder / "logs" if collect else None, collect_text=text) as server:
            sc.run_clients(server.port, bodies, clients=4, requests=200, cap_s=60)  # warm-up
            before, cpu_before = sc.machine_load(), sc.cpu_seconds(server.pid)
            result = sc.run_clients(server.port, bodies, 4, requests, 120)
            result["cpu"] = sc.cpu_per_request(cpu_before, sc.cpu_seconds(server.pid), result["requests"])
        logged = sum(1 for f in (folder / "logs").glob("*.jsonl") for _ in f.open()) if collect else 0
        size = sum(f.stat().st_size for f in (folder / "logs").glob("*.jsonl")) if collect else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"collect": collect, **result, "lines_logged": logged, "log_bytes": size, "machine_before": before,
            "machine_after": sc.machine_load()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="results/benchmarks/serve-model-onnx")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-text", action="store_true")
    parser.add_argument("--out", default="results/benchmarks/serve_collect/serve_collect-2x3.json")
    args = parser.parse_args(argv)
    from coursekit.serving.local_server import resolve_export_dir

    export_dir = resolve_export_dir(args.model_dir)
    bodies = [sc.body([s]) for s in sc.uci_sentences()[:1000]]
    runs = []
    for round_ in range(args.repeat):
        for collect in (False, True):
            run = one_run(export_dir, bodies, collect, args.requests, not args.no_text)
            run["round"] = round_ + 1
            runs.append(run)
            print(f"round {round_ + 1} collect={'on ' if collect else 'off'}: {run['requests_per_s']} req/s, "
                  f"p50 {run['latency_ms']['p50']} ms, p99 {run['latency_ms']['p99']} ms, failed {run['failed']}, "
                  f"server CPU {run['cpu']['server_cpu_ms_per_request']} ms/request, logged {run['lines_logged']}, "
                  f"load {run['machine_before']['loadavg'][0]}", flush=True)
    off = [r["requests_per_s"] for r in runs if not r["collect"]]
    on = [r["requests_per_s"] for r in runs if r["collect"]]
    cpu_off = [r["cpu"]["server_cpu_ms_per_request"] for r in runs if not r["collect"]]
    cpu_on = [r["cpu"]["server_cpu_ms_per_request"] for r in runs if r["collect"]]
    summary = {"median_req_s_off": statistics.median(off), "median_req_s_on": statistics.median(on),
               "throughput_cost": round(1 - statistics.median(on) / statistics.median(off), 4),
               "median_server_cpu_ms_off": statistics.median(cpu_off), "median_server_cpu_ms_on": statistics.median(cpu_on),
               "cpu_cost": round(statistics.median(cpu_on) / statistics.median(cpu_off) - 1, 4)}
    summary["target_at_most_5_percent"] = summary["throughput_cost"] <= 0.05
    report = {"command": "python -m benchmarks.serve_collect " + " ".join(sys.argv[1:] if argv is None else argv),
              "config": "2x3 (the default), int8, 1 sentence per request, 4 keep-alive clients",
              "texts_logged": not args.no_text, "summary": summary, "runs": runs}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
