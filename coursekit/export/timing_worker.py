"""Time one engine alone in this process: ``python -m coursekit.export.timing_worker JOB.json``.

The job file names the engine (``kind``, ``path``), its ``threads`` and ``spinning``, an
``.npz`` of input batches (``b<N>.<input name>``), the ``runs`` and ``warmup`` per batch,
and ``output``: where to write ``{"<batch>": {"wall": [seconds, ...], "cpu": [...]}}``
(``cpu``: the CPU time of the whole process per call, which other work on the machine
inflates far less than the wall time). Only this engine's threads exist in the process,
so no other engine's threads can compete with it; an ORT worker never imports torch.
"""
from __future__ import annotations

import json
import sys
import time


def load_batches(npz_path: str) -> dict[int, dict]:
    """``{batch size: {input name: array}}`` from the job's ``.npz``."""
    import numpy as np

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
