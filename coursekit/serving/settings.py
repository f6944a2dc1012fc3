"""How the scoring server runs: processes, threads, request limits.

One place for the numbers that ``coursekit serve``, the load benchmark and the Azure ML
deployment (``azureml/deployment-*.yml``, :func:`coursekit.azure.specs.online_deployment`)
share. They travel as environment variables read by the stock programs, so a setting
measured on this machine is the setting the endpoint runs:

- ``WORKER_COUNT``: azmlinfsrv's gunicorn worker processes;
- ``GUNICORN_CMD_ARGS``: gunicorn's threaded worker (``gthread``) and its threads per
  process, a short graceful stop and keep-alive, no control socket in ``$HOME``;
- ``COURSEKIT_*``: ONNX Runtime threads and the request limits of ``score.py``.

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
    body_timeout_s: int = 10  # to receive a body, else 408
    keepalive_s: int = 5
    graceful_timeout_s: int = 5  # a stop waits this long for requests in flight

    def __post_init__(self):
        for name in ("workers", "http_threads", "ort_threads", "max_texts", "max_chars", "max_total_chars",
                     "max_body_bytes", "body_timeout_s"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    @property
    def max_concurrent_requests(self) -> int:
        """Requests one instance serves at once (Azure ML's ``max_concurrent_requests_per_instance``)."""
        return self.workers * self.http_threads

    def with_changes(self, **changes) -> "ServerSettings":
        """A copy with the given fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def gunicorn_args(self) -> str:
        return shlex.join(["--worker-class", "gthread", "--threads", str(self.http_threads),
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
        }

    @classmethod
    def from_environment(cls, env: dict[str, str]) -> "ServerSettings":
        """Read the settings back from a deployment's environment variables (the inverse of
        :meth:`environment`); what is missing keeps its default."""
        args = shlex.split(env.get("GUNICORN_CMD_ARGS", ""))
        values = {"http_threads": args[args.index("--threads") + 1] if "--threads" in args else None,
                  "workers": env.get("WORKER_COUNT"), "ort_threads": env.get("COURSEKIT_ORT_THREADS")}
        for name in ("max_texts", "max_chars", "max_total_chars", "max_body_bytes", "body_timeout_s"):
            values[name] = env.get(f"COURSEKIT_{name.upper()}")
        return cls().with_changes(**{k: int(v) for k, v in values.items() if v is not None})


DEFAULT_SETTINGS = ServerSettings()
