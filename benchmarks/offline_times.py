"""Issue 20 times: `coursekit demo` and lesson 02's training at the offline tier's default sizes.

Runs each command as a user would, in a fresh process, and records its wall time, the
training time it reports and the load of the machine before and after (times need 2
quiet cores: run it under the team's CPU lock, with a 1-minute load average under ~1.2).

- ``coursekit demo``: target at most 120 s (after set-up: the venv exists);
- lesson 02's training: ``coursekit train`` on the same default sample with the same
  settings as the lesson's ``Trainer`` (the assignment's, 3 epochs): target at most 5 minutes.

    .venv/bin/python benchmarks/offline_times.py --output benchmarks/results
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shop_scores import uptime  # noqa: E402

TARGETS = {"demo_wall_s_max": 120, "lesson02_train_s_max": 300}


def timed(argv: list[str], env: dict) -> dict:
    """Run ``coursekit ARGV``; its wall time, reported training time, exit status and output tail."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", *argv], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    trained = re.search(r"trained in (\d+) s on (\d+) reviews", proc.stdout)
    return {"argv": ["coursekit", *argv], "returncode": proc.returncode, "wall_s": round(wall, 1),
            "train_runtime_s": int(trained.group(1)) if trained else None,
            "train_reviews": int(trained.group(2)) if trained else None,
            "epoch_lines": [line for line in proc.stdout.splitlines() if line.startswith("epoch ")],
            "summary": [line for line in proc.stdout.splitlines()
                        if line.startswith("test split") or " data rows (" in line][-2:],
            "stderr_tail": proc.stderr[-1500:] if proc.returncode else ""}


def wait_for_quiet(limit: float = 1.2, patience_s: int = 180) -> None:
    """Wait (at most ``patience_s``) until the 1-minute load average is under ``limit``: the run before
    ours may have just ended, and the load average lags."""
    deadline = time.monotonic() + patience_s
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(5)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="results/benchmarks")
    parser.add_argument("--skip-lesson", action="store_true", help="time the demo only")
    args = parser.parse_args(argv)
    env = dict(os.environ, CI="true")  # no progress bars: what a pipe or a notebook sees
    wait_for_quiet()
    report = {"targets": TARGETS, "machine": {"cpus": os.cpu_count(), "uptime_before": uptime(),
                                              "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}}
    with tempfile.TemporaryDirectory(prefix="coursekit-times-") as tmp:
        report["demo"] = timed(["demo", "--output", str(Path(tmp) / "demo")], env)
        report["machine"]["uptime_after_demo"] = uptime()
        if not args.skip_lesson:
            report["lesson02_training"] = timed(["train", "--output", str(Path(tmp) / "lesson")], env)
            report["machine"]["uptime_after_lesson"] = uptime()
    report["checks"] = {
        "demo_at_most_120_s": report["demo"]["returncode"] == 0 and report["demo"]["wall_s"] <= TARGETS["demo_wall_s_max"]}
    if "lesson02_training" in report:
        lesson = report["lesson02_training"]
        report["checks"]["lesson02_training_at_most_300_s"] = (
            lesson["returncode"] == 0 and (lesson["train_runtime_s"] or 1e9) <= TARGETS["lesson02_train_s_max"])
    for name in ("demo", "lesson02_training"):
        if name in report:
            r = report[name]
            print(f"{name:<18} wall {r['wall_s']:>6.1f} s, training {r['train_runtime_s']} s on {r['train_reviews']} "
                  f"reviews (exit {r['returncode']})")
    for check, ok in report["checks"].items():
        print(f"  {'PASS' if ok else 'FAIL'}  {check}")
    print("load:", report["machine"]["uptime_before"], "->", uptime())
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "offline_times.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out / 'offline_times.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
