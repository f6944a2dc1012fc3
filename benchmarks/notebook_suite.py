"""Wall time of the notebook suite, notebook by notebook, the way CI runs it.

Two modes:
  nbval     (default) ``pytest --nbval-lax`` on each notebook with the project's sanitizer,
            as ``make notebooks`` and CI do: pytest start-up, kernel start-up and all cells.
  nbclient  execute each notebook in a fresh kernel with nbclient (no pytest): the time of
            the cells plus one kernel start.

Runs on the offline tier (COURSEKIT_PROFILE=offline, CI=true, no Hub) with a temporary
HOME, like the test suite. Prints a table and writes JSON (default
results/benchmarks/notebook_suite-MODE.json). Works with whatever notebooks/*.ipynb exist.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/notebook_suite.py
    .venv/bin/python benchmarks/notebook_suite.py --mode nbclient notebooks/01_fundamentals.ipynb
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def offline_env(home: Path) -> dict:
    env = dict(os.environ)
    env.update(HOME=str(home), HF_HOME=str(home / "hf"), MPLCONFIGDIR=str(home / "mpl"),
               IPYTHONDIR=str(home / "ipython"), JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
               HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               COURSEKIT_PROFILE="offline", MPLBACKEND="Agg", CI="true", TOKENIZERS_PARALLELISM="false")
    return env


def run_nbval(notebook: Path, env: dict, timeout: int) -> dict:
    cmd = [sys.executable, "-m", "pytest", str(notebook), "--nbval-lax", "-p", "no:cacheprovider", "-q"]
    sanitize = notebook.parent / "sanitize.cfg"
    if sanitize.is_file():
        cmd += ["--nbval-sanitize-with", str(sanitize)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "seconds": time.perf_counter() - started, "error": f"timed out after {timeout} s"}
    seconds = time.perf_counter() - started
    summary = (proc.stdout.strip().splitlines() or [""])[-1]
    row = {"ok": proc.returncode == 0, "seconds": seconds, "summary": summary}
    if proc.returncode:
        row["error"] = (proc.stdout + proc.stderr)[-1500:]
    return row


def run_nbclient(notebook: Path, env: dict, timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    started = time.perf_counter()
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
        row = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - record the failure, time the rest
        row = {"ok": False, "error": f"{type(exc).__name__}: {str(exc)[-1500:]}"}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    row["seconds"] = time.perf_counter() - started
    row["cells"] = sum(1 for c in nb.cells if c.cell_type == "code")
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    parser.add_argument("--mode", choices=["nbval", "nbclient"], default="nbval")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per notebook (nbclient: per cell)")
    parser.add_argument("--output", default="results/benchmarks")
    args = parser.parse_args(argv)

    notebooks = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    report = {"benchmark": "notebook_suite", "mode": args.mode, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "environment": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "omp_num_threads": os.environ.get("OMP_NUM_THREADS")},
              "notebooks": []}
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"notebook_suite-{args.mode}.json"
    if not notebooks:
        print("no notebooks found under notebooks/")
    run = run_nbval if args.mode == "nbval" else run_nbclient
    with tempfile.TemporaryDirectory(prefix="nb-suite-home-") as home:
        env = offline_env(Path(home))
        for notebook in notebooks:
            print(f"running {notebook.name} ...", flush=True)
            row = {"notebook": str(notebook.relative_to(ROOT)) if notebook.is_relative_to(ROOT) else str(notebook)}
            row.update(run(notebook, env, args.timeout))
            report["notebooks"].append(row)
            report["total_s"] = sum(r["seconds"] for r in report["notebooks"])
            report["all_ok"] = all(r["ok"] for r in report["notebooks"])
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(report, indent=2))
            tmp.replace(path)
    print()
    print(f"{'notebook':<40}{'seconds':>10}  result")
    for r in report["notebooks"]:
        print(f"{Path(r['notebook']).name:<40}{r['seconds']:>10.1f}  {'ok' if r['ok'] else 'FAILED'}")
    if notebooks:
        print(f"{'total':<40}{report['total_s']:>10.1f}")
    print(f"wrote {path}")
    return 0 if report.get("all_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
