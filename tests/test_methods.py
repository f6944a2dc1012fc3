"""``coursekit train --method lora|head`` (issue 27), every run tracked in MLflow, and the model card
(issue 26 item 6): one tiny model per method (the shop export, 60 reviews, 2 steps) trained once per
module, then exported, served and evaluated like any model."""
from __future__ import annotations

import json

import pytest

from coursekit.cli import main

pytestmark = pytest.mark.slow

TINY = ["--max-samples", "60", "--max-steps", "2", "--epochs", "1", "--batch-size", "8", "--max-length", "48",
        "--patience", "0"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return (tmp_path_factory.mktemp("mlruns") / "store").as_uri()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, store):
    """{method: model folder}, each trained once by the command line into one MLflow store."""
    folders = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", store)
        patch.setenv("COURSEKIT_PROFILE", "offline")
        for method, lr in (("lora", "5e-4"), ("head", "1e-3")):
            folder = tmp_path_factory.mktemp(method) / "model"
            assert main(["train", "--method", method, "--lr", lr, "--output", str(folder), *TINY]) == 0
            folders[method] = folder
    return folders


def _weights(folder):
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def _base_weights():
    from transformers import AutoModel

    from coursekit.profiles import offline_model_path

    return {k: v for k, v in AutoModel.from_pretrained(offline_model_path()).state_dict().items()}


def test_lora_is_merged_into_a_plain_classifier_and_keeps_its_adapter(trained):
    from coursekit.model_folder import ModelFolder, read_run_card

    folder = trained["lora"]
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"]  # no peft wrapper left
    model, _ = ModelFolder(folder).load()
    assert not any("lora" in name for name, _ in model.named_parameters())
    adapter = folder / "adapter" / "adapter_model.safetensors"
    assert adapter.is_file() and adapter.stat().st_size < (folder / "model.safetensors").stat().st_size / 50
    card = read_run_card(folder)
    assert card.training["method"] == "lora" and card.training["lora_rank"] == 8 and card.training["lora_alpha"] == 16
    metrics = json.loads((folder / "metrics.json").read_text())["method"]
    assert metrics["parameters"]["trainable"] < 0.01 * metrics["parameters"]["total"]
    assert metrics["saved"]["adapter_bytes"] < metrics["saved"]["model_bytes"] / 50


def test_lora_changes_only_query_value_and_the_head(trained):
    saved, base = _weights(trained["lora"]), _base_weights()
    layer = "bert.encoder.layer.0.attention.self."
    assert not saved[layer + "query.weight"].equal(base["encoder.layer.0.attention.self.query.weight"])
    assert not saved[layer + "value.weight"].equal(base["encoder.layer.0.attention.self.value.weight"])
    assert saved[layer + "key.weight"].equal(base["encoder.layer.0.attention.self.key.weight"])
    assert saved["bert.encoder.layer.0.output.dense.weight"].equal(base["encoder.layer.0.output.dense.weight"])


def test_head_freezes_the_encoder(trained):
    saved, base = _weights(trained["head"]), _base_weights()
    encoder = [k for k in base if k.startswith("encoder.")]
    assert encoder and all(saved["bert." + k].equal(base[k]) for k in encoder)
    metrics = json.loads((trained["head"] / "metrics.json").read_text())["method"]
    assert metrics["parameters"]["trainable"] == saved["classifier.weight"].numel() + saved["classifier.bias"].numel()


@pytest.mark.parametrize("method", ["lora", "head"])
def test_each_method_exports_serves_and_evaluates(trained, method, tmp_path, monkeypatch, capsys):
    from coursekit.serving import score

    folder = trained[method]
    assert main(["export", str(folder), "--no-int8", "--limit", "6"]) == 0
    parity = json.loads((folder / "onnx" / "parity.json").read_text())
    assert "max_abs_logit_diff" in json.dumps(parity)
    assert (folder / "onnx" / "README.md").read_text() == (folder / "README.md").read_text()  # the card travels
    monkeypatch.setenv("AZUREML_MODEL_DIR", str(folder / "onnx"))
    score.init()
    try:
        predictions = score.run(json.dumps({"texts": ["Material is too thin and quality is poor"]}))["predictions"]
    finally:
        score.classifier = None
    assert predictions[0]["label"] in ("NEGATIVE", "POSITIVE")
    assert main(["evaluate", str(folder), "--output", str(tmp_path / "report"), "--bootstrap", "50"]) == 0
    assert "model card updated" in capsys.readouterr().out


def test_the_model_card_says_data_licence_split_method_scores_and_limits(trained):
    text = (trained["head"] / "README.md").read_text()
    assert text.startswith("---\nlanguage: en\nlicense: cc0-1.0\n")
    assert "base_model: sentence-transformers/all-MiniLM-L6-v2" in text
    for heading in ("## Data", "## Split", "## Training", "## Metrics", "## Where it is weak",
                    "## Intended use and limits"):
        assert heading in text
    assert "CC0 1.0" in text and "Seeded (42)" in text and "`head`: the encoder frozen" in text
    assert "(Wilson)" in text or "(bootstrap)" in text


def test_evaluate_rewrites_the_card_with_intervals_and_weak_slices(trained, tmp_path):
    folder = trained["lora"]
    if "(bootstrap)" not in (folder / "README.md").read_text():
        assert main(["evaluate", str(folder), "--output", str(tmp_path / "report"), "--bootstrap", "50"]) == 0
    text = (folder / "README.md").read_text()
    assert "macro-F1 |" in text and "(bootstrap)" in text and "Not evaluated yet" not in text


def test_every_run_is_in_the_store_and_coursekit_runs_compares_them(trained, store, capsys):
    from coursekit.train.runs import best_by_method, list_runs

    rows = list_runs(store)
    assert sorted(r["method"] for r in rows) == ["head", "lora"]
    lora = next(r for r in rows if r["method"] == "lora")
    assert lora["learning_rate"] == 5e-4 and lora["trainable"] > 0 and lora["saved_adapter_bytes"] > 0
    assert isinstance(lora["f1_macro"], float) and isinstance(lora["train_s"], float)
    assert set(best_by_method(rows)) == {"lora", "head"}
    assert main(["runs", "--store", store, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["runs", "--store", store, "--method", "head"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[:2] == ["run", "method"] and len(table) == 3 and " head " in table[2]


def test_the_run_card_and_per_epoch_metrics_are_logged(trained, store):
    from coursekit.train.tracking import client

    mlflow_client = client(store)
    run = next(r for r in mlflow_client.search_runs([mlflow_client.get_experiment_by_name("coursekit").experiment_id])
               if r.data.params["method"] == "lora")
    history = mlflow_client.get_metric_history(run.info.run_id, "validation_loss")
    assert [m.step for m in history] == [2]
    artifacts = {a.path for a in mlflow_client.list_artifacts(run.info.run_id)}
    assert {"coursekit.json", "metrics.json", "README.md"} <= artifacts
