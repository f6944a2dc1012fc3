"""One monitoring run: read the collected requests, compare them with the reference, write the report."""
from __future__ import annotations

from pathlib import Path


def monitor_paths(logs, reference, thresholds=None, last_minutes=None, output=None, exports=()) -> dict:
    """Read, compare, and (with ``output``) write monitor.json and monitor.html; returns the report.

    The reference's scores are those of the graph that answered the traffic (found in ``exports``
    or the model's export folder; :mod:`.served_scores`), so engines are compared like with like."""
    from ..fileio import write_json_atomic, write_text_atomic
    from . import page
    from .logs import describe, read_requests, since_minutes
    from .reference import find_reference, read_reference
    from .served_scores import served_fingerprint, with_served_scores
    from .signals import monitor

    exports = [*exports, *([reference] if Path(reference).is_dir() else [])]
    reference_path = find_reference(reference)
    profile = read_reference(reference_path)
    requests = read_requests(logs, since_minutes(last_minutes))
    profile = with_served_scores(profile, reference_path, served_fingerprint(requests.models), exports)
    report = monitor(requests, profile, thresholds)
    report["prediction_drift"]["reference_scored_by"] = profile["scored_by"]
    report["read"] = describe(requests)
    if output:
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(out / "monitor.json", report)
        write_text_atomic(out / "monitor.html", page.render(report, page.panels(requests, profile)))
        report["written"] = [str(out / "monitor.json"), str(out / "monitor.html")]
    return report
