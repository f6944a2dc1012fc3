"""Fair latency measurement of several engines in one process.

Rounds are interleaved (engine A, B, C, A, B, C, ...) so that noise from other work on a
shared machine hits every engine alike; the median is reported with the 90th percentile.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np


def summarize(seconds: list[float]) -> dict:
    """p50/p90/mean in milliseconds of a list of durations in seconds."""
    ms = np.asarray(seconds, dtype=float) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p90_ms": round(float(np.percentile(ms, 90)), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "runs": int(ms.size),
    }


def measure_interleaved(calls: dict[str, Callable[[], object]], *, repeats: int = 20,
                        warmup: int = 2) -> dict[str, dict]:
    """Time each zero-argument callable ``repeats`` times, interleaved; summary per name."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    for call in calls.values():
        for _ in range(warmup):
            call()
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - start)
    return {name: summarize(values) for name, values in timings.items()}
