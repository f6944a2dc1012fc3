"""Parity report: is the ONNX Runtime model the same model as the PyTorch one, and faster?

For each engine (PyTorch eager, ORT fp32, ORT int8) it records the file size, the
largest logit difference to PyTorch and the share of identical predictions on real
texts, accuracy when labels are given, and latency at the requested batch sizes with
every sequence padded to ``seq_len`` tokens.
"""
from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .latency import measure_interleaved
from .manifest import FP32_NAME, INT8_NAME, read_manifest
from .runners import OrtClassifier, TorchClassifier, encode

ENGINE_LABELS = {"pytorch": "PyTorch eager", "onnx_fp32": "ONNX Runtime fp32", "onnx_int8": "ONNX Runtime int8"}


def compare_logits(reference: np.ndarray, candidate: np.ndarray) -> dict:
    """Largest absolute logit difference and the share of equal arg-max predictions."""
    reference, candidate = np.asarray(reference), np.asarray(candidate)
    if reference.shape != candidate.shape:
        raise ValueError(f"logit shapes differ: {reference.shape} vs {candidate.shape}")
    return {
        "max_abs_logit_diff": float(np.abs(reference - candidate).max()) if reference.size else 0.0,
        "agreement": float((reference.argmax(-1) == candidate.argmax(-1)).mean()) if len(reference) else 1.0,
    }


def _batched_logits(runner, tokenizer, texts: list[str], max_length: int, batch_size: int = 32) -> np.ndarray:
    parts = [runner.logits(encode(tokenizer, texts[i:i + batch_size], max_length))
             for i in range(0, len(texts), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float32)


def _latency_batch(tokenizer, texts: list[str], batch: int, seq_len: int) -> dict[str, np.ndarray]:
    chosen = [texts[i % len(texts)] for i in range(batch)]
    return encode(tokenizer, chosen, seq_len, pad_to_max=True)


def parity_report(
    model_dir: str | os.PathLike,
    export_dir: str | os.PathLike,
    texts: list[str],
    labels: list[int] | None = None,
    *,
    data_name: str = "",
    batch_sizes: tuple[int, ...] = (1, 32),
    seq_len: int = 128,
    repeats: int = 20,
    threads: int | None = None,
) -> dict:
    """Compare PyTorch with the exported ONNX graphs on ``texts``; see the module docstring.

    ``texts`` are cleaned first when the export's manifest says the scoring script
    cleans requests, so every engine sees what the deployed model would see.
    """
    from transformers import AutoTokenizer

    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()
    if not texts:
        raise ValueError("parity_report needs at least one text")
    export_dir = Path(export_dir)
    manifest = read_manifest(export_dir)
    if manifest.get("clean_text"):
        from ..data import clean_text

        texts = [clean_text(t) for t in texts]
    max_length = int(manifest.get("max_length", seq_len))
    tokenizer = AutoTokenizer.from_pretrained(export_dir)

    runners = {"pytorch": TorchClassifier(model_dir, threads)}
    runners["onnx_fp32"] = OrtClassifier(export_dir / FP32_NAME, threads, engine="onnx_fp32")
    if (export_dir / INT8_NAME).exists():
        runners["onnx_int8"] = OrtClassifier(export_dir / INT8_NAME, threads, engine="onnx_int8")

    load_before = _load_average()
    logits = {name: _batched_logits(r, tokenizer, texts, max_length) for name, r in runners.items()}
    engines = {}
    for name, runner in runners.items():
        entry = {"label": ENGINE_LABELS[name], "file_mb": round(runner.size_bytes / 1e6, 2)}
        if name != "pytorch":
            entry.update(compare_logits(logits["pytorch"], logits[name]))
        if labels is not None:
            entry["accuracy"] = float((logits[name].argmax(-1) == np.asarray(labels)).mean())
        engines[name] = entry

    latency: dict[str, dict] = {name: {} for name in runners}
    for batch in batch_sizes:
        feeds = _latency_batch(tokenizer, texts, batch, seq_len)
        timed = measure_interleaved({n: (lambda r=r: r.logits(feeds)) for n, r in runners.items()},
                                    repeats=repeats)
        for name, summary in timed.items():
            latency[name][str(batch)] = summary
    speedup = {
        name: {b: round(latency["pytorch"][b]["p50_ms"] / latency[name][b]["p50_ms"], 2) for b in latency[name]}
        for name in runners if name != "pytorch"
    }

    import torch

    return {
        "data": data_name,
        "n_texts": len(texts),
        "labelled": labels is not None,
        "seq_len": seq_len,
        "batch_sizes": list(batch_sizes),
        "repeats": repeats,
        "threads": threads or torch.get_num_threads(),
        "engines": engines,
        "latency_ms": latency,
        "speedup_vs_pytorch": speedup,
        "machine": {"cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    # other work on the machine inflates every latency; the 1-minute load says how much
                    "load_average_1m": {"before": load_before, "after": _load_average()}},
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not on every platform
        return None


def format_parity_table(report: dict) -> str:
    """A fixed-width table of a :func:`parity_report` result."""
    batches = [str(b) for b in report["batch_sizes"]]
    head = ["engine", "size MB", "max|Δlogit|", "agree", "acc"]
    head += [f"b{b} p50 ms" for b in batches] + [f"b{b} speedup" for b in batches]
    rows = []
    for name, entry in report["engines"].items():
        row = [entry["label"], f"{entry['file_mb']:.1f}",
               "—" if name == "pytorch" else f"{entry['max_abs_logit_diff']:.2e}",
               "—" if name == "pytorch" else f"{entry['agreement']:.2%}",
               f"{entry['accuracy']:.3f}" if "accuracy" in entry else "—"]
        row += [f"{report['latency_ms'][name][b]['p50_ms']:.1f}" for b in batches]
        row += ["1.00x" if name == "pytorch" else f"{report['speedup_vs_pytorch'][name][b]:.2f}x" for b in batches]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    title = (f"{report['n_texts']} texts{' from ' + report['data'] if report['data'] else ''}; "
             f"latency at sequence length {report['seq_len']}, {report['threads']} thread(s), "
             f"median of {report['repeats']} interleaved runs")
    load = report.get("machine", {}).get("load_average_1m", {})
    if load.get("before") is not None:
        title += f"; machine load {load['before']} → {load['after']} on {report['machine']['cpu_count']} CPUs"
    return title + "\n" + "\n".join(lines)
