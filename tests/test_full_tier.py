"""The ``full`` tier (distilbert-base-uncased + IMDB) run end to end, offline, against the Hub stand-in.

The CLI runs as students run it (``COURSEKIT_PROFILE=full``) in subprocesses whose
Hugging Face variables point at the stand-in (``tests/hub_standin``): the unchanged
``from_pretrained("distilbert-base-uncased")`` and ``load_dataset("stanfordnlp/imdb")``
calls find a DistilBERT (no token types, DistilBERT module names) and an IMDB-shaped
data set (train/test/unsupervised, neg/pos, ``<br />`` tags, reviews beyond 512 tokens).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import hub_standin
from coursekit.profiles import get_profile

pytestmark = pytest.mark.slow
FULL_TIER_HUB_IDS = {"distilbert-base-uncased", "sentence-transformers/all-MiniLM-L6-v2",
                     "google/vit-base-patch16-224-in21k", "gpt2"}
# Half the notebooks' IMDB stand-in: the command line only has to run, not to learn well.
CLI_SIZES = hub_standin.ImdbSizes(train=125, test=125)
UNREACHABLE_HUB = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture(scope="session")
def standin(tmp_path_factory):
    return hub_standin.build(tmp_path_factory.mktemp("hub-standin"), imdb_sizes=CLI_SIZES)


def _env(home: Path, **extra) -> dict:
    env = {**os.environ, "HOME": str(home), "HF_HOME": str(home / "hf"), "COURSEKIT_PROFILE": "full", **extra}
    return {k: v for k, v in env.items() if v is not None}


def _cli(*args, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coursekit.cli", *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_standin_holds_every_hub_id_of_the_full_tier(standin):
    full = get_profile("full")
    assert set(hub_standin.hub_ids(full).values()) == FULL_TIER_HUB_IDS == set(standin.models)
    assert full.model == "distilbert-base-uncased" and full.dataset == "imdb" and full.max_length == 512
    distilbert = json.loads((standin.models["distilbert-base-uncased"] / "config.json").read_text())
    assert distilbert["model_type"] == "distilbert" and distilbert["vocab_size"] == 30522
    assert "type_vocab_size" not in distilbert
    assert (standin.models["google/vit-base-patch16-224-in21k"] / "preprocessor_config.json").is_file()
    assert {"vocab.json", "merges.txt", "tokenizer.json"} <= {p.name for p in standin.models["gpt2"].iterdir()}
    info = json.loads((standin.datasets["stanfordnlp/imdb"] / "dataset_info.json").read_text())
    assert set(info["splits"]) == {"train", "test", "unsupervised"}
    assert info["features"]["label"] == {"names": ["neg", "pos"], "_type": "ClassLabel"}


@pytest.fixture(scope="module")
def trained(standin, tmp_path_factory):
    home = tmp_path_factory.mktemp("full-home")
    model = home / "model"
    proc = _cli("train", "--output", model, "--epochs", 1, env=_env(home, **standin.env()))
    return home, model, proc


def test_train_on_the_full_tier(trained, standin):
    home, model, proc = trained
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "coursekit tier: full" in proc.stdout
    metrics = json.loads((model / "metrics.json").read_text())
    sizes = CLI_SIZES
    assert metrics["train_samples"] == round(0.8 * (sizes.train + sizes.test))  # train + test, never unsupervised
    assert metrics["hyperparameters"]["max_length"] == 512 and metrics["model"] == "distilbert-base-uncased"
    assert set(metrics["test"]) >= {"accuracy", "f1"}
    assert json.loads((model / "config.json").read_text())["model_type"] == "distilbert"
    # DistilBERT has no token types: the saved tokenizer must not make them (nor the ONNX graph take them).
    tokenizer = json.loads((model / "tokenizer_config.json").read_text())
    assert tokenizer["model_input_names"] == ["input_ids", "attention_mask"]


def test_evaluate_on_the_full_tier(trained, standin):
    home, model, _ = trained
    out = home / "evaluation"
    proc = _cli("evaluate", model, "--data", "imdb", "--split", "test", "--bootstrap", 50, "--output", out,
                env=_env(home, **standin.env()))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / "metrics.json").read_text())
    assert report["data"]["rows_evaluated"] == round(0.1 * (CLI_SIZES.train + CLI_SIZES.test))
    assert (out / "report.html").is_file() and (out / "precision_recall.png").is_file()


@pytest.fixture(scope="module")
def exported(trained, standin):
    home, model, _ = trained
    # export and the parity check, as `coursekit export` does by default (timing is opt-in: --benchmark)
    proc = _cli("export", model, env=_env(home, **standin.env()))
    return home, model / "onnx", proc


def test_export_on_the_full_tier(exported):
    _, onnx_dir, proc = exported
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (onnx_dir / "model.onnx").is_file()


def test_export_gives_distilbert_two_inputs(exported):
    import onnx

    _, onnx_dir, proc = exported
    graph = onnx.load(str(onnx_dir / "model.onnx"), load_external_data=False).graph
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask"]


def test_serve_on_the_full_tier(exported, standin):
    from coursekit.serving.local_server import free_port

    home, onnx_dir, proc = exported
    assert proc.returncode == 0, proc.stderr[-3000:]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "coursekit.cli", "serve", onnx_dir, "--port", str(port)],
                              env=_env(home, **standin.env()), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        lines = []
        while not (lines and lines[-1].startswith("serving ")):
            line = server.stdout.readline()
            assert line, "coursekit serve exited:\n" + "".join(lines)
            lines.append(line)
        assert f"127.0.0.1:{port}" in lines[-1]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/score", method="POST",
                                         data=json.dumps({"texts": ["A wonderful film.<br /><br />Loved it.",
                                                                    "Awful. " * 600]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        assert [p["label"] in ("NEGATIVE", "POSITIVE") for p in body["predictions"]] == [True, True]
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl-C does: the command stops its server and exits 0
        assert server.wait(timeout=60) == 0


def test_unreachable_hub_fails_at_once_naming_the_offline_tier(tmp_path):
    """No HF_HUB_OFFLINE and no network: one probe, then the one-line error (no five retries)."""
    env = _env(tmp_path, HF_ENDPOINT=UNREACHABLE_HUB, HF_HUB_OFFLINE=None, HF_DATASETS_OFFLINE=None,
               TRANSFORMERS_OFFLINE=None)
    proc = _cli("train", "--output", tmp_path / "model", env=env, timeout=120)
    assert proc.returncode == 2
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith("coursekit train: error: ") and "--profile offline" in error, proc.stderr
    assert "Retry" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "model").exists()


def test_unreachable_hub_uses_cached_models(standin, tmp_path):
    """The Hub is unreachable but the model is in the cache: loaded from it, without waiting for retries."""
    env = _env(tmp_path, **{**standin.env(), "HF_ENDPOINT": UNREACHABLE_HUB, "HF_HUB_OFFLINE": None,
                            "HF_DATASETS_OFFLINE": None, "TRANSFORMERS_OFFLINE": None})
    code = ("from coursekit.models import load_classifier, load_tokenizer\n"
            "from coursekit.profiles import hub_probe\n"
            "tok = load_tokenizer('distilbert-base-uncased'); model = load_classifier('distilbert-base-uncased')\n"
            "print(type(model).__name__, tok('a film')['input_ids'][:2], hub_probe() is not None)")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["DistilBertForSequenceClassification", "[101,", "1037]", "True"]
    assert "Retry" not in proc.stderr


def test_offline_mode_without_the_model_names_the_cache(tmp_path):
    env = _env(tmp_path, HF_HUB_CACHE=str(tmp_path / "empty-hub"))
    code = ("from coursekit.models import load_tokenizer\nload_tokenizer('distilbert-base-uncased')")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert "HubUnreachableError" in proc.stderr
    assert "not in the Hugging Face cache and HF_HUB_OFFLINE=1" in proc.stderr.strip().splitlines()[-1]
