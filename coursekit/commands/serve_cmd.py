"""``coursekit serve``: the scoring script in Azure ML's inference server, on this machine."""
from __future__ import annotations

import argparse
import json
import signal
import socket
import time

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def add_parser(subparsers) -> None:
    from ..serving.settings import DEFAULT_SETTINGS as d

    p = subparsers.add_parser(
        "serve", help="serve the exported model locally with azmlinfsrv (the server Azure ML uses)",
        description="Run coursekit/serving/score.py in azureml-inference-server-http with the endpoint's settings "
                    "(coursekit/serving/settings.py). MODEL_DIR is an exported folder (coursekit export) or a "
                    "trained model folder, which is exported to MODEL_DIR/onnx first. Listens on 127.0.0.1 only "
                    "unless --host says otherwise. Ctrl-C, SIGTERM or SIGHUP stop the server and its workers.")
    p.add_argument("model_dir", help="exported ONNX folder, or a trained model folder")
    p.add_argument("--port", type=int, default=5001, help="TCP port, 1024-65535 (default: 5001, as azmlinfsrv)")
    p.add_argument("--allow-privileged-port", action="store_true",
                   help="allow a port below 1024 (needs root or CAP_NET_BIND_SERVICE)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1; 0.0.0.0 exposes the model without authentication)")
    p.add_argument("--workers", type=int, help=f"gunicorn worker processes (default: {d.workers})")
    p.add_argument("--http-threads", type=int, help=f"request threads per worker (default: {d.http_threads})")
    p.add_argument("--threads", type=int, help=f"ONNX Runtime threads per worker (default: {d.ort_threads})")
    p.add_argument("--precision", choices=["int8", "fp32"],
                   help="which graph to serve (default: the export's choice, int8 when it has one: about 4x faster "
                        "on a CPU and 4x smaller; on the UCI benchmark it agrees with PyTorch on 99.3%% of 3,000 "
                        "sentences, held-out accuracy 0.926 vs fp32's 0.923; the start-up line shows this export's "
                        "own parity figures). fp32 gives PyTorch's predictions exactly")
    p.add_argument("--collect", metavar="DIR", help="log every request (scores, derived features, latency, status) "
                                                    "as JSON Lines in DIR for `coursekit monitor` (default: off)")
    p.add_argument("--no-collect-text", action="store_true",
                   help="with --collect: keep the review texts out of the logs (only derived features)")
    p.add_argument("--log", help="write the server log to this file and keep it (default: a temporary file, "
                                 "removed when the server stops)")
    p.set_defaults(func=run_serve)


def check_port(host: str, port: int, allow_privileged: bool = False) -> None:
    """A one-line error for a port out of range, privileged without permission, or busy."""
    from ..errors import ServingError

    if not 1 <= port <= 65535:
        raise ServingError(f"--port {port} is not a TCP port; choose one from 1024 to 65535")
    if port < 1024 and not allow_privileged:
        raise ServingError(f"--port {port} is a privileged port (below 1024); choose one from 1024 to 65535, "
                           "or add --allow-privileged-port")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ServingError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None


class StopRequest:
    """Records SIGINT/SIGTERM/SIGHUP instead of raising, so that no moment of start-up (between
    starting the server and knowing its PID, say) can lose the server; restores the old handlers."""

    def __init__(self):
        self.signal: int | None = None
        self._previous = {}

    def __call__(self) -> bool:
        return self.signal is not None

    def _record(self, signum, frame) -> None:
        self.signal = signum

    def __enter__(self) -> "StopRequest":
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._record)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run_serve(args: argparse.Namespace) -> int:
    from ..serving.local_server import resolve_export_dir, start_server

    check_port(args.host, args.port, args.allow_privileged_port)
    export_dir = resolve_export_dir(args.model_dir)
    check_port(args.host, args.port, args.allow_privileged_port)  # again: exporting may have taken a while
    with StopRequest() as stop_requested:
        server = start_server(export_dir, port=args.port, host=args.host, workers=args.workers,
                              threads=args.threads, http_threads=args.http_threads, log_path=args.log, wait=False,
                              precision=args.precision, collect_dir=args.collect,
                              collect_text=not args.no_collect_text)
        try:
            server.wait_until_ready(cancel=stop_requested)
            if not stop_requested():
                _announce(server, export_dir, args)
            while not stop_requested() and server.process.poll() is None:
                time.sleep(0.2)
            if stop_requested():
                print(f"stopping the server ({signal.Signals(stop_requested.signal).name})", flush=True)
                return 0
            print(f"the server exited with code {server.process.returncode}; log tail:\n{server.log_tail()}")
            return 1
        finally:
            server.stop()


def _announce(server, export_dir, args) -> None:
    from ..serving.export_dir import model_file, parity_line

    s = server.settings
    example = json.dumps({"texts": ["Great style!"]})  # a real review of the course's shop export (line 861)
    log = (f"log {server.log_path} (temporary: removed on stop; --log FILE keeps one)" if server.log_is_temporary
           else f"log {server.log_path}")
    graph, precision = model_file(export_dir, args.precision)
    chosen = "chosen with --precision" if args.precision else "the export's default; --precision fp32|int8 chooses"
    print(f"serving {export_dir} at {server.score_url} (pid {server.pid}, {log})")
    print(f"  model: {graph} ({precision}, {chosen})")
    parity = parity_line(export_dir)
    if parity:
        print(f"  {parity}")
    if args.collect:
        kept = "derived features only" if args.no_collect_text else "texts, scores and derived features"
        print(f"  collecting requests in {args.collect} ({kept}); read them with `coursekit monitor {args.collect} "
              f"--reference MODEL_DIR`")
    print(f"  {s.workers} worker(s) x {s.http_threads} thread(s), {s.ort_threads} ONNX Runtime thread(s) per worker")
    print(f"  health: curl {server.url}/")
    print(f"  score:  curl -X POST {server.score_url} -H 'Content-Type: application/json' -d '{example}'")
    print("press Ctrl-C to stop", flush=True)
