"""How fast `coursekit monitor` reads collected requests (issue 28: 1 million in under 30 s on 2 cores).

Writes ``--requests`` logged requests in the scoring script's local format (one UCI sentence
per request, its derived features computed with the course tokenizer, a score drawn from the
reference's distribution, a status and a latency; spread over hours like real traffic), then
times ``coursekit monitor LOGS --reference REF --output OUT`` in a fresh process: reading,
every signal, the JSON and the HTML page with its plots.

    .venv/bin/python -m benchmarks.monitor_speed --requests 1000000
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import serve_clients as sc


def features_for(sentences: list[str]) -> list[dict]:
    from tokenizers import Tokenizer

    from coursekit.profiles import offline_model_path
    from coursekit.serving.score_features import special_token_ids, text_features

    tokenizer = Tokenizer.from_file(os.path.join(offline_model_path(), "tokenizer.json"))
    tokenizer.enable_truncation(max_length=128)
    unk, special = special_token_ids(tokenizer)
    return [text_features(s, e, unk, special) for s, e in zip(sentences, tokenizer.encode_batch(sentences))], tokenizer


def write_logs(folder: Path, n: int, sentences: list[str], features: list[dict], seed: int = 0) -> int:
    """``n`` requests in files of 100,000 (as rotated logs are); returns the bytes written."""
    rng = np.random.default_rng(seed)
    scores = rng.beta(2, 2, n)
    latency = rng.gamma(4, 1.2, n)
    start = time.time() - 4 * 3600
    status = np.where(rng.random(n) < 0.002, 400, 200)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for first in range(0, n, 100_000):
        lines = []
        for i in range(first, min(n, first + 100_000)):
            k = i % len(sentences)
            record = {"time": round(start + i * 0.0144, 3), "request_id": f"{i:08x}", "status": int(status[i]),
                      "latency_ms": round(float(latency[i]), 3), "model": "3f2a9c0d1b7e6a54", "file": "model.int8.onnx"}
            if status[i] == 200:
                p = float(scores[i])
                record["items"] = [{"label": "POSITIVE" if p >= 0.5 else "NEGATIVE", "p_positive": round(p, 6),
                                    **features[k], "text": sentences[k]}]
            else:
                record["error"] = "'texts' is empty; send at least one text"
            lines.append(json.dumps(record, separators=(",", ":")))
        data = ("\n".join(lines) + "\n").encode()
        (folder / f"requests-bench-{first // 100_000:03d}.jsonl").write_bytes(data)
        written += len(data)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--out", default="results/benchmarks/monitor_speed/monitor_speed.json")
    args = parser.parse_args(argv)
    from coursekit.monitoring import build_reference, write_reference

    sentences = sc.uci_sentences()
    features, tokenizer = features_for(sentences)
    work = Path(tempfile.mkdtemp(prefix="coursekit-monitor-bench-"))
    try:
        rng = np.random.default_rng(1)
        write_reference(work / "model", build_reference(sentences[:300], rng.beta(2, 2, 300), tokenizer,
                                                        max_length=128, vocabulary_texts=sentences[300:2400]))
        started = time.perf_counter()
        size = write_logs(work / "logs", args.requests, sentences, features)
        print(f"wrote {args.requests} requests ({size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s",
              flush=True)
        before = sc.machine_load()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "coursekit.cli", "monitor", str(work / "logs"), "--reference",
                               str(work / "model"), "--output", str(work / "report")], capture_output=True, text=True)
        wall = time.perf_counter() - started
        after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = json.loads((work / "report" / "monitor.json").read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = (after_usage.ru_utime - usage.ru_utime) + (after_usage.ru_stime - usage.ru_stime)
    result = {"command": "python -m benchmarks.monitor_speed " + " ".join(sys.argv[1:] if argv is None else argv),
              "requests": args.requests, "log_bytes": size, "files": -(-args.requests // 100_000),
              "monitor_exit_code": done.returncode, "monitor_verdict": (done.stdout.splitlines() or [""])[-1],
              "read": report["read"], "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
              "peak_rss_mb": round(after_usage.ru_maxrss / 1024, 1), "cores": os.cpu_count(),
              "machine_before": before, "machine_after": sc.machine_load(),
              "target_under_30_s": wall < 30 and report["operations"]["requests"] == args.requests}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=1))
    return 0 if report["operations"]["requests"] == args.requests else 1


if __name__ == "__main__":
    sys.exit(main())
