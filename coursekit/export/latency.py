"""Latency of several engines, each timed alone in a process of its own.

Timing engines in one process, interleaved, measures their interference rather than their
speed: ONNX Runtime's idle threads busy-wait ("spin") after each run and PyTorch's OpenMP
threads do the same, so each engine ran while the other's threads still held the cores.
Here every engine gets a fresh process (this module's :func:`main`) that holds only its own
threads; the engines take turns, ``rounds`` times in rotating order so that changing load
on a shared machine hits each alike, and the median of the rounds' medians is reported.

This module is also that process: ``python -m coursekit.export.latency JOB.json``. The job file
names the engine (``kind``, ``path``), its ``threads`` and ``spinning``, an ``.npz`` of input
batches (``b<N>.<input name>``), the ``runs`` and ``warmup`` per batch, and ``output``: where
to write ``{"<batch>": {"wall": [seconds, ...], "cpu": [...]}}`` (``cpu``: the CPU time of the
whole process per call, which other work on the machine inflates far less than the wall time).
Only this engine's threads exist in the process; an ONNX Runtime worker never imports torch.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import ExportError
from ..progress import NoProgress


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
    done = subprocess.run([sys.executable, "-m", "coursekit.export.latency", str(job)], env=env,
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


# --- the timing process ------------------------------------------------------------------------
def load_batches(npz_path: str) -> dict[int, dict]:
    """``{batch size: {input name: array}}`` from the job's ``.npz``."""
    batches: dict[int, dict] = {}
    with np.load(npz_path) as data:
        for key in data.files:
            size, name = key.split(".", 1)
            batches.setdefault(int(size[1:]), {})[name] = data[key]
    return batches


def time_call(call, runs: int, warmup: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of ``runs`` calls of ``call()``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"wall": wall, "cpu": cpu}


def time_runner(runner, batches: dict[int, dict], runs: int, warmup: int) -> dict[str, dict[str, list[float]]]:
    """:func:`time_call` of ``runner.logits`` for each batch."""
    return {str(size): time_call(lambda feeds=feeds: runner.logits(feeds), runs, warmup)
            for size, feeds in sorted(batches.items())}


def main(argv: list[str] | None = None) -> int:
    """Time the engine a job file names and write its timings (the timing process)."""
    from ..fileio import write_json_atomic
    from .runners import make_runner

    with open((argv or sys.argv[1:])[0], encoding="utf-8") as fh:
        job = json.load(fh)
    runner = make_runner(job["kind"], job["path"], job.get("threads"), job.get("spinning", False))
    timings = time_runner(runner, load_batches(job["batches"]), int(job["runs"]), int(job.get("warmup", 2)))
    write_json_atomic(job["output"], timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
