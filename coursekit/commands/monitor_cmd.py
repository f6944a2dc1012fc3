"""``coursekit monitor``: collected requests against the model's reference profile; exit 1 on an alert."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ALERT_EXIT = 1


def add_parser(subparsers) -> None:
    from ..monitoring.signals import THRESHOLDS

    p = subparsers.add_parser(
        "monitor", help="traffic, latency, errors and drift of the collected requests; exit 1 on an alert",
        description="Read the requests that the scoring script collected (`coursekit serve --collect DIR`, or the "
                    "model_inputs/model_outputs files exported from Azure ML) and compare them with the reference "
                    "profile that `coursekit train` wrote into the model folder. Writes monitor.json and "
                    "monitor.html (plots) to --output; exits 0 without an alert, 1 with one (so a scheduled job "
                    "can page someone), 2 on bad input.",
        epilog="thresholds (--threshold NAME=VALUE): " + ", ".join(f"{k}={v}" for k, v in THRESHOLDS.items()))
    p.add_argument("logs", nargs="*", help="request log files or folders (searched for *.jsonl)")
    p.add_argument("--reference", help="monitoring-reference.json, the model folder holding it, or its onnx/ folder")
    p.add_argument("--export", action="append", default=[], metavar="DIR",
                   help="the export folder that served the logs, when it is not the model folder's onnx/: its graph "
                        "scores the reference's validation reviews, so engines are compared like with like")
    p.add_argument("--output", help="folder for monitor.json and monitor.html (default: print the verdicts only)")
    p.add_argument("--last-minutes", type=float, help="only the requests of the last N minutes")
    p.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE", help="change one threshold")
    p.add_argument("--write-reference", metavar="MODEL_DIR",
                   help="(re)write the reference profile of a trained model folder from its run card's splits, "
                        "for a model trained before coursekit wrote one; then exit")
    p.set_defaults(func=run_monitor)


def _thresholds(pairs: list[str]) -> dict:
    from ..monitoring.reference import MonitorError
    from ..monitoring.signals import THRESHOLDS

    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in THRESHOLDS:
            raise MonitorError(f"--threshold {pair[:60]!r}: expected NAME=VALUE with NAME one of "
                               f"{', '.join(THRESHOLDS)}")
        try:
            out[name] = type(THRESHOLDS[name])(float(value))
        except ValueError:
            raise MonitorError(f"--threshold {name}: {value[:40]!r} is not a number") from None
    return out


def run_monitor(args: argparse.Namespace) -> int:
    from ..monitoring.reference import MonitorError
    from ..monitoring.report import monitor_paths

    if args.write_reference:
        return _write_reference(Path(args.write_reference))
    if not args.logs or not args.reference:
        raise MonitorError("name the collected logs (LOGS...) and the model's reference profile (--reference)")
    report = monitor_paths(args.logs, args.reference, _thresholds(args.threshold), args.last_minutes, args.output,
                           args.export)
    _print(report)
    return ALERT_EXIT if report["alert"] else 0


def _print(report: dict) -> None:
    print(f"read {report['read']}")
    scored_by = report["prediction_drift"].get("reference_scored_by") or {}
    if scored_by.get("note"):
        print(f"  note: {scored_by['note']}")
    elif scored_by.get("fingerprint"):
        print(f"  reference scored by the serving graph {scored_by['engine']} ({scored_by['fingerprint']})")
    for part in ("operations", "prediction_drift", "data_drift"):
        for s in report[part].get("signals", []):
            state = "ALERT" if s["alert"] else "ok"
            extra = f", p={s['p_value']}" if "p_value" in s else ""
            note = f" ({s['note']})" if s.get("note") else ""
            print(f"  {state:5} {part.replace('_', ' ')}: {s['signal']} = {s['value']} (threshold {s['threshold']}"
                  f"{extra}){note}")
    note = report["data_drift"].get("vocabulary", {}).get("note")
    if note:
        print(f"  vocabulary: {note}")
    for path in report.get("written", []):
        print(f"wrote {path}")
    print(("ALERT: " + "; ".join(report["alerts"])) if report["alert"] else "no alert", flush=True)


def _write_reference(model_dir: Path) -> int:
    from ..monitoring.reference import profile_trained_model
    from ..train import splits_from_run_card

    splits = splits_from_run_card(model_dir)
    path = profile_trained_model(model_dir, splits["validation"]["text"], splits["train"]["text"])
    print(f"wrote {path}")
    return 0
