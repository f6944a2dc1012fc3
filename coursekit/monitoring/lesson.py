"""What lesson 04's monitoring section calls: the reference, two streams of real reviews, serving
with collection on, and the monitor's verdicts as a table."""
from __future__ import annotations

import os
from pathlib import Path

STAR_COLUMNS = ("stars", "Rating", "rating", "star_rating", "review_stars")
TEXT_COLUMNS = ("text", "Review Text", "review", "review_text")
MAX_STREAM = 200


def reference_for(model_dir: str | os.PathLike) -> Path:
    """The model's reference profile: the one training wrote, else written now from its run card."""
    from .reference import REFERENCE_NAME, profile_trained_model
    from ..train import splits_from_run_card

    path = Path(model_dir) / REFERENCE_NAME
    if not path.is_file():
        splits = splits_from_run_card(model_dir)
        profile_trained_model(model_dir, splits["validation"]["text"], splits["train"]["text"])
    return path


def _one_star_reviews(data, exclude: set) -> list[str]:
    """Reviews rated one star in the data file (a shop export has a rating column), not trained on."""
    import pandas as pd

    name = Path(str(data)).name.lower().removesuffix(".gz")  # the shipped export is a .csv.gz
    if not data or not Path(str(data)).is_file() or not name.endswith((".csv", ".tsv")):
        return []
    frame = pd.read_csv(data, sep="\t" if name.endswith(".tsv") else ",", dtype=str, keep_default_na=False)
    stars = next((c for c in STAR_COLUMNS if c in frame.columns), None)
    text = next((c for c in TEXT_COLUMNS if c in frame.columns), None)
    if stars is None or text is None:
        return []
    rows = frame[(frame[stars].str.strip() == "1") & (frame[text].str.strip() != "")]
    return [t for t in rows[text].tolist() if t not in exclude][:MAX_STREAM]


def streams(splits, data) -> tuple[list[str], list[str], str]:
    """(the test split, a shifted stream, what the shift is). The shifted stream is a burst of
    one-star reviews when the data has star ratings, else of the negative reviews it holds:
    real reviews either way, of a kind the validation split holds only a share of."""
    normal = list(splits["test"]["text"])
    trained = set(splits["train"]["text"])
    shifted = _one_star_reviews(data, trained)
    if len(shifted) >= 30:
        return normal, shifted, f"a burst of {len(shifted)} one-star reviews"
    negatives = [t for part in ("test", "train") for t, y in zip(splits[part]["text"], splits[part]["label"])
                 if int(y) == 0][:MAX_STREAM]
    return normal, negatives, f"a burst of {len(negatives)} negative reviews (the data has no star ratings)"


def serve_and_send(export_dir, texts: list[str], log_dir, per_request: int = 8, **server_options) -> Path:
    """Serve the export with collection into ``log_dir`` (emptied first), send ``texts``, stop.

    As a well-behaved client, within the endpoint's limits: a text longer than ``max_chars`` is
    cut to it (some IMDB reviews are), and a request holds at most ``per_request`` texts and
    ``max_total_chars`` characters (:class:`~coursekit.serving.settings.ServerSettings`)."""
    import shutil

    from ..serving.local_server import start_server
    from ..serving.settings import DEFAULT_SETTINGS

    log_dir = Path(log_dir)
    shutil.rmtree(log_dir, ignore_errors=True)
    with start_server(export_dir, collect_dir=log_dir, **server_options) as server:
        for batch in _requests(texts, per_request, DEFAULT_SETTINGS.max_chars, DEFAULT_SETTINGS.max_total_chars):
            status, body = server.score({"texts": batch})
            if status != 200:
                raise RuntimeError(f"the server answered {status}: {body}")
    return log_dir


def _requests(texts: list[str], per_request: int, max_chars: int, max_total: int):
    """``texts`` (each cut to ``max_chars``) in batches of at most ``per_request`` texts and ``max_total`` characters."""
    batch, size = [], 0
    for text in (t[:max_chars] for t in texts):
        if batch and (len(batch) == per_request or size + len(text) > max_total):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def run_monitor(log_dir, reference, output, export_dir=None) -> dict:
    """``coursekit monitor LOG_DIR --reference REFERENCE --output OUTPUT [--export EXPORT_DIR]``, as a report dict."""
    from .report import monitor_paths

    return monitor_paths([log_dir], reference, output=output, exports=[export_dir] if export_dir else ())


def signals_table(report: dict):
    """Every signal of a report as a DataFrame: part, signal, value, threshold, p-value, verdict."""
    import pandas as pd

    rows = [{"part": part.replace("_", " "), "signal": s["signal"], "value": s["value"], "threshold": s["threshold"],
             "p-value": s.get("p_value"), "verdict": "ALERT" if s["alert"] else s.get("note", "ok")}
            for part in ("operations", "prediction_drift", "data_drift") for s in report[part].get("signals", [])]
    return pd.DataFrame(rows)


def panels_html(report_dir) -> str:
    """The monitor page's two panels (traffic and latency; drift), for display in the notebook."""
    import re

    page = (Path(report_dir) / "monitor.html").read_text(encoding="utf-8")
    return "".join(f'<img style="max-width:100%" src="{src}">' for src in re.findall(r'src="(data:image[^"]+)"', page))
