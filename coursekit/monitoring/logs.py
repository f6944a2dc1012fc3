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
    """Lists that grow while files are read; :meth:`done` turns them into arrays."""

    def __init__(self, seed: int = 0):
        self.time, self.status, self.latency, self.models = [], [], [], {}
        self.items = {name: [] for name in ITEM_COLUMNS}
        self.item_time, self.texts, self.text_seen = [], [], 0
        self.rng, self.skipped = np.random.default_rng(seed), 0

    def request(self, when: float, status: int, latency: float, model, items) -> None:
        self.time.append(when)
        self.status.append(status)
        self.latency.append(latency)
        self.models[model] = self.models.get(model, 0) + 1
        for item in items or ():
            for name, values in self.items.items():
                values.append(item.get(name, np.nan))
            self.item_time.append(when)
            text = item.get("text")
            if isinstance(text, str):
                self._sample_text(text)

    def _sample_text(self, text: str) -> None:
        self.text_seen += 1  # reservoir sample: every text equally likely to be kept
        if len(self.texts) < MAX_TEXT_SAMPLE:
            self.texts.append(text)
        else:
            slot = int(self.rng.integers(self.text_seen))
            if slot < MAX_TEXT_SAMPLE:
                self.texts[slot] = text

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
        with open(path, "rb") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:  # a line cut by a crash or a full disk: skipped and counted
                    columns.skipped += 1
                    continue
                if not isinstance(record, dict):
                    columns.skipped += 1
                elif "data" in record and "correlationid" in record:
                    _azure_part(record, azure)
                elif "status" in record and "time" in record:
                    when = record["time"]
                    if since is None or when >= since:
                        columns.request(when, record["status"], record.get("latency_ms", np.nan),
                                        record.get("model"), record.get("items"))
                else:
                    columns.skipped += 1
    for when, inputs, outputs in azure.values():
        if since is None or when >= since:
            _azure_request(columns, when, inputs, outputs)
    return columns.done(files)


def _azure_part(record: dict, parts: dict) -> None:
    kind = "outputs" if "model_outputs" in str(record.get("source", "")) + str(record.get("type", "")) else "inputs"
    rows = record["data"] if isinstance(record["data"], list) else json.loads(record["data"])
    when = record.get("time")
    when = datetime.fromisoformat(str(when).replace("Z", "+00:00")).timestamp() if when else 0.0
    entry = parts.setdefault(record["correlationid"], [when, None, None])
    entry[1 if kind == "inputs" else 2] = rows


def _azure_request(columns: _Columns, when: float, inputs, outputs) -> None:
    outputs = outputs or [{}]
    first = outputs[0]
    items = [{**(i or {}), **(o or {})} for i, o in zip(inputs or [{}] * len(outputs), outputs)]
    columns.request(when, int(first.get("status", 200) or 200), float(first.get("latency_ms", np.nan)),
                    first.get("model"), items if first.get("p_positive") is not None else [])


def since_minutes(minutes: float | None) -> float | None:
    import time

    return None if minutes is None else time.time() - 60 * minutes


def describe(requests: Requests) -> str:
    where = requests.files[0] if len(requests.files) == 1 else f"{len(requests.files)} files"
    return f"{len(requests)} requests, {len(requests.item_time)} texts from {where}" + (
        f" ({requests.skipped_lines} unreadable lines skipped)" if requests.skipped_lines else "")


def file_size(paths) -> int:
    return sum(os.path.getsize(p) for p in paths)
