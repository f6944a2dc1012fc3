"""``coursekit serve``: the scoring script in Azure ML's inference server, on this machine."""
from __future__ import annotations

import argparse
import json
import socket
import time


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="serve the exported model locally with azmlinfsrv (the server Azure ML uses)",
        description="Run coursekit/serving/score.py in azureml-inference-server-http. MODEL_DIR is an exported "
                    "folder (coursekit export) or a trained model folder, which is exported to MODEL_DIR/onnx "
                    "first. Listens on 127.0.0.1 only unless --host says otherwise.")
    p.add_argument("model_dir", help="exported ONNX folder, or a trained model folder")
    p.add_argument("--port", type=int, default=5001, help="TCP port (default: 5001, as azmlinfsrv)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1; 0.0.0.0 exposes the model without authentication)")
    p.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (default: 1)")
    p.add_argument("--threads", type=int, help="ONNX Runtime threads per worker")
    p.add_argument("--log", help="write the server log here (default: a temporary file)")
    p.set_defaults(func=run_serve)


def _check_port_free(host: str, port: int) -> None:
    from ..errors import ServingError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ServingError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None


def run_serve(args: argparse.Namespace) -> int:
    from ..serving.local_server import resolve_export_dir, start_server

    export_dir = resolve_export_dir(args.model_dir)
    _check_port_free(args.host, args.port)
    server = start_server(export_dir, port=args.port, host=args.host, workers=args.workers,
                          threads=args.threads, log_path=args.log)
    example = json.dumps({"texts": ["Great product, fast delivery!"]})
    print(f"serving {export_dir} at {server.score_url} (pid {server.pid}, log {server.log_path})")
    print(f"  health: curl {server.url}/")
    print(f"  score:  curl -X POST {server.score_url} -H 'Content-Type: application/json' -d '{example}'")
    print("press Ctrl-C to stop", flush=True)
    try:
        while server.process.poll() is None:
            time.sleep(0.5)
        print(f"the server exited with code {server.process.returncode}; log tail:\n{server.log_tail()}")
        return 1
    except KeyboardInterrupt:
        print("stopping the server", flush=True)
        return 0
    finally:
        server.stop()
