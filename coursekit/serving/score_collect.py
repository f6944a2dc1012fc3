"""Request collection for the monitor: what each request asked and got, written off the request path.

The same scoring script collects locally and on Azure ML:

- **on Azure** (the deployment's data collector is configured, which sets
  ``AZUREML_MDC_CONFIG_PATH``, and ``azureml-ai-monitoring`` is importable): Azure's own
  ``Collector`` writes the collections ``model_inputs`` and ``model_outputs``, joined by
  its correlation id, which the MonitorSchedule reads;
- **locally** (``COURSEKIT_COLLECT_DIR``): bounded, rotated JSON Lines. Each worker process
  has one writer thread and its own files (``requests-<host>-<pid>-<n>.jsonl``), so lines
  never interleave; a request only puts its record on a bounded queue (full: the record
  is dropped and counted); a file is closed at ``COURSEKIT_COLLECT_FILE_MB`` and the oldest
  files go once the folder holds ``COURSEKIT_COLLECT_MAX_MB``; a full or read-only disk
  drops records (counted, retried later) and never fails a request.

``COURSEKIT_COLLECT_TEXT=0`` keeps the texts out: only derived features are written
(:mod:`.score_features`). ``COURSEKIT_COLLECT=off|local|azure`` forces a choice.
Part of the endpoint's code folder: imports nothing from ``coursekit``.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import socket
import threading
import time
from pathlib import Path

logger = logging.getLogger("coursekit.score")
FILE_PATTERN = "requests-*.jsonl"
RETRY_AFTER_ERROR_S = 5.0


class LocalCollector:
    """One writer thread per process appending JSON Lines to its own rotated files."""

    def __init__(self, folder: str | os.PathLike, *, file_bytes: int = 16 << 20, total_bytes: int = 256 << 20,
                 queue_size: int = 10_000):
        self.folder = Path(folder)
        self.file_bytes, self.total_bytes = int(file_bytes), int(total_bytes)
        self.queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self.stats = {"written": 0, "dropped_queue_full": 0, "dropped_write_errors": 0, "files": 0}
        self._prefix = f"requests-{socket.gethostname()}-{os.getpid()}"
        self._handle, self._size, self._retry_at, self._seq = None, 0, 0.0, 0
        self._thread = threading.Thread(target=self._run, name="coursekit-collector", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def collect(self, record: dict) -> None:
        """Queue one record; never blocks, never raises."""
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.stats["dropped_queue_full"] += 1

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then stop the writer (at exit, or when a test is done)."""
        if self._thread.is_alive():
            self.queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < 512:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            stop = batch[-1] is None
            self._write([r for r in batch if r is not None])
            if stop:
                break
        if self._handle is not None:
            self._handle.close()

    def _write(self, records: list[dict]) -> None:
        if not records:
            return
        if time.monotonic() < self._retry_at:
            self.stats["dropped_write_errors"] += len(records)
            return
        data = "".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records)
        data = data.encode("utf-8")
        try:
            if self._handle is None or self._size + len(data) > self.file_bytes:
                self._rotate()
            self._handle.write(data)
            self._handle.flush()  # whole lines reach the file together, in one write
            self._size += len(data)
            self.stats["written"] += len(records)
        except (OSError, ValueError) as exc:  # a full or read-only disk: drop, count, try again later
            self.stats["dropped_write_errors"] += len(records)
            self._retry_at = time.monotonic() + RETRY_AFTER_ERROR_S
            self._handle = _closed(self._handle)
            logger.warning("request log: cannot write %d record(s) to %s (%s); dropped", len(records), self.folder,
                           exc.strerror if isinstance(exc, OSError) else exc)

    def _rotate(self) -> None:
        self._handle = _closed(self._handle)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._seq += 1
        path = self.folder / f"{self._prefix}-{time.time_ns()}-{self._seq}.jsonl"
        self._handle = open(path, "ab", buffering=1 << 16)
        self._size = self._handle.tell()
        self.stats["files"] += 1
        self._trim(keep=path)

    def _trim(self, keep: Path) -> None:
        """Remove the oldest request logs while the folder holds more than its cap."""
        sizes = {}
        for path in self.folder.glob(FILE_PATTERN):
            try:  # another worker may remove a file meanwhile
                stat = path.stat()
            except OSError:
                continue
            sizes[path] = (stat.st_mtime_ns, stat.st_size)
        total = sum(size for _, size in sizes.values())
        for path in sorted(sizes, key=lambda p: sizes[p][0]):
            if total <= self.total_bytes - self.file_bytes or path == keep:
                break
            total -= sizes[path][1]
            path.unlink(missing_ok=True)


def _closed(handle):
    if handle is not None:
        try:
            handle.close()
        except OSError:
            pass
    return None


class AzureCollector:
    """Azure ML's data collector (``azureml-ai-monitoring``): ``model_inputs`` and ``model_outputs``."""

    INPUTS = ("chars", "words", "pieces", "unk", "truncated", "text")

    def __init__(self):
        import pandas  # noqa: F401 - the collector takes DataFrames
        from azureml.ai.monitoring import Collector

        self._pandas = pandas
        self.stats = {"errors": 0}
        self.inputs = Collector(name="model_inputs", on_error=self._error)
        self.outputs = Collector(name="model_outputs", on_error=self._error)

    def _error(self, exc: Exception) -> None:
        self.stats["errors"] += 1
        if self.stats["errors"] == 1:
            logger.warning("Azure data collector: %s", str(exc)[:200])

    def collect(self, record: dict) -> None:
        items = record.get("items") or [{}]
        meta = {k: record[k] for k in ("request_id", "status", "latency_ms", "model") if k in record}
        try:
            inputs = self._pandas.DataFrame([{k: item[k] for k in self.INPUTS if k in item} for item in items])
            context = self.inputs.collect(inputs)
            outputs = self._pandas.DataFrame([{"label": item.get("label"), "p_positive": item.get("p_positive"),
                                               **meta} for item in items])
            self.outputs.collect(outputs, context)
        except Exception as exc:  # noqa: BLE001 - collection never fails a request
            self._error(exc)


def make_collector(env=os.environ):
    """The collector the environment asks for (see the module docstring), or ``None``."""
    choice = (env.get("COURSEKIT_COLLECT") or "auto").strip().lower()
    if choice == "off":
        return None
    on_azure = bool(env.get("AZUREML_MDC_CONFIG_PATH") or env.get("AZUREML_MDC_ENABLED", "").lower() == "true")
    if choice == "azure" or (choice == "auto" and on_azure):
        try:
            return AzureCollector()
        except ImportError as exc:
            logger.warning("Azure data collection is configured but azureml-ai-monitoring is missing (%s)", exc)
            return None
    folder = env.get("COURSEKIT_COLLECT_DIR")
    if not folder:
        return None
    mb = 1 << 20
    return LocalCollector(folder, file_bytes=int(float(env.get("COURSEKIT_COLLECT_FILE_MB") or 16) * mb),
                          total_bytes=int(float(env.get("COURSEKIT_COLLECT_MAX_MB") or 256) * mb))


def keeps_text(env=os.environ) -> bool:
    return (env.get("COURSEKIT_COLLECT_TEXT") or "1").strip().lower() not in ("0", "false", "no", "off")
