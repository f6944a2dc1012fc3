"""Read collected requests into columns: local JSON Lines or Azure ML's exported collections.

Local files (``score_collect.LocalCollector``): one JSON object per request with
``time``, ``status``, ``latency_ms``, ``model`` and per text ``items`` (label,
``p_positive``, the derived features, the text unless it was kept out).

Azure ML (the ``model_inputs`` / ``model_outputs`` collections, downloaded from the
workspace's blob store): one JSON object per collected DataFrame with ``data`` (its rows)
and ``correlationid``; inputs and outputs are joined on it, row by row.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from .reference import MonitorError

MAX_TEXT_SAMPLE = 100_000  # texts kept for vocabulary drift (a uniform sample beyond that)
ITEM_COLUMNS = ("p_positive", "chars", "words", "pieces", "unk")


@dataclass
class Requests:
    """Columns of the collected traffic: one row per request, one row per scored text."""

    time: np.ndarray  # per request, seconds since the epoch
    status: np.ndarray
    latency_ms: np.ndarray
    models: dict = field(default_factory=dict)  # fingerprint -> requests
    items: dict = field(default_factory=dict)  # column -> array, one row per text
    item_time: np.ndarray = field(default_factory=lambda: np.zeros(0))
    texts: list = field(default_factory=list)  # a sample, for vocabulary drift (empty when kept out)
    files: list = field(default_factory=list)
    skipped_lines: int = 0

    def __len__(self) -> int:
        return len(self.status)


class _Columns:
    """Lists that grow file by file; :meth:`done` turns them into arrays. Texts are kept as a
    systematic sample (every ``stride``-th; the stride doubles whenever the sample would pass
    twice :data:`MAX_TEXT_SAMPLE`), so a million requests cost no more memory than 100,000."""

    def __init__(self):
        self.time, self.status, self.latency, self.models = [], [], [], {}
        self.items = {name: [] for name in ITEM_COLUMNS}
        self.item_time, self.texts, self.stride, self.seen, self.skipped = [], [], 1, 0, 0

    def add(self, records: list[dict]) -> None:
        """Requests in the local format (a list of decoded lines)."""
        nan = float("nan")
        self.time += [r["time"] for r in records]
        self.status += [r["status"] for r in records]
        self.latency += [r.get("latency_ms", nan) for r in records]
        for r in records:
            model = r.get("model")
            self.models[model] = self.models.get(model, 0) + 1
        items = [(r["time"], item) for r in records for item in (r.get("items") or ()) if isinstance(item, dict)]
        for name, values in self.items.items():
            values += [item.get(name, nan) for _, item in items]
        self.item_time += [when for when, _ in items]
        texts = [item["text"] for _, item in items if isinstance(item.get("text"), str)]
        first = (-self.seen) % self.stride  # keep the global positions that are multiples of the stride
        self.seen += len(texts)
        self.texts += texts[first::self.stride]
        while len(self.texts) > 2 * MAX_TEXT_SAMPLE:
            self.texts, self.stride = self.texts[::2], self.stride * 2

    def done(self, files) -> Requests:
        f = np.asarray
        return Requests(f(self.time, dtype=float), f(self.status, dtype=int), f(self.latency, dtype=float),
                        self.models, {k: f(v, dtype=float) for k, v in self.items.items()},
                        f(self.item_time, dtype=float), self.texts, [str(p) for p in files], self.skipped)


def log_files(paths) -> list[Path]:
    """Every ``*.jsonl`` / ``*.json`` file named or inside the folders named (recursively)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".json") and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise MonitorError(f"{path}: no such file or folder of collected requests (--logs)")
    if not found:
        raise MonitorError(f"no request logs (*.jsonl) in {', '.join(map(str, paths))}: serve with "
                           "`coursekit serve --collect DIR` and send some requests first")
    return found


def read_requests(paths, since: float | None = None) -> Requests:
    """All requests in ``paths`` (local or Azure format, told apart line by line)."""
    files, columns, azure = log_files(paths), _Columns(), {}
    for path in files:
        records = _decoded_lines(path, columns)
        local = [r for r in records if "status" in r and "time" in r and (since is None or r["time"] >= since)]
        columns.add(local)
        for r in records:
            if "data" in r and "correlationid" in r:
                _azure_part(r, azure)
            elif "status" not in r or "time" not in r:
                columns.skipped += 1
    joined = [_azure_request(when, inputs, outputs) for when, inputs, outputs in azure.values()
              if since is None or when >= since]
    columns.add(joined)
    return columns.done(files)


def _decoded_lines(path, columns: _Columns) -> list[dict]:
    """The file's JSON objects: decoded as one array (fast), else line by line, skipping and
    counting lines that are cut or not objects (a crash or a full disk mid-line)."""
    data = Path(path).read_bytes()
    lines = [line for line in data.split(b"\n") if line.strip()]
    try:
        records = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                columns.skipped += 1
    good = [r for r in records if isinstance(r, dict)]
    columns.skipped += len(records) - len(good)
    return good


def _azure_part(record: dict, parts: dict) -> None:
    kind = "outputs" if "model_outputs" in str(record.get("source", "")) + str(record.get("type", "")) else "inputs"
    rows = record["data"] if isinstance(record["data"], list) else json.loads(record["data"])
    when = record.get("time")
    when = datetime.fromisoformat(str(when).replace("Z", "+00:00")).timestamp() if when else 0.0
    entry = parts.setdefault(record["correlationid"], [when, None, None])
    entry[1 if kind == "inputs" else 2] = rows


def _azure_request(when: float, inputs, outputs) -> dict:
    """One joined Azure request in the local format."""
    outputs = outputs or [{}]
    first = outputs[0] or {}
    items = [{**(i or {}), **(o or {})} for i, o in zip(inputs or [{}] * len(outputs), outputs)]
    return {"time": when, "status": int(first.get("status", 200) or 200),
            "latency_ms": float(first.get("latency_ms", float("nan"))), "model": first.get("model"),
            "items": items if first.get("p_positive") is not None else []}


def since_minutes(minutes: float | None) -> float | None:
    import time

    return None if minutes is None else time.time() - 60 * minutes


def describe(requests: Requests) -> str:
    where = requests.files[0] if len(requests.files) == 1 else f"{len(requests.files)} files"
    return f"{len(requests)} requests, {len(requests.item_time)} texts from {where}" + (
        f" ({requests.skipped_lines} unreadable lines skipped)" if requests.skipped_lines else "")


def file_size(paths) -> int:
    return sum(os.path.getsize(p) for p in paths)
