"""The local scoring server under bounded loopback load: one JSON per configuration.

Starts ``score.py`` in azmlinfsrv on a free 127.0.0.1 port for each server configuration
and sends POSTs from concurrent keep-alive clients (``serve_clients.py``), client and
server on the same cores. Every JSON records the machine load (``uptime``) before and
after, so a noisy run can be told apart. Configurations are written ``WxT[s][/oN]``:
W gunicorn workers, T threads each (``s``: gunicorn's sync worker, the setting before
issue 17.3), N ONNX Runtime threads per worker (default 1).

    .venv/bin/python -m benchmarks.serve_load --model-dir results/demo/onnx      # short default run
    .venv/bin/python -m benchmarks.serve_load --model-dir ... --grid full         # the whole grid
    .venv/bin/python -m benchmarks.serve_load --model-dir ... --scenario fairness # slow + heavy clients

Scenario ``load``: every combination of --configs x --precisions x --texts x --lengths x
--clients. Scenario ``fairness``: four normal clients (one sentence per request) beside
one slowloris client (4 bytes of a 100-byte body, held) and one heavy client (the largest
request the limits accept), for --seconds, per configuration.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

from benchmarks import serve_clients as sc

def COMMAND() -> str:  # noqa: N802 - the command line, without this machine's paths
    return "python -m benchmarks.serve_load " + " ".join(sys.argv[1:])


DEFAULT = {"configs": "2x1,2x2,2x3,2x4", "precisions": "int8", "texts": "1", "lengths": "short", "clients": "4"}
FULL = {"configs": "1x1s/o2,2x1s,1x4/o2,2x1,2x2,2x3,2x4,2x8,3x4", "precisions": "int8,fp32", "texts": "1,8",
        "lengths": "short,review", "clients": "4,16"}


def parse_config(text: str):
    from coursekit.serving.settings import DEFAULT_SETTINGS

    match = re.fullmatch(r"(\d+)x(\d+)(s?)(?:/o(\d+))?", text.strip())
    if not match:
        raise SystemExit(f"--configs: {text!r} is not WxT[s][/oN], e.g. 2x4 or 1x1s/o2")
    workers, threads, sync, ort = match.groups()
    settings = DEFAULT_SETTINGS.with_changes(workers=int(workers), http_threads=int(threads), ort_threads=int(ort or 1))
    env = {"GUNICORN_CMD_ARGS": "--worker-class sync --no-control-socket"} if sync else {}
    return settings, env


def start(export_dir, config: str, precision: str, files: dict):
    from coursekit.serving.local_server import start_server

    settings, env = parse_config(config)
    env["COURSEKIT_ONNX_MODEL"] = files[precision]
    return start_server(export_dir, settings=settings, env=env), settings


def warm_up(port: int, bodies: list[bytes], workers: int) -> None:
    sc.run_clients(port, bodies, clients=workers * 2, requests=20 * workers, cap_s=60)


def run_load(args, export_dir, files, sentences, out_dir) -> list[dict]:
    reports = []
    texts_by_length = {"short": sentences, "review": sc.reviews(sentences)}
    for config, suffix in _rounds(args):
        for precision in args.precisions.split(","):
            server, settings = start(export_dir, config, precision, files)
            with server:
                for length in args.lengths.split(","):
                    pool = texts_by_length[length]
                    for per_request in (int(n) for n in args.texts.split(",")):
                        bodies = [sc.body([pool[(i * per_request + j) % len(pool)] for j in range(per_request)])
                                  for i in range(500)]
                        warm_up(server.port, bodies, settings.workers)
                        for clients in (int(n) for n in args.clients.split(",")):
                            before, cpu_before = sc.machine_load(), sc.cpu_seconds(server.pid)
                            result = sc.run_clients(server.port, bodies, clients, args.requests, args.cap_s)
                            result["cpu"] = sc.cpu_per_request(cpu_before, sc.cpu_seconds(server.pid),
                                                               result["requests"])
                            report = {"scenario": "load", "config": config, "workers": settings.workers,
                                      "threads_per_worker": settings.http_threads, "sync_worker": config.count("s") > 0,
                                      "ort_threads": settings.ort_threads, "model_file": files[precision],
                                      "precision": precision, "texts_per_request": per_request, "text_length": length,
                                      "clients": clients, **result, "machine_before": before,
                                      "machine_after": sc.machine_load(), "command": COMMAND(),
                                      "host": "127.0.0.1 (loopback), client and server on the same cores"}
                            name = (f"serve_load-{config.replace('/', '-')}-{precision}-{per_request}t-{length}-"
                                    f"{clients}c{suffix}.json")
                            _write(out_dir / name, report)
                            reports.append(report)
    return reports


def run_fairness(args, export_dir, files, sentences, out_dir) -> list[dict]:
    from coursekit.serving.settings import DEFAULT_SETTINGS as limits

    per_text = limits.max_total_chars // limits.max_texts  # the heaviest request the limits accept
    heavy_body = sc.body([(s * 50)[:per_text] for s in sentences[:limits.max_texts]])
    normal = [sc.body([s]) for s in sentences[:500]]
    reports = []
    for config, suffix in _rounds(args):
        server, settings = start(export_dir, config, "int8", files)
        with server:
            warm_up(server.port, normal, settings.workers)
            stop, slow, heavy = threading.Event(), {}, {}
            before = sc.machine_load()
            others = [threading.Thread(target=sc.slowloris, args=(server.port, stop, slow), daemon=True),
                      threading.Thread(target=sc.heavy, args=(server.port, heavy_body, stop, heavy), daemon=True)]
            for t in others:
                t.start()
            time.sleep(1)  # the slow and heavy clients are in place before the normal ones start
            result = sc.run_clients(server.port, normal, 4, args.requests, args.seconds)
            stop.set()
            for t in others:
                t.join(30)
        report = {"scenario": "fairness", "config": config, "workers": settings.workers,
                  "threads_per_worker": settings.http_threads, "ort_threads": settings.ort_threads,
                  "model_file": files["int8"], "normal_clients": {"clients": 4, "texts_per_request": 1, **result},
                  "slowloris_client": slow, "heavy_client": {"texts": limits.max_texts, "chars_per_text": per_text,
                                                             **heavy},
                  "body_timeout_s": settings.body_timeout_s, "machine_before": before,
                  "machine_after": sc.machine_load(), "command": COMMAND(),
                  "host": "127.0.0.1 (loopback), client and server on the same cores"}
        _write(out_dir / f"serve_fairness-{config.replace('/', '-')}{suffix}.json", report)
        reports.append(report)
    return reports


def _rounds(args):
    """Each configuration once per round; with --repeat N the rounds alternate the
    configurations (A B A B ...) so that a change in machine load hits all of them."""
    for round_ in range(1, args.repeat + 1):
        for config in args.configs.split(","):
            yield config, (f"-r{round_}" if args.repeat > 1 else "")


def _write(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    normal = report.get("normal_clients", report)
    lat = normal["latency_ms"]
    cpu = normal.get("cpu", {})
    print(f"{path.name}: {normal['requests_per_s']} req/s, p50 {lat.get('p50')} ms, p99 {lat.get('p99')} ms, "
          f"failed {normal['failed']}, load {report['machine_before']['loadavg'][0]}, CPU ms/request "
          f"{cpu.get('server_cpu_ms_per_request')} server + {cpu.get('client_cpu_ms_per_request')} client",
          flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="results/benchmarks/uci-model-onnx",
                        help="exported folder, or a trained model folder (exported first)")
    parser.add_argument("--scenario", choices=["load", "fairness"], default="load")
    parser.add_argument("--grid", choices=["default", "full"], default="default",
                        help="preset lists for the options below (default: a short run)")
    for name, text in (("configs", "server configurations WxT[s][/oN]"), ("precisions", "int8 and/or fp32"),
                       ("texts", "texts per request"), ("lengths", "short (one sentence) and/or review (128 tokens)"),
                       ("clients", "concurrent clients")):
        parser.add_argument(f"--{name}", help=f"comma-separated {text}")
    parser.add_argument("--requests", type=int, default=1000, help="requests per measurement (default: 1000)")
    parser.add_argument("--cap-s", type=float, default=60.0, help="stop a measurement after this many seconds")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the fairness run")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the configurations (alternating)")
    parser.add_argument("--out-dir", default="results/benchmarks/serve_load")
    args = parser.parse_args(argv)
    for name, value in (FULL if args.grid == "full" else DEFAULT).items():
        if getattr(args, name) is None:
            setattr(args, name, value if args.scenario == "load" or name != "configs" else "2x1,2x2,2x3,2x4")

    from coursekit.serving.local_server import resolve_export_dir

    export_dir = resolve_export_dir(args.model_dir)
    files = json.loads((export_dir / "export.json").read_text())["files"]
    sentences = sc.uci_sentences()
    runner = run_fairness if args.scenario == "fairness" else run_load
    reports = runner(args, export_dir, files, sentences, Path(args.out_dir))
    failed = sum(r.get("normal_clients", r)["failed"] for r in reports)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
