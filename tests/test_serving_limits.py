"""The scoring script's answers to issue 24 and 28 in-process: 415 for a body that is not JSON,
error messages cut short, an export longer than the model clamped (no 500), one collected record
per request."""
from __future__ import annotations

import json

import pytest

import deploy_support
from coursekit.serving import score


@pytest.fixture(scope="session")
def exported(offline_export):
    return offline_export


@pytest.fixture
def scorer(exported, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(exported))
    score.init()
    yield score
    score.classifier = None


# --- issue 24: Content-Type, cut messages, a max_length over the model's limit -------------------
def _http_request(body: bytes, content_type: str | None = "application/json", method: str = "POST"):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    headers = {"Content-Type": content_type} if content_type else {}
    return Request(EnvironBuilder(method=method, data=body, headers=headers).get_environ())


@pytest.mark.parametrize("content_type, status", [
    ("application/json", 200), ("application/json; charset=utf-8", 200), ("application/vnd.api+json", 200),
    (None, 200), ("text/plain", 415), ("application/x-www-form-urlencoded", 415),
    ("application/json; charset=latin-1", 415),
])
def test_content_type_must_be_json(scorer, content_type, status):
    response = scorer.run(_http_request(b'{"text": "works well"}', content_type))
    if status == 200:
        assert response["predictions"][0]["label"] in ("NEGATIVE", "POSITIVE")
    else:
        assert response.status_code == 415
        assert "Content-Type: application/json" in json.loads(response.get_data())["message"]


def test_error_messages_quote_what_was_sent_cut_short():
    key = "k" * 90_000
    with pytest.raises(score.RequestError) as info:
        score.parse_request(json.dumps({"texts": ["x"], key: 1}))
    assert len(str(info.value)) < 300 and "more characters" in str(info.value)
    with pytest.raises(score.RequestError) as info:
        score.check_content_type("text/" + "x" * 5000)
    assert len(str(info.value)) < 300 and info.value.status == 415


def test_an_export_longer_than_the_model_is_clamped_not_a_500(exported, tmp_path, monkeypatch):
    """`coursekit export --max-length 1000` on a 512-position BERT: the longest text the limits
    allow is answered 200, cut at the length the graph accepts."""
    import shutil

    copy = tmp_path / "long-export"
    shutil.copytree(exported, copy)
    manifest = json.loads((copy / "export.json").read_text())
    manifest["max_length"] = 1000
    (copy / "export.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(copy))
    for name in ("COURSEKIT_MAX_TEXTS", "COURSEKIT_MAX_CHARS", "COURSEKIT_MAX_TOTAL_CHARS"):
        monkeypatch.delenv(name, raising=False)
    score.init()
    try:
        assert score.classifier.max_length == 512 and score.classifier.exported_max_length == 1000
        words = deploy_support.sample_texts(200)[0]
        longest = " ".join(words)[:score.limits["max_chars"]]
        texts = [longest, longest]  # 2 x 5,000 characters: the whole 10,000 a request may hold
        response = score.run(_http_request(json.dumps({"texts": texts}).encode()))
        assert [p["label"] in ("NEGATIVE", "POSITIVE") for p in response["predictions"]] == [True, True]
        assert response["model"]["max_length"] == 512
    finally:
        score.classifier = None


# --- issue 28: collection ---------------------------------------------------------------------
def test_run_collects_one_record_per_request(scorer, tmp_path, monkeypatch):
    from coursekit.serving.score_collect import LocalCollector

    collector = LocalCollector(tmp_path / "logs")
    monkeypatch.setattr(score, "collector", collector)
    score.run(_http_request(b'{"texts": ["I love it", "Broke after a day"]}'))
    score.run(_http_request(b'{"texts": []}'))
    monkeypatch.setattr(score, "keep_text", False)
    score.run(_http_request(b'{"text": "private words"}'))
    collector.close()
    lines = [json.loads(line) for f in sorted((tmp_path / "logs").glob("*.jsonl")) for line in f.open()]
    assert [r["status"] for r in lines] == [200, 400, 200]
    first = lines[0]
    assert first["model"] == score.classifier.fingerprint and first["latency_ms"] > 0
    assert [i["text"] for i in first["items"]] == ["I love it", "Broke after a day"]
    assert {"label", "p_positive", "chars", "words", "pieces", "unk", "truncated"} <= set(first["items"][0])
    assert "empty" in lines[1]["error"] and "items" not in lines[1]
    assert "text" not in lines[2]["items"][0] and "private" not in json.dumps(lines[2])
