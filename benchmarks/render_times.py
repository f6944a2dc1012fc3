"""Issue 23.5: how long ``coursekit render`` takes (reusing a trained model, as right after ``make demo``) and
the longest silence in its piped output, on a quiet or a busy machine (the load is recorded).

Runs ``coursekit render --model MODEL --output TMP`` in a fresh process with its output piped (not a
terminal: the progress lines of this issue, at least every 30 s), timestamps every line it prints and
records the wall time, each lesson's seconds, the longest gap between two lines and the 1-minute load
before and after. ``--label`` names the condition (quiet: under the CPU lock with a load under ~1.2;
busy: beside another job using both cores).

    .venv/bin/python benchmarks/render_times.py --model results/demo --label quiet \\
        --output benchmarks/results/render_times-quiet.json
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

RENDERED = re.compile(r"^rendered (\S+) -> .* \((\d+(?:\.\d+)?) s")


def measure(model: Path, timeout: int) -> dict:
    """Run the render, timestamping each line of its output; the figures."""
    lines, stamps = [], []
    env = {k: v for k, v in os.environ.items() if k not in ("COURSEKIT_PROGRESS_S",)}
    with tempfile.TemporaryDirectory(prefix="render-times-") as tmp:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "coursekit.cli", "render", "--model", str(model), "--output",
                                 str(Path(tmp) / "pages")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, env=env, bufsize=1)
        for line in proc.stdout:
            stamps.append(time.monotonic() - started)
            lines.append(line.rstrip("\n"))
        code = proc.wait(timeout=timeout)
        wall = time.monotonic() - started
        root = str(Path(__file__).resolve().parents[1]) + "/"
        lines = [line.replace(str(model.resolve()), "MODEL").replace(str(model), "MODEL").replace(tmp, "TMP")
                 .replace(root, "") for line in lines]  # no machine paths in the committed figures
    gaps = [b - a for a, b in zip([0.0, *stamps], [*stamps, wall])]
    lessons = {m.group(1): float(m.group(2)) for m in map(RENDERED.match, lines) if m}
    return {"returncode": code, "wall_s": round(wall, 1), "lessons_s": lessons, "lines": len(lines),
            "progress_lines": sum(1 for line in lines if " into the lesson" in line),
            "longest_silence_s": round(max(gaps), 1), "output_tail": lines[-12:]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a trained lesson model (e.g. results/demo)")
    parser.add_argument("--label", required=True, help="the condition: quiet or busy (with what)")
    parser.add_argument("--output", type=Path, required=True, help="JSON file for the results")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args(argv)
    report = {"benchmark": "render_times", "label": args.label, "cpus": os.cpu_count(), "load_before": uptime()}
    report.update(measure(args.model, args.timeout))
    report["load_after"] = uptime()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "output_tail"}, indent=1))
    return 0 if report["returncode"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
