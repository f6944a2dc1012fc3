"""Run ``azmlinfsrv`` (azureml-inference-server-http) bound to one host address.

The server's own command has no host option: it always binds ``0.0.0.0``, every
interface, which on a laptop or a shared compute instance exposes the model to the
network. This wrapper runs the very same server code (argument handling, gunicorn,
routes) with the bind address it is given, ``127.0.0.1`` unless asked otherwise::

    python -m coursekit.serving.inference_server --host 127.0.0.1 [--parent-pid PID] -- \\
        --entry_script score.py --model_dir EXPORT_DIR --port 5001

With ``--parent-pid`` the server stops itself (gunicorn's graceful stop) when that process
is gone, so a launcher killed without warning leaves no server behind; with ``--own-dir``
it removes the launcher's temporary folder when it exits (:mod:`.run_dir`).
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
import threading
import time

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """A plain warning when ``host`` makes the server reachable from other machines."""
    if is_loopback(host):
        return None
    where = "every network interface" if host in ("0.0.0.0", "::") else f"address {host}"
    return (f"WARNING: the scoring server listens on {where}: anyone who can reach this machine "
            "can call the model (no authentication). Use --host 127.0.0.1 unless you mean it.")


def stop_when_parent_exits(parent_pid: int, every: float = 1.0) -> threading.Thread:
    """A daemon thread that sends this process SIGTERM once its parent is no longer ``parent_pid``."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="coursekit-parent-watch", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=LOOPBACK, help="address to bind (default: %(default)s)")
    parser.add_argument("--parent-pid", type=int, help="stop when this process (the launcher) is gone")
    parser.add_argument("--own-dir", help="the launcher's temporary folder: removed when this server exits")
    parser.add_argument("server_args", nargs=argparse.REMAINDER, help="arguments for azmlinfsrv, after --")
    args = parser.parse_args(argv)
    server_args = args.server_args[1:] if args.server_args[:1] == ["--"] else args.server_args

    from azureml_inference_server_http import amlserver

    # amlserver.run() hands its module-level DEFAULT_HOST ("0.0.0.0") to gunicorn's -b.
    if not hasattr(amlserver, "DEFAULT_HOST"):
        print("WARNING: this azureml-inference-server-http version has no DEFAULT_HOST; "
              "it binds every interface (0.0.0.0)", file=sys.stderr, flush=True)
    else:
        amlserver.DEFAULT_HOST = args.host
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if args.own_dir:
        from coursekit.serving.run_dir import own

        own(args.own_dir)
    if args.parent_pid:
        stop_when_parent_exits(args.parent_pid)
    sys.argv = ["azmlinfsrv", *server_args]
    amlserver.run()


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    main()
