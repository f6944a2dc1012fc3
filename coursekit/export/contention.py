"""Were the latencies of a parity report taken on a busy machine? Then their ratios mean little.

Other work on the machine does not slow every engine alike: an engine whose threads must wait
for a busy core at every layer (PyTorch's OpenMP pool) loses far more than one that runs on a
single thread, so on a loaded shared instance the speed-ups of ONNX Runtime over PyTorch came
out 29x and 104x where a quiet machine measures under 2x and 3x. :func:`contention_reasons`
looks for the three signs, each computed from the report itself:

* **load above the cores**: the 1-minute load average before the timings exceeded the CPU count;
* **CPU time near wall time**: with ``threads`` threads on free cores, PyTorch's process uses about
  ``threads`` seconds of CPU per second of wall time (its OpenMP threads spin while they wait);
  well under that (below :data:`CPU_SHARE` of it), its threads were waiting for cores;
* **spread between repeats**: the 90th percentile far above the median (:data:`SPREAD`), or the
  rounds' medians far apart: the machine changed speed while it was timed.
"""
from __future__ import annotations

CPU_SHARE = 0.6  # below this share of threads x wall time, PyTorch's threads were kept waiting
SPREAD = 1.5  # p90 / p50, or the slowest round's median / the fastest's


def _engine_signs(name: str, label: str, batch: str, summary: dict, threads: int) -> list[str]:
    signs = []
    wall, cpu = summary.get("p50_ms"), summary.get("cpu_p50_ms")
    if name == "pytorch" and wall and cpu is not None and cpu < CPU_SHARE * threads * wall:
        signs.append(f"{label} at batch {batch} used {cpu:.0f} ms of CPU per {wall:.0f} ms call with {threads} "
                     f"thread{'s' if threads > 1 else ''} (about {threads * wall:.0f} ms on free cores): "
                     "its threads waited for cores")
    if wall and summary.get("p90_ms", 0) > SPREAD * wall:
        signs.append(f"{label} at batch {batch}: the slowest tenth of calls took over {summary['p90_ms'] / wall:.1f}x "
                     "the median")
    rounds = summary.get("round_p50_ms") or []
    if len(rounds) > 1 and min(rounds) > 0 and max(rounds) > SPREAD * min(rounds):
        signs.append(f"{label} at batch {batch}: its rounds' medians ranged from {min(rounds):.1f} to "
                     f"{max(rounds):.1f} ms")
    return signs


def contention_reasons(report: dict) -> list[str]:
    """Why the latencies of ``report`` (a :func:`~coursekit.export.parity.parity_report`) are not to be
    trusted, one reason per sign found; empty when the machine looked quiet."""
    if not report.get("batch_sizes"):
        return []
    machine = report.get("machine") or {}
    cpus, load = machine.get("cpu_count"), (machine.get("before") or {}).get("load_average_1m")
    reasons = []
    if cpus and load is not None and load > cpus:
        reasons.append(f"the 1-minute load was {load:g} on {cpus} CPUs before the timings: other work wanted "
                       "more cores than there are")
    threads = int(report.get("threads") or 1)
    for name, by_batch in (report.get("latency_ms") or {}).items():
        label = (report.get("engines") or {}).get(name, {}).get("label", name)
        for batch, summary in by_batch.items():
            reasons += _engine_signs(name, label, str(batch), summary, threads)
    return reasons


def contention_warning(reasons: list[str]) -> str:
    """What a student should make of a speed table taken under ``reasons`` (empty: nothing to say)."""
    if not reasons:
        return ""
    return ("WARNING: these latencies were taken on a busy machine, so the speed-ups (in parentheses) are not "
            "meaningful: " + "; ".join(reasons) + ". Other work slows the engines unequally (an engine whose "
            "threads wait for a busy core at every layer loses most), so the ratios measure the machine's load, "
            "not the engines. Run the cell again when the machine is quiet; the lesson's text gives the figures "
            "of a quiet 2-core machine.")
