"""The evaluation report: :func:`analyse` gathers metrics, slices, mistakes and plots
in memory; :func:`write_report` saves ``metrics.json``, the PNG plots and a one-page
``report.html`` (all written atomically, nothing touched if the input is bad)."""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coursekit.defaults import DEFAULT_SEED
from coursekit.errors import EvaluationError
from coursekit.evaluation import plots
from coursekit.evaluation.files import figure_png_bytes
from coursekit.fileio import write_bytes_atomic, write_json_atomic, write_text_atomic
from coursekit.evaluation.metrics import calibration_table, compute_metrics, format_ci, threshold_sweep
from coursekit.evaluation.predict import Predictions
from coursekit.evaluation.slices import most_confident_mistakes, slice_metrics

@dataclass
class Analysis:
    """Everything the report shows, in memory (notebooks can use it directly)."""

    metrics: dict
    best_threshold: dict
    calibration: dict
    slices: object  # pandas DataFrame
    mistakes: object  # pandas DataFrame
    history: list | None
    figures: dict = field(default_factory=dict)  # file name -> (title, Figure)


def analyse(
    predictions: Predictions,
    *,
    history: list | None = None,
    slice_by=None,
    n_bootstrap: int = 1000,
    seed: int = DEFAULT_SEED,
    top_mistakes: int = 10,
    name: str = "model",
) -> Analysis:
    """Metrics with bootstrap CIs, threshold sweep, calibration, slices, mistakes and figures."""
    y_true = predictions.require_labels()
    y_pred, y_prob, threshold = predictions.y_pred, predictions.y_prob, predictions.threshold
    metrics = compute_metrics(y_true, y_pred, y_prob, n_bootstrap=n_bootstrap, seed=seed)
    metrics["threshold"] = threshold
    both = len(np.unique(y_true)) == 2
    sweep = threshold_sweep(y_true, y_prob) if both else None
    slices = slice_metrics(predictions, slice_by)
    figures = {"confusion_matrix.png": ("Confusion matrix", plots.plot_confusion_matrix(y_true, y_pred))}
    if both:
        figures["precision_recall.png"] = (
            "Precision-recall curve", plots.plot_precision_recall(y_true, y_prob, threshold=threshold, name=name))
        figures["roc.png"] = ("ROC curve", plots.plot_roc(y_true, y_prob, threshold=threshold, name=name))
        figures["threshold_sweep.png"] = (
            "Threshold sweep", plots.plot_threshold_sweep(y_true, y_prob, threshold=threshold))
    figures["reliability.png"] = ("Reliability diagram", plots.plot_reliability(y_true, y_prob, name=name))
    if history:
        figures["loss_curves.png"] = ("Training vs validation loss", plots.plot_loss_curves(history))
    if (slices["column"] != "overall").any():
        figures["slices.png"] = ("Accuracy per slice", plots.plot_slice_metrics(slices))
    return Analysis(
        metrics=metrics,
        best_threshold=(
            {"threshold": sweep["best_threshold"], "f1": sweep["best_f1"]} if sweep else None
        ),
        calibration=calibration_table(y_true, y_prob),
        slices=slices,
        mistakes=most_confident_mistakes(predictions, top_mistakes),
        history=history,
        figures=figures,
    )


def describe_file(path) -> dict:
    """Name, size and SHA-256 of a data file (what the report says it evaluated on)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": digest}  # no machine path: reports travel


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def build_payload(analysis: Analysis, *, model_info: dict, data_info: dict) -> dict:
    """The content of ``metrics.json``."""
    from coursekit import __version__

    return _jsonable({
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "coursekit_version": __version__,
        "model": model_info,
        "data": data_info,
        "metrics": analysis.metrics,
        "best_f1_threshold": analysis.best_threshold,
        "calibration": analysis.calibration,
        "slices": analysis.slices.to_dict(orient="records"),
        "most_confident_mistakes": analysis.mistakes.to_dict(orient="records"),
        "history": analysis.history,
        "plots": sorted(analysis.figures),
    })


def write_report(analysis: Analysis, output_dir, *, model_info: dict, data_info: dict) -> dict[str, Path]:
    """Write metrics.json, one PNG per figure and report.html into ``output_dir``.

    Everything is rendered in memory first; then each file is replaced atomically.
    Returns ``{"metrics": path, "html": path, "<plot>.png": path, ...}``.
    """
    payload = build_payload(analysis, model_info=model_info, data_info=data_info)
    pngs = {name: figure_png_bytes(fig) for name, (_, fig) in analysis.figures.items()}
    page = render_html(analysis, payload, pngs)
    output = Path(output_dir)
    if output.exists() and not output.is_dir():
        raise EvaluationError(f"output {output} exists and is not a folder")
    written = {name: write_bytes_atomic(output / name, data) for name, data in pngs.items()}
    written["metrics"] = write_json_atomic(output / "metrics.json", payload)
    written["html"] = write_text_atomic(output / "report.html", page)
    return written


def _table(frame, float_format="{:.3f}".format) -> str:
    return frame.to_html(index=False, escape=True, float_format=float_format, border=0, classes="table")


def render_html(analysis: Analysis, payload: dict, pngs: dict[str, bytes]) -> str:
    """A self-contained one-page HTML report (plots embedded as PNG data URIs) that fits a 1200-px page:
    a summary paragraph first, then the figures with friendly names (every figure is in metrics.json)."""
    m = analysis.metrics
    rows = [
        ("Accuracy", format_ci(m, "accuracy")),
        ("Macro F1", format_ci(m, "f1_macro")),
        ("F1 (NEGATIVE: the unhappy customers)", format_ci(m, "f1_negative")),
        ("Precision / recall (NEGATIVE)", f"{m['precision_negative']:.3f} / {m['recall_negative']:.3f}"),
        ("F1 (POSITIVE)", format_ci(m, "f1")),
        ("Precision / recall (POSITIVE)", f"{m['precision']:.3f} / {m['recall']:.3f}"),
        ("Macro F1 / precision / recall", f"{m['f1_macro']:.3f} / {m['precision_macro']:.3f} / {m['recall_macro']:.3f}"),
        ("ROC AUC", format_ci(m, "roc_auc")),
        ("Average precision", format_ci(m, "average_precision")),
        ("Brier score (lower is better)", format_ci(m, "brier")),
        ("Decision threshold", f"{m['threshold']:.2f}"),
    ]
    if analysis.best_threshold:
        rows.append(("Best-F1 threshold", f"{analysis.best_threshold['threshold']:.3f} "
                                           f"(F1 {analysis.best_threshold['f1']:.3f})"))
    if "ci" in m:
        rows.append(("Intervals", f"{m['ci']['confidence']:.0%} percentile bootstrap, "
                                  f"{m['ci']['n_resamples']} resamples, seed {m['ci']['seed']}"))
    from coursekit.evaluation.report_text import (friendly_fields, friendly_history, friendly_mistakes,
                                                  friendly_slices, summary_paragraph)

    mistakes = analysis.mistakes.copy()
    if not mistakes.empty:
        mistakes["text"] = [t if len(t) <= 300 else t[:297] + "..." for t in mistakes["text"]]
    history = friendly_history(analysis.history)
    template = _environment().get_template("report.html.j2")
    return template.render(
        created=payload["created"], version=payload["coursekit_version"], n=m["n"], n_positive=m["n_positive"],
        paragraph=summary_paragraph(m, analysis.slices),
        model=friendly_fields(payload["model"]), data=friendly_fields(payload["data"]), summary=rows,
        figures=[{"name": name, "title": title, "png": base64.b64encode(pngs[name]).decode("ascii")}
                 for name, (title, _) in analysis.figures.items()],
        slices_table=_table(friendly_slices(analysis.slices)),
        mistakes_table=_table(friendly_mistakes(mistakes)) if not mistakes.empty else "",
        history_table=_table(history, "{:.4f}".format) if history is not None else "",
    )


def _environment():
    """Jinja with HTML autoescaping; the template lives in coursekit/templates/report/ (like the lessons')."""
    import jinja2

    from coursekit.paths import package_file

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(package_file("templates", "report"))),
                              autoescape=True, trim_blocks=False)


def summary_lines(analysis: Analysis) -> list[str]:
    """A few lines for the terminal."""
    m = analysis.metrics
    lines = [
        f"reviews:   {m['n']} ({m['n_positive']} positive)",
        f"accuracy:  {format_ci(m, 'accuracy')}",
        f"macro-F1:  {format_ci(m, 'f1_macro')}",
        f"negative:  F1 {format_ci(m, 'f1_negative')}, precision {m['precision_negative']:.3f}, "
        f"recall {m['recall_negative']:.3f} (the unhappy customers)",
        f"positive:  F1 {format_ci(m, 'f1')}",
        f"ROC AUC:   {format_ci(m, 'roc_auc')}   average precision {format_ci(m, 'average_precision')}",
    ]
    slices = analysis.slices[(analysis.slices["column"] != "overall") & ~analysis.slices["small"]]
    if not slices.empty:
        worst = slices.sort_values("accuracy_gap").iloc[0]
        lines.append(
            f"worst slice: {worst['column']} = {worst['value']} (n={worst['n']}): accuracy "
            f"{worst['accuracy']:.3f} ({worst['accuracy_gap']:+.3f} vs overall)"
        )
    return lines
