"""Latency of several engines, each timed alone in a process of its own.

Timing engines in one process, interleaved, measures their interference rather than their
speed: ONNX Runtime's idle threads busy-wait ("spin") after each run and PyTorch's OpenMP
threads do the same, so each engine ran while the other's threads still held the cores.
Here every engine gets a fresh process (:mod:`.timing_worker`) that holds only its own
threads; the engines take turns, ``rounds`` times in rotating order so that changing load
on a shared machine hits each alike, and the median of the rounds' medians is reported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import ExportError
from .steps import NoProgress
from .timing_worker import time_call


def summarize(seconds: list[float], round_p50s: list[float] | None = None, cpu: list[float] | None = None) -> dict:
    """p50/p90/mean/min in milliseconds; with several rounds, p50 is the median of the rounds' medians.

    ``cpu``: CPU seconds of the timing process per call; its median is ``cpu_p50_ms``.
    """
    ms = np.asarray(seconds, dtype=float) * 1000.0
    summary = {
        "p50_ms": round(float(np.median(round_p50s) if round_p50s else np.percentile(ms, 50)), 3),
        "p90_ms": round(float(np.percentile(ms, 90)), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "min_ms": round(float(ms.min()), 3),
        "runs": int(ms.size),
    }
    if round_p50s:
        summary["round_p50_ms"] = [round(v, 3) for v in round_p50s]
    if cpu:
        summary["cpu_p50_ms"] = round(float(np.median(cpu)) * 1000.0, 3)
    return summary


def time_engines_isolated(engines: dict[str, tuple], batches: dict[int, dict], *, runs: int = 20, rounds: int = 1,
                          threads: int | None = None, spinning: bool = False, warmup: int = 2,
                          progress=None) -> dict[str, dict[str, dict]]:
    """``{engine: {batch: summary}}``.

    ``engines`` maps a name to ``(kind, path)`` (see :func:`.runners.make_runner`), or to
    ``(kind, path, {"threads": .., "spinning": ..})`` to override the shared settings.
    """
    if runs < 1 or rounds < 1:
        raise ValueError("runs and rounds must be at least 1")
    progress = progress or NoProgress()
    names = list(engines)
    walls: dict[str, dict[str, list[list[float]]]] = {n: {str(b): [] for b in batches} for n in names}
    cpus: dict[str, dict[str, list[float]]] = {n: {str(b): [] for b in batches} for n in names}
    with tempfile.TemporaryDirectory(prefix="coursekit-timing-") as work:
        npz = Path(work) / "batches.npz"
        np.savez(npz, **{f"b{size}.{name}": array for size, feeds in batches.items() for name, array in feeds.items()})
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                kind, path, *extra = engines[name]
                settings = {"threads": threads, "spinning": spinning, **(extra[0] if extra else {})}
                label = f"timing {name}" + (f" (round {r + 1}/{rounds})" if rounds > 1 else "")
                with progress.step(label):
                    timings = _run_worker(Path(work), name, kind, path, npz, runs, warmup, **settings)
                for batch, measured in timings.items():
                    walls[name][batch].append(measured["wall"])
                    cpus[name][batch].extend(measured["cpu"])
    return {name: {batch: summarize([s for one in per_round for s in one],
                                    [float(np.median(one)) * 1000 for one in per_round] if rounds > 1 else None,
                                    cpus[name][batch])
                   for batch, per_round in by_batch.items()}
            for name, by_batch in walls.items()}


def _run_worker(work: Path, name: str, kind: str, path, npz: Path, runs: int, warmup: int, *,
                threads: int | None, spinning: bool) -> dict[str, dict[str, list[float]]]:
    job, output = work / f"{name}.job.json", work / f"{name}.timings.json"
    job.write_text(json.dumps({"kind": kind, "path": str(path), "batches": str(npz), "runs": runs, "warmup": warmup,
                               "threads": threads, "spinning": spinning, "output": str(output)}))
    env = dict(os.environ, TOKENIZERS_PARALLELISM="false")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)  # PyTorch's OpenMP pool, before torch is imported
    root = str(Path(__file__).resolve().parents[2])  # so the worker imports this very coursekit
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "coursekit.export.timing_worker", str(job)], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0 or not output.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExportError(f"timing {name} ({path}) failed: {last}")
    return json.loads(output.read_text())


def measure_in_process(calls: dict[str, Callable[[], object]], *, repeats: int = 20,
                       warmup: int = 2) -> dict[str, dict]:
    """Time each zero-argument callable ``repeats`` times, one engine after the other (not interleaved).

    Quicker than :func:`time_engines_isolated` but all engines share one process: use it
    for a rough look, not for figures to publish.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    return {name: summarize(time_call(call, repeats, warmup)["wall"]) for name, call in calls.items()}
