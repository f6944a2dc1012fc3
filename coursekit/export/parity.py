"""Parity report: is the ONNX Runtime model the same model as the PyTorch one, and faster?

For each engine (PyTorch eager, ORT fp32, ORT int8) it records the file size, the
largest logit difference to PyTorch and the share of identical predictions on real
texts, accuracy when labels are given, and latency at the requested batch sizes with
every sequence padded to ``seq_len`` tokens, each engine timed alone in its own process
with the session options the scoring service uses (:mod:`.latency`).
"""
from __future__ import annotations

import gc
import os
import platform
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..model_folder import cleaning_config
from ..progress import NoProgress
from .contention import contention_reasons
from .latency import measure_in_process, time_engines_isolated
from .manifest import FP32_NAME, INT8_NAME, read_manifest
from .runners import encode, make_runner

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


def engine_files(model_dir: str | os.PathLike, export_dir: Path) -> dict[str, tuple[str, Path]]:
    """``{engine name: (kind, path)}`` for PyTorch and every graph the export holds."""
    files = {"pytorch": ("torch", Path(model_dir)), "onnx_fp32": ("ort", export_dir / FP32_NAME)}
    if (export_dir / INT8_NAME).exists():
        files["onnx_int8"] = ("ort", export_dir / INT8_NAME)
    return files


def agreement(files: dict, tokenizer, texts: list[str], labels: list[int] | None, max_length: int,
              threads: int | None) -> dict[str, dict]:
    """Per engine: file size, logit difference and agreement with PyTorch, accuracy when labelled."""
    runners = {name: make_runner(kind, path, threads) for name, (kind, path) in files.items()}
    logits = {name: _batched_logits(runner, tokenizer, texts, max_length) for name, runner in runners.items()}
    engines = {}
    for name, runner in runners.items():
        entry = {"label": ENGINE_LABELS[name], "file_mb": round(runner.size_bytes / 1e6, 2)}
        if name != "pytorch":
            entry.update(compare_logits(logits["pytorch"], logits[name]))
        if labels is not None:
            entry["accuracy"] = float((logits[name].argmax(-1) == np.asarray(labels)).mean())
        engines[name] = entry
    del runners  # their thread pools go with them, before anything is timed
    gc.collect()
    return engines


def latency(files: dict, tokenizer, texts: list[str], batch_sizes, seq_len: int, *, repeats: int,
            rounds: int, threads: int | None, spinning: bool, isolate: bool, progress) -> dict[str, dict]:
    """``{engine: {batch: summary}}`` with every text padded to ``seq_len`` tokens."""
    batches = {int(b): latency_batch(tokenizer, texts, int(b), seq_len) for b in batch_sizes}
    if not batches:
        return {name: {} for name in files}
    if isolate:
        return time_engines_isolated(files, batches, runs=repeats, rounds=rounds, threads=threads,
                                     spinning=spinning, progress=progress)
    timed: dict[str, dict] = {}
    for name, (kind, path) in files.items():
        with progress.step(f"timing {name} (in this process)"):
            runner = make_runner(kind, path, threads, spinning)
            calls = {str(b): (lambda f=feeds, r=runner: r.logits(f)) for b, feeds in batches.items()}
            timed[name] = measure_in_process(calls, repeats=repeats)
            del runner, calls
    return timed


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
    rounds: int = 1,
    threads: int | None = None,
    spinning: bool = False,
    isolate: bool = True,
    progress=None,
) -> dict:
    """Compare PyTorch with the exported ONNX graphs on ``texts``; see the module docstring.

    ``texts`` are cleaned first when the export's manifest says the scoring script cleans
    requests, so every engine sees what the deployed model would see. ``repeats`` timed
    runs per engine, batch size and round; ``spinning`` is ONNX Runtime's busy-waiting
    (off in the scoring service); ``isolate=False`` times in this process (quicker, rougher);
    ``batch_sizes=()`` times nothing (the parity check alone, as ``coursekit export`` without ``--benchmark``).
    """
    if not texts:
        raise ValueError("parity_report needs at least one text")
    progress = progress or NoProgress()
    manifest, texts, tokenizer = _as_served(Path(export_dir), texts)
    files = engine_files(model_dir, Path(export_dir))
    machine_before = _machine_load()
    with progress.step(f"checking parity on {len(texts)} texts"):
        engines = agreement(files, tokenizer, texts, labels, int(manifest.get("max_length", seq_len)), threads)
    timed = latency(files, tokenizer, texts, batch_sizes, seq_len, repeats=repeats, rounds=rounds, threads=threads,
                    spinning=spinning, isolate=isolate, progress=progress)
    report = {
        "data": data_name,
        "n_texts": len(texts),
        "labelled": labels is not None,
        "seq_len": seq_len,
        "batch_sizes": list(batch_sizes),
        "repeats": repeats,
        "rounds": rounds,
        "threads": threads or _default_threads(),
        "ort_spinning": spinning,
        "timing": ("not timed (coursekit export --benchmark times it)" if not batch_sizes else
                   "each engine alone in its own process" if isolate else "one engine after the other, in one process"),
        "engines": engines,
        "latency_ms": timed,
        "speedup_vs_pytorch": speedups(timed),
        "fusion": {"fp32": manifest.get("fusion", {}).get("ops", {}),
                   "int8": manifest.get("quantization", {}).get("ops", {}),
                   **({"note": manifest["fusion"]["note"]} if manifest.get("fusion", {}).get("note") else {})},
        "machine": {"cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "before": machine_before, "after": _machine_load()},
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    report["contention"] = contention_reasons(report)  # signs that the machine was too busy for the ratios
    return report


def _as_served(export_dir: Path, texts: list[str]) -> tuple[dict, list[str], object]:
    """(manifest, texts, tokenizer): ``texts`` cleaned as the scoring script cleans requests (the
    export's recorded steps), so every engine sees what the deployed model would see."""
    from transformers import AutoTokenizer

    from ..data import clean_text
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries(False)
    manifest = read_manifest(export_dir)
    card = manifest.get("run_card")
    if isinstance(card, dict) and "cleaning" in card:  # as score.cleaning_of: the run card's steps, else all or none
        cleaning = cleaning_config(card["cleaning"])
    else:
        cleaning = cleaning_config({}) if manifest.get("clean_text") else None
    if cleaning is not None:
        texts = [clean_text(t, cleaning) for t in texts]
    return manifest, texts, AutoTokenizer.from_pretrained(export_dir)


def speedups(timed: dict[str, dict]) -> dict[str, dict]:
    """PyTorch's median latency over each ORT engine's, per batch size."""
    base = timed.get("pytorch", {})
    return {name: {b: round(base[b]["p50_ms"] / s["p50_ms"], 2) for b, s in by_batch.items() if b in base}
            for name, by_batch in timed.items() if name != "pytorch"}


def _batched_logits(runner, tokenizer, texts: list[str], max_length: int, batch_size: int = 32) -> np.ndarray:
    """Logits in the order of ``texts``, computed in batches of similar lengths (little padding: on
    reviews of mixed lengths this is twice as fast). Every engine gets the same batches, which matters
    for int8: its activation scales are computed per batch, so a text's logits depend on its batch."""
    from ..data.tokenization import length_sorted_batches

    if not texts:
        return np.zeros((0, 2), dtype=np.float32)
    batches = length_sorted_batches(texts, batch_size)
    parts = [runner.logits(encode(tokenizer, [texts[i] for i in rows], max_length)) for rows in batches]
    logits = np.empty_like(np.concatenate(parts))
    logits[np.concatenate(batches)] = np.concatenate(parts)
    return logits


def latency_batch(tokenizer, texts: list[str], batch: int, seq_len: int) -> dict[str, np.ndarray]:
    """``batch`` of ``texts`` (repeated if needed), every one padded or truncated to exactly ``seq_len`` tokens."""
    chosen = [texts[i % len(texts)] for i in range(batch)]
    return encode(tokenizer, chosen, seq_len, pad_to_max=True)


def _default_threads() -> int:
    import torch

    return torch.get_num_threads()


def _machine_load() -> dict:
    """The 1-minute load average and ``uptime``'s line: other work on the machine inflates every latency."""
    found: dict = {}
    try:
        found["load_average_1m"] = round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not on every platform
        found["load_average_1m"] = None
    if shutil.which("uptime"):
        done = subprocess.run(["uptime"], capture_output=True, text=True)
        found["uptime"] = done.stdout.strip()
    return found
