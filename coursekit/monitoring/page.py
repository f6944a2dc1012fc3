"""The monitor's HTML page: the verdicts in a table, then the panels (matplotlib, embedded)."""
from __future__ import annotations

import base64
import html
import io

import numpy as np


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def panels(requests, reference: dict) -> dict[str, str]:
    """Traffic, latency, score and length panels as PNG data URLs."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = {}
    fig, (traffic, latency) = plt.subplots(1, 2, figsize=(10, 3))
    if len(requests):
        minutes = (requests.time - requests.time.min()) / 60
        traffic.hist(minutes, bins=max(1, int(np.ceil(minutes.max())) or 1), color="#4c72b0")
        ok = requests.latency_ms[(requests.status == 200) & np.isfinite(requests.latency_ms)]
        if len(ok):
            latency.hist(np.clip(ok, 0, np.percentile(ok, 99.5)), bins=50, color="#55a868")
            for q, style in ((50, "-"), (99, "--")):
                latency.axvline(np.percentile(ok, q), color="k", linestyle=style, label=f"p{q}")
            latency.legend()
    traffic.set(title="Requests per minute", xlabel="minutes since the first request", ylabel="requests")
    latency.set(title="Latency of run() (200 answers)", xlabel="ms", ylabel="requests")
    out["operations"] = _png(fig)
    fig, (scores, lengths) = plt.subplots(1, 2, figsize=(10, 3))
    bins = np.linspace(0, 1, 21)
    for values, label in ((reference["data"]["p_positive"], "reference (validation)"),
                          (requests.items["p_positive"], "collected")):
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if len(values):
            scores.hist(values, bins=bins, density=True, alpha=0.55, label=label)
            lengths.hist(np.asarray(reference["data"]["chars"] if label.startswith("ref") else
                                    requests.items["chars"][np.isfinite(requests.items["chars"])], dtype=float),
                         bins=30, density=True, alpha=0.55, label=label)
    scores.set(title="Prediction drift: P(positive)", xlabel="P(positive)", ylabel="density")
    lengths.set(title="Data drift: text length", xlabel="characters (after cleaning)", ylabel="density")
    scores.legend()
    lengths.legend()
    out["drift"] = _png(fig)
    return out


def render(report: dict, images: dict[str, str]) -> str:
    rows = []
    for part in ("operations", "prediction_drift", "data_drift"):
        for s in report[part].get("signals", []):
            state = "ALERT" if s["alert"] else ("—" if s.get("note") else "ok")
            rows.append(f"<tr class='{state.lower() if state != '—' else 'na'}'><td>{html.escape(part.replace('_', ' '))}"
                        f"</td><td>{html.escape(s['signal'])}</td><td>{s['value']}</td><td>{s['threshold']}</td>"
                        f"<td>{s.get('p_value', '')}</td><td>{state} {html.escape(s.get('note', ''))}</td></tr>")
    ops = report["operations"]
    vocab = report["data_drift"].get("vocabulary", {})
    new_words = ", ".join(f"{html.escape(w)} ({c})" for w, c in vocab.get("top_new_words", [])) or html.escape(
        vocab.get("note", "none"))
    verdict = ("ALERT: " + ", ".join(report["alerts"])) if report["alert"] else "no alert"
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>coursekit monitor</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:1em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
tr.alert td{{background:#fdd}}tr.ok td{{background:#efe}}img{{max-width:100%}}</style></head><body>
<h1>Model monitor: {html.escape(verdict)}</h1>
<p>{ops['requests']} requests, {ops['texts']} texts scored; latency of run() p50 {ops['latency_ms']['p50']} ms,
p90 {ops['latency_ms']['p90']} ms, p99 {ops['latency_ms']['p99']} ms; answers by status {ops['status_counts']}.</p>
<table><tr><th>part</th><th>signal</th><th>value</th><th>threshold</th><th>p-value</th><th>verdict</th></tr>
{''.join(rows)}</table>
<h2>Traffic and latency</h2><img alt="traffic and latency" src="{images['operations']}">
<h2>Drift against the validation split</h2><img alt="score and length distributions" src="{images['drift']}">
<p>Words the training data never had, most frequent first: {new_words}</p>
<p>What these signals cannot see: whether the predictions are right. Accuracy drift (label drift) needs the true
labels of collected requests, which arrive later or never; a shift in inputs or scores is a reason to look and to
label a sample, not proof that the model got worse.</p></body></html>
"""
