"""The parity report as a fixed-width table, with how its latencies were taken."""
from __future__ import annotations

import textwrap

from .contention import contention_reasons, contention_warning

# What the spinning and thread settings do to the figures (measured: benchmarks/RESULTS.md).
SPINNING_AND_THREADS = (
    "Spinning: ONNX Runtime's idle threads busy-wait for the next run unless told not to (the scoring "
    "service turns this off); that answers back-to-back requests a little sooner on cores they have to "
    "themselves but burns those cores meanwhile, so on a shared machine, or with engines timed in one "
    "process, it slows everything else down. Threads: a second thread splits every matrix product in two, "
    "which pays off most at batch 32 and only when a second core is free; on a busy machine the threads "
    "wait for each other."
)


def format_parity_table(report: dict) -> str:
    """A fixed-width table of a :func:`~coursekit.export.parity.parity_report` result."""
    batches = [str(b) for b in report["batch_sizes"]]
    busy = report["contention"] if "contention" in report else contention_reasons(report)
    shown = "({:.2f}x)" if busy else "{:.2f}x"  # a ratio taken under contention is shown, but marked
    head = ["engine", "size MB", "max|Δlogit|", "agree", "acc"]
    head += [f"b{b} p50 ms" for b in batches] + [f"b{b} speedup" for b in batches]
    rows = []
    for name, entry in report["engines"].items():
        row = [entry["label"], f"{entry['file_mb']:.1f}",
               "—" if name == "pytorch" else f"{entry['max_abs_logit_diff']:.2e}",
               "—" if name == "pytorch" else f"{entry['agreement']:.2%}",
               f"{entry['accuracy']:.3f}" if "accuracy" in entry else "—"]
        row += [f"{report['latency_ms'][name][b]['p50_ms']:.1f}" for b in batches]
        row += ["1.00x" if name == "pytorch" else shown.format(report['speedup_vs_pytorch'][name][b]) for b in batches]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    warning = textwrap.wrap(contention_warning(busy), width=110) if report["batch_sizes"] else []
    return "\n".join([_title(report), *lines, *warning, *_footer(report)])


def _title(report: dict) -> str:
    source = f" from {report['data']}" if report["data"] else ""
    title = f"{report['n_texts']} texts{source}"
    if report["batch_sizes"]:
        rounds = report.get("rounds", 1)
        title += (f"; latency at sequence length {report['seq_len']}, {report['threads']} thread(s), "
                  f"ONNX Runtime spinning {'on' if report.get('ort_spinning', False) else 'off'}, "
                  f"median of {report['repeats']} runs" + (f" x {rounds} rounds" if rounds > 1 else "")
                  + f", {report.get('timing', 'in one process')}")
    return title


def _footer(report: dict) -> list[str]:
    lines = []
    fusion = report.get("fusion") or {}
    for kind in ("fp32", "int8"):
        if fusion.get(kind):
            lines.append(f"fused operators ({kind}): " + ", ".join(f"{op} {n}" for op, n in fusion[kind].items()))
    if fusion.get("note"):
        lines.append(fusion["note"])
    machine = report.get("machine", {})
    before, after = machine.get("before", {}), machine.get("after", {})
    if report["batch_sizes"] and before.get("load_average_1m") is not None:  # what the timings were taken under
        lines.append(f"machine load (1 min) {before['load_average_1m']} → {after.get('load_average_1m')} "
                     f"on {machine['cpu_count']} CPUs: other work on the machine slows every engine")
    if report["batch_sizes"]:
        lines += textwrap.wrap(SPINNING_AND_THREADS, width=110)
    return lines
