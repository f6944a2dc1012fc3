"""Loopback HTTP clients for the serving benchmarks: normal, slow (slowloris) and heavy.

Every loop is bounded in requests and in seconds. A normal client keeps one HTTP/1.1
connection open (``http.client``; it reconnects when the server closes it, as gunicorn's
sync worker does after every response), so the figures measure the server, not the cost of
opening a TCP connection per request from Python.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.uci import UCI_FILES, shared_data_dir


def uci_sentences(data_dir: Path | None = None) -> list[str]:
    """The 3,000 UCI sentences (split on "\\n" only, text before the last tab, stripped), read
    without ``datasets`` so that the client process stays light."""
    folder = (data_dir or shared_data_dir()) / "uci-sentiment-labelled-sentences"
    texts = []
    for name in UCI_FILES.values():
        for line in (folder / name).read_text(encoding="utf-8").split("\n"):
            if "\t" in line:
                texts.append(line.rsplit("\t", 1)[0].strip())
    return texts


def reviews(sentences: list[str], min_chars: int = 700) -> list[str]:
    """Review-length texts (>= 128 word pieces) made of consecutive sentences of one file."""
    out, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if sum(len(s) + 1 for s in current) >= min_chars:
            out.append(" ".join(current))
            current = []
    return out


def machine_load() -> dict:
    """``uptime`` and the load averages, to judge how quiet the cores were."""
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except OSError:
        uptime = ""
    return {"uptime": uptime, "loadavg": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
            "niceness": os.nice(0)}


def cpu_seconds(server_pid: int) -> dict:
    """CPU time (user + system) used so far by the server's processes and by this process.

    Unlike wall time, CPU time per request hardly depends on what else runs on the
    machine, so it estimates what quiet cores could serve: cores / CPU seconds per request.
    """
    import psutil

    server = 0.0
    try:
        master = psutil.Process(server_pid)
        for proc in [master, *master.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                server += times.user + times.system
    except psutil.Error:
        pass
    own = os.times()
    return {"server": server, "client": own.user + own.system}


def cpu_per_request(before: dict, after: dict, requests: int, cores: int = 2) -> dict:
    server = (after["server"] - before["server"]) * 1000 / max(requests, 1)
    client = (after["client"] - before["client"]) * 1000 / max(requests, 1)
    return {"server_cpu_ms_per_request": round(server, 3), "client_cpu_ms_per_request": round(client, 3),
            f"capacity_on_{cores}_quiet_cores_req_s": round(cores * 1000 / (server + client), 1)
            if server + client > 0 else None}


def summarize(latencies_s: list[float]) -> dict:
    if not latencies_s:
        return {"n": 0}
    ms = np.array(latencies_s) * 1000
    return {"n": len(ms), "p50": round(float(np.percentile(ms, 50)), 2), "p90": round(float(np.percentile(ms, 90)), 2),
            "p99": round(float(np.percentile(ms, 99)), 2), "max": round(float(ms.max()), 2)}


class Client:
    """One keep-alive connection to the scoring server."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port, self.timeout, self.conn = port, timeout, None

    def post(self, body: bytes) -> tuple[int, float, float | None]:
        """(status, seconds, run() milliseconds the server reported); status 0 = no answer."""
        started = time.perf_counter()
        for attempt in (0, 1):  # one retry when a kept-alive connection was closed under us
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.conn.request("POST", "/score", body, {"Content-Type": "application/json"})
                response = self.conn.getresponse()
                payload = response.read()
                run_ms = response.getheader("x-ms-run-fn-exec-ms")
                status = response.status
                if status == 200 and b'"predictions"' not in payload:
                    status = -1
                return status, time.perf_counter() - started, float(run_ms) if run_ms else None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if attempt:
                    return 0, time.perf_counter() - started, None
            except OSError:
                self.close()
                return 0, time.perf_counter() - started, None
        return 0, time.perf_counter() - started, None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_clients(port: int, bodies: list[bytes], clients: int, requests: int, cap_s: float,
                stop: threading.Event | None = None) -> dict:
    """``clients`` threads share ``requests`` POSTs (cycling through ``bodies``) until done,
    ``cap_s`` seconds pass or ``stop`` is set. Returns latencies, statuses, run() times."""
    lock, counter, results = threading.Lock(), iter(range(requests)), []
    deadline = time.monotonic() + cap_s

    def work() -> None:
        client = Client(port)
        try:
            while time.monotonic() < deadline and not (stop and stop.is_set()):
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                results.append(client.post(bodies[i % len(bodies)]))
        finally:
            client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(cap_s + 60)
    wall = time.perf_counter() - started
    ok = [r for r in results if r[0] == 200]
    run_ms = [r[2] for r in ok if r[2] is not None]
    return {"requests": len(results), "wall_s": round(wall, 2), "requests_per_s": round(len(results) / wall, 1),
            "failed": len(results) - len(ok), "statuses": sorted({r[0] for r in results}),
            "latency_ms": summarize([r[1] for r in ok]),
            "run_ms_median": round(float(np.median(run_ms)), 3) if run_ms else None,
            "latency_ms_median_minus_run": (round(float(np.median([r[1] * 1000 - r[2] for r in ok if r[2]])), 3)
                                            if run_ms else None)}


def slowloris(port: int, stop: threading.Event, stats: dict) -> None:
    """Send 4 bytes of a 100-byte body and hold the connection; when the server hangs up, again."""
    head = (f"POST /score HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n{\"te").encode()
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(head)
                stats["held"] = stats.get("held", 0) + 1
                answer = b""
                while not stop.is_set():
                    try:
                        chunk = sock.recv(4096)
                    except socket.timeout:
                        continue
                    if not chunk:
                        break
                    answer += chunk
                status = answer[9:12].decode(errors="replace") or "closed"
                stats.setdefault("answers", {}).setdefault(status, 0)
                stats["answers"][status] += 1
        except OSError:
            stats["connect_errors"] = stats.get("connect_errors", 0) + 1
            stop.wait(0.1)


def heavy(port: int, body: bytes, stop: threading.Event, stats: dict) -> None:
    """Send the largest request the limits accept, back to back."""
    client = Client(port, timeout=60)
    latencies, statuses = [], {}
    while not stop.is_set():
        status, seconds, _ = client.post(body)
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append(seconds)
    client.close()
    stats.update({"requests": len(latencies), "statuses": statuses, "latency_ms": summarize(latencies)})


def body(texts: list[str]) -> bytes:
    return json.dumps({"texts": texts}).encode()
