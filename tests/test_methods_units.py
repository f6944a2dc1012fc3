"""The pieces of issue 27 and the model card that need no training: LoRA's target modules per
architecture, the frozen encoder, the merge, tracking failures, the card's licence and interval."""
from __future__ import annotations

import pytest


def _tiny(kind: str):
    """A randomly initialised 1-layer classifier of ``kind`` (seconds: no weights are read)."""
    from transformers import (BertConfig, BertForSequenceClassification, DistilBertConfig,
                              DistilBertForSequenceClassification)

    if kind == "distilbert":
        return DistilBertForSequenceClassification(DistilBertConfig(vocab_size=100, dim=16, hidden_dim=32, n_layers=1,
                                                                    n_heads=2, num_labels=2))
    return BertForSequenceClassification(BertConfig(vocab_size=100, hidden_size=16, intermediate_size=32,
                                                    num_hidden_layers=1, num_attention_heads=2, num_labels=2))


@pytest.mark.parametrize("kind, targets, head", [("bert", ["query", "value"], ["classifier"]),
                                                 ("distilbert", ["q_lin", "v_lin"], ["pre_classifier", "classifier"])])
def test_lora_targets_and_head_by_architecture(kind, targets, head):
    from coursekit.train.methods import head_modules, lora_target_modules

    model = _tiny(kind)
    assert lora_target_modules(model) == targets and head_modules(model) == head


def test_lora_trains_adapters_and_the_whole_head_then_merges_to_the_same_outputs():
    import torch

    from coursekit.train.config import TrainConfig
    from coursekit.train.methods import apply_method, parameter_counts

    torch.manual_seed(0)
    model = apply_method(_tiny("distilbert"), TrainConfig(method="lora", lora_rank=2))
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any("q_lin.lora_A" in n for n in trainable) and any("v_lin.lora_B" in n for n in trainable)
    assert any("pre_classifier" in n for n in trainable) and any("classifier" in n for n in trainable)
    assert not any("k_lin" in n or "ffn" in n for n in trainable)
    for name, parameter in model.named_parameters():  # a trained adapter: B is no longer zero
        if "lora_B" in name:
            parameter.data.normal_()
    model.eval()
    ids = torch.tensor([[1, 5, 7, 2]])
    before = model(input_ids=ids).logits
    merged = model.merge_and_unload()
    assert type(merged).__name__ == "DistilBertForSequenceClassification"
    assert torch.allclose(merged(input_ids=ids).logits, before, atol=1e-5)
    assert parameter_counts(model)["trainable"] < parameter_counts(_tiny("distilbert"))["total"]


def test_head_freezes_everything_but_the_head():
    from coursekit.train.config import TrainConfig
    from coursekit.train.methods import apply_method

    model = apply_method(_tiny("bert"), TrainConfig(method="head"))
    assert {n for n, p in model.named_parameters() if p.requires_grad} == {"classifier.weight", "classifier.bias"}


def test_a_model_without_known_projections_is_refused_in_one_line():
    import torch

    from coursekit.errors import ConfigError
    from coursekit.train.methods import lora_target_modules

    with pytest.raises(ConfigError, match="--method full or head"):
        lora_target_modules(torch.nn.Sequential(torch.nn.Linear(2, 2)))


def test_a_bad_method_or_rank_is_refused_before_anything_loads(tmp_path, capsys):
    from coursekit.cli import main

    settings = tmp_path / "s.yml"
    settings.write_text("method: adapters\n")
    assert main(["train", "--output", str(tmp_path / "m"), "--config", str(settings)]) == 2
    assert "'adapters' is not one of full, lora, head" in capsys.readouterr().err
    assert main(["train", "--output", str(tmp_path / "m"), "--lora-rank", "0"]) == 2
    assert "--lora-rank: must be above 0" in capsys.readouterr().err


def test_tracking_failure_is_one_line_and_the_run_goes_on(monkeypatch, capsys, tmp_path):
    from types import SimpleNamespace

    from coursekit.train.config import TrainConfig
    from coursekit.train.tracking import track_run

    monkeypatch.setenv("MLFLOW_TRACKING_URI", "nosuchscheme://nowhere")
    config = TrainConfig(output_dir=str(tmp_path / "m"))
    assert track_run(config, SimpleNamespace(), SimpleNamespace(summary={})) is None
    assert "tracking: the run was not logged to MLflow" in capsys.readouterr().out
    assert track_run(TrainConfig(output_dir=str(tmp_path), track=False), None, None) is None


def test_the_default_store_is_under_the_results_folder(monkeypatch, tmp_path):
    from coursekit.train.tracking import tracking_uri

    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    monkeypatch.setenv("COURSEKIT_RESULTS", str(tmp_path / "results"))
    assert tracking_uri() == (tmp_path / "results" / "mlruns").as_uri()


def test_card_licences_and_the_wilson_interval():
    from coursekit.model_folder.model_card import data_licence, wilson
    from coursekit.paths import shop_reviews_path

    assert data_licence(str(shop_reviews_path()))[0] == "cc0-1.0"
    assert data_licence("imdb")[0] == "other" and "Maas" in data_licence("imdb")[1]
    assert data_licence("/somewhere/mine.csv")[0] == "unknown"
    low, high = wilson(0.9, 100)
    assert low == pytest.approx(0.8256, abs=1e-3) and high == pytest.approx(0.9448, abs=1e-3)
