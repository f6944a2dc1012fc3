"""How the scoring server runs: processes, threads, request limits.

One place for the numbers that ``coursekit serve``, the load benchmark and the Azure ML
deployment (``azureml/deployment-*.yml``, :func:`coursekit.azure.specs.online_deployment`)
share. They travel as environment variables read by the stock programs, so a setting
measured on this machine is the setting the endpoint runs:

- ``WORKER_COUNT``: azmlinfsrv's gunicorn worker processes;
- ``GUNICORN_CMD_ARGS``: gunicorn's threaded worker (``gthread``) and its threads per
  process, a short graceful stop and keep-alive, no control socket in ``$HOME``;
- ``COURSEKIT_*``: ONNX Runtime threads, the request limits of ``score.py`` and the
  deadlines and connection caps of its guard (:mod:`.http_guard`).

The Azure deployment's ``request_settings`` follow from the same numbers
(:meth:`ServerSettings.request_timeout_ms`): Azure's request timeout is longer than the
server's own header and body deadlines plus the time the largest request may take, so a
slow client hears the server's 408 with a message, not a bare timeout from the proxy.

The defaults come from ``benchmarks/serve_load.py`` (see ``benchmarks/RESULTS.md``).
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ServerSettings:
    """Processes x threads of the scoring server and the limits of one request."""

    workers: int = 2  # gunicorn worker processes: one per core
    http_threads: int = 3  # threads per worker: a slow or heavy client holds one, not the worker (2x3: RESULTS.md)
    ort_threads: int = 1  # ONNX Runtime intra-op threads per worker
    max_texts: int = 64
    max_chars: int = 5000
    max_total_chars: int = 10000  # texts x length: what one request may cost (~2,500 word pieces)
    max_body_bytes: int = 1 << 20
    body_timeout_s: int = 10  # to receive a body once its headers are in, else 408
    header_timeout_s: int = 5  # to receive a request's headers from its first byte, else 408
    max_pending: int = 128  # unfinished requests one worker holds (read without a thread); past it the oldest: 429
    max_pending_per_client: int = 32  # the same, from one address
    worker_connections: int = 256  # every connection of one worker (gunicorn --worker-connections)
    collect_text: bool = True  # collected requests keep their texts (False: derived features only)
    scoring_budget_ms: int = 5000  # the most the largest request may take to score (RESULTS.md: 4.5 s, loaded cores)
    keepalive_s: int = 5
    graceful_timeout_s: int = 5  # a stop waits this long for requests in flight

    def __post_init__(self):
        for name in ("workers", "http_threads", "ort_threads", "max_texts", "max_chars", "max_total_chars",
                     "max_body_bytes", "body_timeout_s", "header_timeout_s", "max_pending",
                     "max_pending_per_client", "worker_connections"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    @property
    def max_concurrent_requests(self) -> int:
        """Requests one instance serves at once (Azure ML's ``max_concurrent_requests_per_instance``)."""
        return self.workers * self.http_threads

    @property
    def request_timeout_ms(self) -> int:
        """Azure ML's ``request_timeout_ms``: the server's own deadlines plus the scoring budget."""
        return (self.header_timeout_s + self.body_timeout_s) * 1000 + self.scoring_budget_ms

    def with_changes(self, **changes) -> "ServerSettings":
        """A copy with the given fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def gunicorn_args(self) -> str:
        return shlex.join(["--worker-class", "gthread", "--threads", str(self.http_threads),
                           "--worker-connections", str(self.worker_connections),
                           "--keep-alive", str(self.keepalive_s), "--graceful-timeout", str(self.graceful_timeout_s),
                           "--no-control-socket"])

    def environment(self) -> dict[str, str]:
        """The environment variables that carry these settings (strings, as a deployment needs)."""
        return {
            "WORKER_COUNT": str(self.workers),
            "GUNICORN_CMD_ARGS": self.gunicorn_args(),
            "COURSEKIT_ORT_THREADS": str(self.ort_threads),
            "COURSEKIT_MAX_TEXTS": str(self.max_texts),
            "COURSEKIT_MAX_CHARS": str(self.max_chars),
            "COURSEKIT_MAX_TOTAL_CHARS": str(self.max_total_chars),
            "COURSEKIT_MAX_BODY_BYTES": str(self.max_body_bytes),
            "COURSEKIT_BODY_TIMEOUT_S": str(self.body_timeout_s),
            "COURSEKIT_HEADER_TIMEOUT_S": str(self.header_timeout_s),
            "COURSEKIT_MAX_PENDING": str(self.max_pending),
            "COURSEKIT_MAX_PENDING_PER_CLIENT": str(self.max_pending_per_client),
            "COURSEKIT_COLLECT_TEXT": "1" if self.collect_text else "0",
        }

    @classmethod
    def from_environment(cls, env: dict[str, str]) -> "ServerSettings":
        """Read the settings back from a deployment's environment variables (the inverse of
        :meth:`environment`); what is missing keeps its default."""
        args = shlex.split(env.get("GUNICORN_CMD_ARGS", ""))
        values = {"http_threads": args[args.index("--threads") + 1] if "--threads" in args else None,
                  "worker_connections": (args[args.index("--worker-connections") + 1]
                                         if "--worker-connections" in args else None),
                  "workers": env.get("WORKER_COUNT"), "ort_threads": env.get("COURSEKIT_ORT_THREADS")}
        for name in ("max_texts", "max_chars", "max_total_chars", "max_body_bytes", "body_timeout_s",
                     "header_timeout_s", "max_pending", "max_pending_per_client"):
            values[name] = env.get(f"COURSEKIT_{name.upper()}")
        changes = {k: int(v) for k, v in values.items() if v is not None}
        if "COURSEKIT_COLLECT_TEXT" in env:
            changes["collect_text"] = env["COURSEKIT_COLLECT_TEXT"] not in ("0", "false", "no", "off")
        return cls().with_changes(**changes)


DEFAULT_SETTINGS = ServerSettings()
