"""The Azure ML scoring script in-process: request validation, predictions, no torch."""
from __future__ import annotations

import ast
import importlib.metadata
import json
import subprocess
import sys
import textwrap

import pytest
import yaml

import deploy_support
from coursekit.serving import ENDPOINT_CONDA_FILE, SCORE_SCRIPT
from coursekit.serving import score


@pytest.fixture(scope="session")
def exported(offline_export):
    return offline_export


@pytest.fixture
def scorer(exported, monkeypatch):
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(exported))
    monkeypatch.setenv("COURSEKIT_MAX_TEXTS", "8")
    monkeypatch.setenv("COURSEKIT_MAX_CHARS", "200")
    score.init()
    yield score
    score.classifier = None


# --- request validation (no model needed) -----------------------------------------------
@pytest.mark.parametrize("body, expected", [
    ('{"texts": ["good", "bad"]}', ["good", "bad"]),
    ('{"text": "one review"}', ["one review"]),
    ('{"texts": "a single text"}', ["a single text"]),
    (b'{"texts": ["bytes body"]}', ["bytes body"]),
    ({"texts": ["already decoded"]}, ["already decoded"]),
])
def test_accepted_requests(body, expected):
    assert score.parse_request(body) == expected


@pytest.mark.parametrize("body, message", [
    ("", "request body is empty"),
    ("{not json", "not valid JSON"),
    ('["a", "b"]', "expected a JSON object"),
    ('"just a string"', "expected a JSON object"),
    ('{"reviews": ["x"]}', "missing key 'texts'"),
    ('{"texts": ["x"], "text": "y"}', "not both"),
    ('{"texts": ["x"], "extra": 1}', "unexpected key(s) 'extra'"),
    ('{"texts": []}', "'texts' is empty"),
    ('{"texts": {"a": 1}}', "'texts' must be a list of strings, got a JSON object"),
    ('{"texts": ["ok", 3]}', "texts[1] must be a string, got a JSON number"),
    ('{"texts": ["ok", null]}', "texts[1] must be a string, got a JSON null"),
    ('{"texts": ["ok", "   "]}', "texts[1] is empty or only whitespace"),
    ('{"text": 5}', "'text' must be a string"),
    ('{"texts": ["%s"]}' % ("x" * 11), "texts[0] has 11 characters; the limit is 10"),
    ('{"texts": ["a", "b", "c", "d"]}', "holds 4 texts; the limit is 3"),
    (b"\xff\xfe", "not UTF-8"),
    ("[" * 100_000, "nested too deeply"),
    # Python's own words: "the limit (4300) for" on 3.10, "the limit (4300 digits) for" from 3.11
    ('{"texts": [%s]}' % ("1" * 5000), "not usable JSON: Exceeds the limit (4300"),
    ('{"texts": ["abcdefghij", "abcdefghij", "a"]}', "21 characters in all; the limit is 20"),
])
def test_rejected_requests_name_the_problem(body, message):
    with pytest.raises(score.RequestError) as info:
        score.parse_request(body, max_texts=3, max_chars=10, max_total_chars=20)
    assert message in str(info.value) and info.value.status == 400


def _environ(body: bytes, length: int | None, terminated: bool = False) -> dict:
    import io

    env = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": terminated}
    if length is not None:
        env["CONTENT_LENGTH"] = str(length)
    return env


def test_read_body_checks_the_size_before_reading():
    class Unreadable:
        def read(self, size=-1):
            raise AssertionError("the body was read")

    with pytest.raises(score.RequestError, match="body of 2000 bytes is over the limit of 1000") as info:
        score.read_body({"wsgi.input": Unreadable(), "CONTENT_LENGTH": "2000"}, 1000, 5)
    assert info.value.status == 413
    with pytest.raises(score.RequestError, match="over the limit of 1000 bytes") as info:  # chunked: counted
        score.read_body(_environ(b"x" * 5000, None, terminated=True), 1000, 5)
    assert info.value.status == 413


def test_read_body_reads_exactly_what_was_announced():
    assert score.read_body(_environ(b'{"text": "hi"}', 14), 1000, 5) == b'{"text": "hi"}'
    assert score.read_body(_environ(b'{"text": "hi"}EXTRA', 14), 1000, 5) == b'{"text": "hi"}'
    assert score.read_body(_environ(b"ignored", None), 1000, 5) == b""  # no length, no chunked framing
    with pytest.raises(score.RequestError, match="ended after 4 of the 100 bytes announced"):
        score.read_body(_environ(b'{"te', 100), 1000, 5)


def test_read_body_cuts_a_late_body_at_its_deadline():
    """A client that stops sending is cut off: the read ends, and the answer is 408."""
    import socket

    server_side, client_side = socket.socketpair()
    try:
        client_side.sendall(b'{"te')
        stream = server_side.makefile("rb")
        with pytest.raises(score.RequestError, match="did not arrive within 0.5 s") as info:
            score.read_body({"wsgi.input": stream, "CONTENT_LENGTH": "100", "gunicorn.socket": server_side},
                            1000, 0.5)
        assert info.value.status == 408
    finally:
        server_side.close()
        client_side.close()


def test_cleaning_matches_the_training_pipeline():
    import dataclasses
    import itertools

    from coursekit.data import clean_text
    from coursekit.data.cleaning import CleaningConfig

    samples = ["Great<br />product!!! 😀 visit https://x.example/a?b=1 NOW",
               "Caf\u00e9 \u201cquoted\u201d it\u2019s \u00bd price\u0085 \u0096 done",
               "<b>BOLD</b> &amp; tabs\tand\nnewlines", "   ", "émoji only 🎉🎉", "A\u200bB ﬁne"]
    for text in samples:
        assert score.clean_text(text) == clean_text(text), text
    assert set(score.CLEANING_STEPS) == {f.name for f in dataclasses.fields(CleaningConfig)}
    for flags in itertools.product([True, False], repeat=len(score.CLEANING_STEPS)):
        steps = dict(zip(score.CLEANING_STEPS, flags))
        for text in samples:
            assert score.clean_text(text, steps) == clean_text(text, CleaningConfig(**steps)), (steps, text)


def test_cleaning_follows_the_run_card(tmp_path):
    manifest = {"clean_text": True}
    assert score.cleaning_of(tmp_path, manifest) == {step: True for step in score.CLEANING_STEPS}
    assert score.cleaning_of(tmp_path, {"clean_text": False}) is None
    card = {"cleaning": {"strip_html": True, "remove_urls": False, "normalize_unicode": True,
                         "remove_special": False, "lowercase": False}}
    (tmp_path / score.RUN_CARD_NAME).write_text(json.dumps(card))
    assert score.cleaning_of(tmp_path, manifest) == card["cleaning"]
    assert score.cleaning_of(tmp_path, {"run_card": {"cleaning": None}, "clean_text": True}) is None


@pytest.mark.parametrize("texts, fragment", [
    (["\U0001F600\U0001F389"], "the text has nothing left to classify"),
    (["fine", "<br/><b></b>"], "texts[1] has nothing left to classify"),
    (["ok", "\u200b\u200d"], "texts[1] has nothing left"),
])
def test_texts_empty_after_cleaning_get_400(scorer, texts, fragment):
    response = scorer.run(json.dumps({"texts": texts}))
    assert response.status_code == 400 and fragment in json.loads(response.get_data())["message"]


# --- with the exported model ----------------------------------------------------------------
def test_run_returns_labels_and_probabilities(scorer):
    result = scorer.run(json.dumps({"texts": ["I love it, works great", "Broke after a day."]}))
    assert [set(p) for p in result["predictions"]] == [{"label", "score", "probabilities"}] * 2
    for pred in result["predictions"]:
        assert pred["label"] in ("NEGATIVE", "POSITIVE")
        assert sum(pred["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert pred["score"] == max(pred["probabilities"].values())
    assert result["model"]["file"] == "model.int8.onnx" and result["model"]["cleans_text"] is True
    single = scorer.run('{"text": "I love it, works great"}')["predictions"][0]
    # int8 activations are quantized per batch: alone, a text's scores move slightly
    assert single["probabilities"]["POSITIVE"] == pytest.approx(
        result["predictions"][0]["probabilities"]["POSITIVE"], abs=0.01)


@pytest.mark.parametrize("body, status, fragment", [
    ("{oops", 400, "not valid JSON"),
    ('{"texts": ["x"] , "mode": "fast"}', 400, "unexpected key"),
    (json.dumps({"texts": ["x"] * 9}), 400, "limit is 8"),
    (json.dumps({"text": "y" * 201}), 400, "limit is 200"),
])
def test_bad_requests_get_400_not_500(scorer, body, status, fragment):
    response = scorer.run(body)
    assert response.status_code == status
    assert fragment in json.loads(response.get_data())["message"]


def test_onnx_probabilities_match_pytorch(scorer, exported, offline_classifier):
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification

    from coursekit.data import clean_text
    from coursekit.export.runners import encode

    texts, _ = deploy_support.sample_texts(16)
    fp32 = score.OnnxSentimentClassifier(exported, "model.onnx")
    got = fp32.logits(texts)
    model = AutoModelForSequenceClassification.from_pretrained(offline_classifier).eval()
    from transformers import AutoTokenizer

    batch = encode(AutoTokenizer.from_pretrained(exported), [clean_text(t) for t in texts], 64)
    with torch.inference_mode():
        want = model(**{k: torch.from_numpy(v) for k, v in batch.items()}).logits.numpy()
    assert np.abs(got - want).max() < 1e-4


def test_tokenizer_matches_transformers(exported):
    """The endpoint's bare ``tokenizers`` encoding equals the HF tokenizer's, truncation included."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(exported)
    ours = score.OnnxSentimentClassifier(exported)
    texts = ["short", "a much longer text " * 40, "Mixed CASE, punctuation!? and numbers 123"]
    mine = ours.encode(texts)
    theirs = hf([score.clean_text(t) for t in texts], padding=True, truncation=True, max_length=64,
                return_tensors="np")
    for name in mine:
        assert (mine[name] == theirs[name]).all(), name
    assert mine["input_ids"].shape[1] == 64


def test_finds_a_registered_folder_one_level_down(exported, tmp_path):
    mount = tmp_path / "mount"  # Azure ML mounts the registered folder under its own name
    mount.mkdir()
    (mount / "coursekit-sentiment-onnx").symlink_to(exported, target_is_directory=True)
    assert score.find_export_dir(mount) == mount / "coursekit-sentiment-onnx"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="export the model first"):
        score.find_export_dir(empty)


def test_init_without_model_dir_explains(monkeypatch):
    monkeypatch.delenv("AZUREML_MODEL_DIR", raising=False)
    with pytest.raises(RuntimeError, match="AZUREML_MODEL_DIR is not set"):
        score.init()


# --- the endpoint image stays small -----------------------------------------------------------
def test_score_module_imports_and_scores_without_torch(exported):
    """Block torch and transformers, import the scoring script, score one text."""
    code = textwrap.dedent(f"""
        import importlib.abc, json, os, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split('.')[0] in ('torch', 'transformers'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        os.environ['AZUREML_MODEL_DIR'] = {str(exported)!r}
        import coursekit.serving.score as score
        score.init()
        out = score.run(json.dumps({{'texts': ['works great']}}))
        assert out['predictions'][0]['label'] in ('NEGATIVE', 'POSITIVE')
        assert not any(m.split('.')[0] in ('torch', 'transformers') for m in sys.modules)
        print('ok')
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


def _endpoint_modules() -> list:
    """score.py and every module of the serving folder it imports (the deployment uploads the folder)."""
    return sorted(p for p in SCORE_SCRIPT.parent.glob("*.py")
                  if p.name == "score.py" or p.name.startswith("score_") or p.name == "http_guard.py")


@pytest.mark.locked  # the installed versions are the pinned ones only in the locked environment
def test_endpoint_environment_lists_every_import_of_score():
    local = {p.stem for p in SCORE_SCRIPT.parent.glob("*.py")}
    modules = set()
    for path in _endpoint_modules():
        tree = ast.parse(path.read_text())
        modules |= {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        modules |= {node.module.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert "coursekit" not in modules  # the endpoint has no coursekit install
    third_party = sorted(m for m in modules - local if m not in sys.stdlib_module_names and m != "__future__")
    distributions = importlib.metadata.packages_distributions()
    env = yaml.safe_load(ENDPOINT_CONDA_FILE.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = {line.split("==")[0].lower(): line.split("==")[1] for line in pip}
    for module in third_party:
        dist = ("azureml-ai-monitoring" if module == "azureml" else distributions[module][0]).lower()
        assert dist in pinned, f"{module} ({dist}) is imported by score.py but not in {ENDPOINT_CONDA_FILE.name}"
        assert importlib.metadata.version(dist) == pinned[dist], f"{dist}: tested version differs from the pin"
    assert not {"torch", "transformers"} & set(pinned)


def test_the_deadline_thread_runs_only_while_bodies_are_read():
    import socket
    import threading
    import time

    server_side, client_side = socket.socketpair()
    try:
        client_side.sendall(b'{"text": "hi"}')
        environ = {"wsgi.input": server_side.makefile("rb"), "CONTENT_LENGTH": "14", "gunicorn.socket": server_side}
        assert score.read_body(environ, 1000, 0.3) == b'{"text": "hi"}'
    finally:
        server_side.close()
        client_side.close()
    until = time.monotonic() + 10
    while any(t.name == "coursekit-body-deadlines" for t in threading.enumerate()) and time.monotonic() < until:
        time.sleep(0.05)
    assert not any(t.name == "coursekit-body-deadlines" for t in threading.enumerate())
