"""What request collection costs the scoring server (issue 28): throughput with and without it.

The default configuration (2 workers x 3 threads, int8, one sentence per request, 4
keep-alive clients). Two servers run side by side, one collecting and one not, and take
turns: ``--repeat`` pairs of bursts of ``--requests`` (off, on, off, on, ...; the order
flips every pair), so a change in the machine's load hits both alike; the cost is the
median over the pairs of 1 - (on / off). Collection writes JSON Lines with the texts to a
temporary folder (``--no-text``: derived features only).

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


def burst(server, bodies, requests: int) -> dict:
    before, cpu_before = sc.machine_load(), sc.cpu_seconds(server.pid)
    result = sc.run_clients(server.port, bodies, 4, requests, 120)
    result["cpu"] = sc.cpu_per_request(cpu_before, sc.cpu_seconds(server.pid), result["requests"])
    return {**result, "machine_before": before}


def paired_runs(export_dir, bodies, requests: int, pairs: int, text: bool) -> tuple[list, int]:
    from coursekit.serving.local_server import start_server

    folder = Path(tempfile.mkdtemp(prefix="coursekit-collect-bench-"))
    runs = []
    try:
        with start_server(export_dir) as off, start_server(export_dir, collect_dir=folder, collect_text=text) as on:
            for server in (off, on):
                sc.run_clients(server.port, bodies, clients=4, requests=300, cap_s=60)  # warm-up
            for pair in range(pairs):
                order = ((False, off), (True, on)) if pair % 2 == 0 else ((True, on), (False, off))
                for collect, server in order:
                    run = {"pair": pair + 1, "collect": collect, **burst(server, bodies, requests)}
                    runs.append(run)
                    print(f"pair {pair + 1} collect={'on ' if collect else 'off'}: {run['requests_per_s']} req/s, "
                          f"p50 {run['latency_ms']['p50']} ms, p99 {run['latency_ms']['p99']} ms, failed "
                          f"{run['failed']}, server CPU {run['cpu']['server_cpu_ms_per_request']} ms/request, "
                          f"load {run['machine_before']['loadavg'][0]}", flush=True)
        logged = sum(1 for f in folder.glob("*.jsonl") for _ in f.open())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return runs, logged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="results/benchmarks/serve-model-onnx")
    parser.add_argument("--requests", type=int, default=1500, help="requests per burst")
    parser.add_argument("--repeat", type=int, default=10, help="pairs of bursts (off + on)")
    parser.add_argument("--no-text", action="store_true")
    parser.add_argument("--out", default="results/benchmarks/serve_collect/serve_collect-2x3.json")
    args = parser.parse_args(argv)
    from coursekit.serving.local_server import resolve_export_dir

    export_dir = resolve_export_dir(args.model_dir)
    bodies = [sc.body([s]) for s in sc.uci_sentences()[:1000]]
    runs, logged = paired_runs(export_dir, bodies, args.requests, args.repeat, not args.no_text)
    by_pair = {}
    for run in runs:
        by_pair.setdefault(run["pair"], {})[run["collect"]] = run
    costs = [1 - p[True]["requests_per_s"] / p[False]["requests_per_s"] for p in by_pair.values()]
    cpu_costs = [p[True]["cpu"]["server_cpu_ms_per_request"] / p[False]["cpu"]["server_cpu_ms_per_request"] - 1
                 for p in by_pair.values()]
    summary = {"pairs": len(costs), "throughput_cost_median": round(statistics.median(costs), 4),
               "throughput_cost_per_pair": [round(c, 4) for c in costs],
               "server_cpu_cost_median": round(statistics.median(cpu_costs), 4),
               "median_req_s_off": statistics.median(p[False]["requests_per_s"] for p in by_pair.values()),
               "median_req_s_on": statistics.median(p[True]["requests_per_s"] for p in by_pair.values()),
               "lines_logged": logged}
    summary["target_at_most_5_percent"] = summary["throughput_cost_median"] <= 0.05
    report = {"command": "python -m benchmarks.serve_collect " + " ".join(sys.argv[1:] if argv is None else argv),
              "config": "2x3 (the default), int8, 1 sentence per request, 4 keep-alive clients; two servers side "
                        "by side, one collecting, bursts alternating",
              "texts_logged": not args.no_text, "summary": summary, "runs": runs}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
