"""metrics.json, PNG plots and report.html: from the library and from `coursekit evaluate`."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from sklearn import metrics as skm

from coursekit.cli import main
from coursekit.evaluation.predict import Predictions, predict
from coursekit.evaluation.report import analyse, write_report
from coursekit.model_folder import load_history
from evaluation_helpers import toy_reviews, write_csv

HISTORY = [
    {"epoch": 1.0, "step": 10, "train_loss": 0.65, "eval_loss": 0.55, "eval_accuracy": 0.74},
    {"epoch": 2.0, "step": 20, "train_loss": 0.40, "eval_loss": 0.50, "eval_accuracy": 0.80},
]
ALL_PLOTS = {"confusion_matrix.png", "precision_recall.png", "roc.png", "threshold_sweep.png",
             "reliability.png", "loss_curves.png", "slices.png"}


@pytest.fixture(scope="module")
def model_dir(offline_classifier, tmp_path_factory):
    folder = tmp_path_factory.mktemp("model") / "model"
    shutil.copytree(offline_classifier, folder)  # a copy of the shared untrained classifier: metrics.json is added
    # What `coursekit train` writes beside the model: its metrics.json with the history.
    (folder / "metrics.json").write_text(json.dumps({"history": HISTORY, "test": {}}), encoding="utf-8")
    return folder


def toy_predictions(n=120, seed=0) -> Predictions:
    rng = np.random.default_rng(seed)
    rows = toy_reviews(n, seed)
    y_true = np.array(rows["label"])
    y_prob = np.clip(0.5 + (y_true - 0.5) * rng.normal(0.5, 0.5, n), 0, 1)
    return Predictions.from_probabilities(rows["text"], y_prob, y_true, {"domain": rows["domain"]})


def test_write_report_files_and_numbers(tmp_path):
    predictions = toy_predictions()
    analysis = analyse(predictions, history=HISTORY, n_bootstrap=100)
    written = write_report(analysis, tmp_path / "report", model_info={"folder": "my-model"},
                           data_info={"path": "my-data.csv"})
    folder = tmp_path / "report"
    assert {p.name for p in folder.iterdir()} == ALL_PLOTS | {"metrics.json", "report.html"}
    for name in ALL_PLOTS:
        assert (folder / name).stat().st_size > 10_000
    payload = json.loads(written["metrics"].read_text())
    y, p, prob = predictions.y_true, predictions.y_pred, predictions.y_prob
    assert payload["metrics"]["accuracy"] == pytest.approx(skm.accuracy_score(y, p))
    assert payload["metrics"]["f1"] == pytest.approx(skm.f1_score(y, p))
    assert payload["metrics"]["roc_auc"] == pytest.approx(skm.roc_auc_score(y, prob))
    assert payload["metrics"]["ci"]["accuracy"]["low"] <= payload["metrics"]["accuracy"]
    assert payload["model"] == {"folder": "my-model"} and payload["data"] == {"path": "my-data.csv"}
    assert {row["value"] for row in payload["slices"]} >= {"all", "shop", "other"}
    assert payload["history"] == HISTORY
    page = written["html"].read_text()
    assert page.count("<img ") == len(ALL_PLOTS)
    assert "my-model" in page and "my-data.csv" in page and "Most confident mistakes" in page


def test_load_history_reads_training_metrics_and_trainer_state(tmp_path):
    assert load_history(tmp_path) is None
    (tmp_path / "trainer_state.json").write_text(json.dumps({"log_history": [
        {"loss": 0.7, "epoch": 1.0, "step": 5}, {"eval_loss": 0.6, "eval_accuracy": 0.7, "epoch": 1.0, "step": 5},
    ]}))
    rows = load_history(tmp_path)
    assert rows[0]["train_loss"] == 0.7 and rows[0]["eval_loss"] == 0.6
    (tmp_path / "metrics.json").write_text(json.dumps({"history": HISTORY}))
    assert load_history(tmp_path) == HISTORY


def test_cli_evaluate_writes_report(model_dir, tmp_path, capsys):
    data = write_csv(tmp_path / "reviews.csv", toy_reviews(40))
    out = tmp_path / "eval"
    code = main(["evaluate", str(model_dir), "--data", str(data), "--output", str(out), "--bootstrap", "50"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "accuracy:" in printed and "report.html" in printed
    payload = json.loads((out / "metrics.json").read_text())
    # The same numbers as predicting directly (the CLI cleans texts as training does).
    from coursekit.data import prepare_dataset

    rows, _ = prepare_dataset(data, verbose=False)  # loaded and cleaned as training does (duplicates dropped)
    direct = predict(model_dir, rows, max_length=128, progress=False)
    assert payload["metrics"]["accuracy"] == pytest.approx(skm.accuracy_score(direct.y_true, direct.y_pred))
    assert payload["metrics"]["n"] == len(rows) > 30
    assert payload["data"]["rows_evaluated"] == len(rows) and len(payload["data"]["sha256"]) == 64
    assert payload["model"]["parameters"] > 20_000_000
    assert {p.name for p in out.glob("*.png")} == ALL_PLOTS
    # For a manager (issue 23.8): a summary in words first, friendly names, no machine path, 1200 px wide.
    page = (out / "report.html").read_text()
    assert page.index("In short") < page.index("<h2>Metrics")
    assert f"misses {payload['metrics']['confusion_matrix'][0][1]}, who would go unnoticed" in page
    assert str(tmp_path) not in page and str(tmp_path) not in (out / "metrics.json").read_text()
    assert "/site-packages/" not in page and payload["data"]["file"] == "reviews.csv"
    for raw in ("eval_loss", "train_loss", "accuracy_low", "f1_macro_gap", "n_negative", "p_positive"):
        assert raw not in page
    assert "Validation loss" in page and "Unhappy found (recall)" in page and "Model said" in page
    assert "max-width: 1150px" in page and "overflow-wrap: anywhere" in page
    import re

    for table in re.findall(r"<table.*?</table>", page, flags=re.S):  # narrow enough for 1200 px
        header = re.search(r"<thead>.*?</thead>", table, flags=re.S)
        assert header is None or len(re.findall(r"<th[ >]", header.group(0))) <= 8


def test_the_summary_paragraph_says_what_the_model_gets_right_and_wrong():
    from coursekit.evaluation.report_text import summary_paragraph

    # 100 reviews, 12 unhappy: 9 found, 3 missed; 4 of the 88 happy ones called unhappy
    metrics = {"n": 100, "n_positive": 88, "accuracy": 0.93, "f1_macro": 0.85,
               "confusion_matrix": [[9, 3], [4, 84]]}
    text = summary_paragraph(metrics)
    assert "12 from unhappy customers, 88 from happy ones" in text and "labels 93% correctly" in text
    assert "would already score 88%" in text
    assert "finds 9 of the 12 unhappy customers (75%) and misses 3" in text
    assert "right 69% of the time" in text and "calls 4 of the 88 happy customers unhappy (5%)" in text
    assert text.endswith("a useful model; check the mistakes below before relying on it.")
    always_happy = {**metrics, "accuracy": 0.88, "f1_macro": 0.468, "confusion_matrix": [[0, 12], [0, 88]]}
    assert "not ready to use" in summary_paragraph(always_happy)
    assert "right" not in summary_paragraph(always_happy).split("misses 12")[1].split("Overall")[0]


def test_cli_bad_input_keeps_earlier_report(model_dir, tmp_path, capsys):
    out = tmp_path / "eval"
    out.mkdir()
    (out / "metrics.json").write_text('{"earlier": true}')
    bad = tmp_path / "bad.csv"
    bad.write_text("body,label\nnice,positive\n")
    code = main(["evaluate", str(model_dir), "--data", str(bad), "--output", str(out), "--overwrite"])
    err = capsys.readouterr().err
    assert code == 2 and "missing column 'text'" in err and len(err.strip().splitlines()) == 1
    assert json.loads((out / "metrics.json").read_text()) == {"earlier": True}
    assert main(["evaluate", str(model_dir), "--data", str(bad), "--output", str(model_dir)]) == 2
    assert "would be replaced" in capsys.readouterr().err
    missing = tmp_path / "nothing-here"
    assert main(["evaluate", str(missing), "--data", str(bad), "--output", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_slices_by_named_column_on_test_split(model_dir, tmp_path):
    data = write_csv(tmp_path / "reviews.csv", toy_reviews(60))
    out = tmp_path / "eval"
    shutil.rmtree(out, ignore_errors=True)
    code = main(["evaluate", str(model_dir), "--data", str(data), "--output", str(out), "--split", "test",
                 "--slice-column", "domain", "--bootstrap", "0"])
    assert code == 0
    payload = json.loads((out / "metrics.json").read_text())
    assert payload["metrics"]["n"] == 6  # the 10% test part of the seeded 80/10/10 split
    assert {row["column"] for row in payload["slices"]} == {"overall", "domain"}
    assert "ci" not in payload["metrics"]


@pytest.mark.browser
def test_the_report_fits_a_1200_px_page_in_chromium(tmp_path):
    """Issue 23.8: the training history (with every column the Trainer logs) and long reviews ran off the page."""
    from playwright.sync_api import sync_playwright

    from browser.chromium import launch, require_chromium

    chromium = require_chromium()
    logged = [{**row, "eval_runtime": 1.23, "eval_samples_per_second": 400.5, "eval_steps_per_second": 7.1,
               "eval_f1_macro": 0.71, "eval_precision_negative": 0.5, "eval_recall_negative": 0.4,
               "eval_f1_negative": 0.44, "eval_precision": 0.9, "eval_recall": 0.93, "eval_f1": 0.91} for row in HISTORY]
    predictions = toy_predictions()
    predictions.texts[:] = ["x" * 250 + " " + text for text in predictions.texts]  # long unbroken words
    written = write_report(analyse(predictions, history=logged, n_bootstrap=20), tmp_path / "report",
                           model_info={"folder": "m", "model_fingerprint": "sha256:" + "f" * 64}, data_info={})
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(written["html"].as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            overflowing = page.evaluate("[...document.querySelectorAll('.wide')].filter(e => e.scrollWidth > "
                                        "e.clientWidth + 1).length")
        finally:
            browser.close()
    assert width <= 1200 and overflowing == 0


def test_the_page_names_files_by_name_whatever_the_caller_passed(tmp_path):
    """Lesson 03 passes the data's full path; the page shows its name only."""
    analysis = analyse(toy_predictions(40), n_bootstrap=0)
    written = write_report(analysis, tmp_path / "r", model_info={"base_model": "/opt/venv/site-packages/minilm"},
                           data_info={"data": "/home/someone/reviews.csv"})
    page = written["html"].read_text()
    assert "/opt/venv" not in page and "/home/someone" not in page
    assert "<td>minilm</td>" in page and "<td>reviews.csv</td>" in page
