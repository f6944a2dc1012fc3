"""One monitoring run: read the collected requests, compare them with the reference, write the report."""
from __future__ import annotations

from pathlib import Path


def monitor_paths(logs, reference, thresholds=None, last_minutes=None, output=None) -> dict:
    """Read, compare, and (with ``output``) write monitor.json and monitor.html; returns the report."""
    from ..fileio import write_json_atomic, write_text_atomic
    from . import page
    from .logs import describe, read_requests, since_minutes
    from .reference import read_reference
    from .signals import monitor

    profile = read_reference(reference)
    requests = read_requests(logs, since_minutes(last_minutes))
    report = monitor(requests, profile, thresholds)
    report["read"] = describe(requests)
    if output:
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(out / "monitor.json", report)
        write_text_atomic(out / "monitor.html", page.render(report, page.panels(requests, profile)))
        report["written"] = [str(out / "monitor.json"), str(out / "monitor.html")]
    return report
