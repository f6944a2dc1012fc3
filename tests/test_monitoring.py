"""`coursekit monitor`: the reference profile, the statistics, reading local and Azure logs, the verdicts."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from shop_slice import export_texts
from coursekit.cli import main
from coursekit.monitoring import build_reference, read_reference, write_reference
from coursekit.monitoring import stats
from coursekit.monitoring.logs import read_requests
from coursekit.monitoring.signals import monitor


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    from coursekit.profiles import offline_model_path

    return Tokenizer.from_file(os.path.join(offline_model_path(), "tokenizer.json"))


@pytest.fixture(scope="module")
def reviews():
    texts, labels = export_texts(600)  # the shipped export's first 600 usable reviews (the slice has 497)
    return texts, np.array(labels)


def _scores(labels, rng, flip=0.1):
    """Scores of a decent classifier: high for positives, low for negatives, some mistakes."""
    base = np.where(labels == 1, rng.beta(6, 2, len(labels)), rng.beta(2, 6, len(labels)))
    wrong = rng.random(len(labels)) < flip
    return np.where(wrong, 1 - base, base)


@pytest.fixture(scope="module")
def reference(reviews, tokenizer):
    texts, labels = reviews
    rng = np.random.default_rng(0)
    return build_reference(texts[:200], _scores(labels[:200], rng), tokenizer, max_length=128,
                           vocabulary_texts=texts[200:400])


def _log(path, texts, scores, features_of, status=200, latency=4.0, start=1_700_000_000.0, keep_text=True):
    with open(path, "a", encoding="utf-8") as fh:
        for i, (text, p) in enumerate(zip(texts, scores)):
            item = {"label": "POSITIVE" if p >= 0.5 else "NEGATIVE", "p_positive": float(p), **features_of(text)}
            if keep_text:
                item["text"] = text
            fh.write(json.dumps({"time": start + i, "request_id": str(i), "status": status, "latency_ms": latency,
                                 "model": "abc", "items": [item]}) + "\n")
    return path


@pytest.fixture(scope="module")
def features_of(tokenizer):
    from coursekit.serving.score_features import special_token_ids, text_features

    tok = tokenizer
    tok.enable_truncation(max_length=128)
    unk, special = special_token_ids(tok)
    return lambda text: text_features(text, tok.encode(text), unk, special)


def test_psi_and_tests_tell_same_from_shifted():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=5000), rng.normal(size=5000)
    assert stats.psi(a, b) < 0.02 and stats.ks_test(a, b)[1] > 0.01
    shifted = rng.normal(1.0, size=5000)
    assert stats.psi(a, shifted) > 0.5 and stats.ks_test(a, shifted)[1] < 1e-6
    diff, p = stats.proportion_test(50, 100, 20, 100)
    assert diff == pytest.approx(-0.3) and p < 0.001
    assert stats.per_minute([0, 30, 61, 200]) == [[0, 2], [60, 1], [120, 0], [180, 1]]


def test_reference_profile_holds_what_the_monitor_needs(reference, reviews, tmp_path):
    assert reference["rows"] == 200 and set(reference["data"]) == {"chars", "words", "pieces", "unk",
                                                                   "p_positive", "label"}
    texts, labels = reviews
    # the shop's imbalance as a classifier with 10% of its answers flipped scores it (labels: 87% positive)
    assert labels[:200].mean() > 0.8 and 0.6 < reference["scores"]["positive_share"] < 0.9
    assert reference["vocabulary"]["words"] and 0 < reference["vocabulary"]["validation_oov_rate"] < 0.5
    write_reference(tmp_path, reference)
    assert read_reference(tmp_path)["rows"] == 200
    assert read_reference(tmp_path / "onnx")["rows"] == 200  # an export folder inside the model folder


def test_same_traffic_no_alert_shifted_traffic_alerts(reference, reviews, features_of, tmp_path):
    texts, labels = reviews
    rng = np.random.default_rng(2)
    (tmp_path / "same").mkdir()
    _log(tmp_path / "same" / "a.jsonl", texts[400:600], _scores(labels[400:600], rng), features_of)
    report = monitor(read_requests([tmp_path / "same"]), reference)
    assert report["alert"] is False, report["alerts"]
    negatives = [t for t, y in zip(texts, labels) if y == 0][:150]  # a burst of negative reviews
    (tmp_path / "shifted").mkdir()
    shifted = _log(tmp_path / "shifted" / "b.jsonl", negatives, _scores(np.zeros(150, int), rng), features_of)
    report = monitor(read_requests([shifted]), reference)
    assert "score PSI" in report["alerts"] and "positive-share shift" in report["alerts"]
    assert report["prediction_drift"]["positive_share"]["current"] < 0.3


def test_operations_figures_and_alerts(reference, reviews, features_of, tmp_path):
    texts, labels = reviews
    path = _log(tmp_path / "ops.jsonl", texts[400:460], _scores(labels[400:460], np.random.default_rng(3)),
                features_of, latency=400.0)
    _log(path, texts[:5], [0.5] * 5, features_of, status=500)
    report = monitor(read_requests([path]), reference)
    ops = report["operations"]
    assert ops["requests"] == 65 and ops["latency_ms"]["p50"] == 400.0 and ops["status_counts"] == {"200": 60,
                                                                                                    "500": 5}
    assert {"latency p99 (ms)", "server error rate"} <= set(report["alerts"])
    assert sum(c for _, c in ops["per_minute"]) == 65


def test_texts_kept_out_means_no_vocabulary_verdict(reference, reviews, features_of, tmp_path):
    texts, labels = reviews
    path = _log(tmp_path / "private.jsonl", texts[400:500], _scores(labels[400:500], np.random.default_rng(4)),
                features_of, keep_text=False)
    assert "text" not in path.read_text()
    report = monitor(read_requests([path]), reference)
    assert "not measured" in report["data_drift"]["vocabulary"]["note"]


def test_azure_exported_collections_are_joined(reference, reviews, features_of, tmp_path):
    texts, labels = reviews
    scores = _scores(labels[:40], np.random.default_rng(5))
    with open(tmp_path / "model_inputs.jsonl", "w") as ins, open(tmp_path / "model_outputs.jsonl", "w") as outs:
        for i, (text, p) in enumerate(zip(texts[:40], scores)):
            common = {"specversion": "1.0", "time": "2026-12-01T10:00:%02dZ" % (i % 60), "correlationid": f"c{i}"}
            ins.write(json.dumps({**common, "type": "azureml.inference.model_inputs",
                                  "data": [{**features_of(text), "text": text}]}) + "\n")
            outs.write(json.dumps({**common, "type": "azureml.inference.model_outputs",
                                   "data": [{"label": "POSITIVE", "p_positive": float(p), "status": 200,
                                             "latency_ms": 3.0, "model": "abc"}]}) + "\n")
    requests = read_requests([tmp_path])
    assert len(requests) == 40 and np.allclose(np.sort(requests.items["p_positive"]), np.sort(scores))
    assert np.isfinite(requests.items["chars"]).all() and len(requests.texts) == 40


def test_cli_writes_json_and_page_and_exits_1_on_alert(reference, reviews, features_of, tmp_path, capsys):
    texts, labels = reviews
    write_reference(tmp_path / "model", reference)
    negatives = [t for t, y in zip(texts, labels) if y == 0][:100]
    logs = _log(tmp_path / "logs.jsonl", negatives, np.full(100, 0.05), features_of)
    code = main(["monitor", str(logs), "--reference", str(tmp_path / "model"), "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1 and "ALERT" in out
    saved = json.loads((tmp_path / "out" / "monitor.json").read_text())
    assert saved["alert"] is True
    page = (tmp_path / "out" / "monitor.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "needs the true labels" in " ".join(page.split())
    assert main(["monitor", str(logs), "--reference", str(tmp_path / "model"),
                 "--threshold", "score_psi=100", "--threshold", "positive_share_shift=1"]) == 0


@pytest.mark.parametrize("argv, fragment", [
    (["monitor", "nowhere.jsonl", "--reference", "."], "no monitoring-reference.json"),
    (["monitor", "--reference", "x"], "name the collected logs"),
    (["monitor", "x", "--reference", "x", "--threshold", "psi"], "expected NAME=VALUE"),
])
def test_bad_input_is_one_line(argv, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "\n" not in err


def test_lesson_streams_are_real_reviews_a_burst_of_one_star_ones(reviews):
    from coursekit.monitoring.lesson import streams
    from coursekit.profiles import sample_reviews_path

    texts, labels = reviews
    splits = {"train": {"text": texts[:400], "label": labels[:400].tolist()},
              "test": {"text": texts[400:500], "label": labels[400:500].tolist()}}
    normal, shifted, what = streams(splits, str(sample_reviews_path()))
    assert normal == texts[400:500] and "one-star" in what and len(shifted) >= 30
    assert not set(shifted) & set(texts[:400])  # none the model trained on
    import csv
    import io

    from coursekit.data.shop import original_bytes

    rows = csv.DictReader(io.StringIO(original_bytes().decode("utf-8"), newline=""))
    stars = {row["Review Text"]: row["Rating"] for row in rows}
    assert {stars[t] for t in shifted} == {"1"}
    _, negatives, what = streams(splits, "imdb")  # no star ratings (the full tier): negative reviews
    assert "negative" in what and all(labels[texts.index(t)] == 0 for t in negatives)
