"""The fast path's flags reach the Trainer, and the throughput meter counts what the model really saw."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.profiles import get_profile, offline_model_path
from coursekit.train import TrainConfig
from coursekit.train.fast_path import FAST_PATH, fast_path_table, literal_overrides
from benchmarks.throughput import (ThroughputMeter, gpu_peak_tflops, imdb_like_lengths, non_embedding_parameters,
                                        projected_wall_time_s, synthetic_reviews, training_flops)

ROOT = Path(__file__).resolve().parents[1]


def test_every_speed_flag_is_a_config_field_and_a_cli_option():
    from coursekit.cli import build_parser

    fields = TrainConfig.__dataclass_fields__
    help_text = build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    for flag in FAST_PATH:
        assert flag.field in fields, flag.field
        assert flag.fast in (fields[flag.field].default, None), flag.field  # the default is the fast path
        assert flag.option in help_text, flag.option
    assert "--literal" in help_text
    assert fast_path_table().count("\n") == len(FAST_PATH) + 1


def cli_overrides(*argv):
    from coursekit.cli import build_parser
    from coursekit.commands.train_cmd import settings_from_args

    _, train = settings_from_args(build_parser().parse_args(["train", "--output", "x", *argv]))
    return train


def test_cli_flags_turn_single_parts_of_the_fast_path_off():
    assert cli_overrides("--literal").items() >= literal_overrides().items()
    assert cli_overrides("--no-group-by-length")["group_by_length"] is False
    assert cli_overrides("--precision", "bf16")["mixed_precision"] == "bf16"
    assert cli_overrides("--no-fused-adamw")["fused_adamw"] is False
    assert cli_overrides("--pad-to-max-length")["pad_to_max_length"] is True
    plain = cli_overrides()
    assert not any(k in plain for k in ("group_by_length", "mixed_precision", "fused_adamw", "pad_to_max_length"))


def test_literal_and_fast_setups_build_different_training_arguments(tmp_path):
    from coursekit.train.arguments import build_training_arguments

    profile = get_profile("offline")
    fast = build_training_arguments(TrainConfig.from_profile(profile, tmp_path / "f"))
    literal = build_training_arguments(TrainConfig.from_profile(profile, tmp_path / "l", **literal_overrides()))
    assert fast.train_sampling_strategy == "group_by_length" and literal.train_sampling_strategy == "random"
    assert fast.optim == "adamw_torch_fused" and literal.optim == "adamw_torch"
    assert not (literal.bf16 or literal.fp16)
    assert fast.average_tokens_across_devices is False  # see arguments.py: no loss x world_size
    off = build_training_arguments(TrainConfig.from_profile(profile, tmp_path / "o"), eval_strategy="no",
                                   save_strategy="no", load_best_model_at_end=False)
    assert off.eval_strategy == "no" and off.learning_rate == 2e-5


def test_imdb_like_lengths_follow_the_documented_distribution():
    lengths = imdb_like_lengths(20_000, seed=1)
    assert min(lengths) >= 16 and max(lengths) == 512
    assert 215 <= statistics.median(lengths) <= 245
    assert 250 <= statistics.mean(lengths) <= 275  # ~305 before truncation at 512
    assert 0.12 <= sum(x == 512 for x in lengths) / len(lengths) <= 0.16
    assert imdb_like_lengths(50, seed=3) == imdb_like_lengths(50, seed=3)


def test_card_peaks_and_projection():
    assert gpu_peak_tflops("NVIDIA H200", "bf16") == 989.4
    assert gpu_peak_tflops("NVIDIA H100 80GB HBM3", "bf16") == 989.4
    assert gpu_peak_tflops("NVIDIA H100 PCIe", "bf16") == 756.0
    assert gpu_peak_tflops("NVIDIA H100 80GB HBM3", "fp32") == 66.9
    assert gpu_peak_tflops("Some Other GPU", "bf16") is None
    p = projected_wall_time_s(250.0, reviews=25_000, epochs=3, validation_reviews=3_000)
    assert p["train_s"] == pytest.approx(300.0) and p["validation_s"] == pytest.approx(12.0)


def tiny_model():
    from transformers import DistilBertConfig, DistilBertForSequenceClassification, set_seed

    set_seed(0)
    return DistilBertForSequenceClassification(
        DistilBertConfig(n_layers=1, dim=32, hidden_dim=64, n_heads=2, max_position_embeddings=128, num_labels=2))


def test_flops_count_matrix_weights_not_embedding_tables():
    model = tiny_model()
    total = sum(p.numel() for p in model.parameters())
    tables = (model.config.vocab_size + 128) * 32  # word + position embeddings
    assert non_embedding_parameters(model) == total - tables
    per_token = 6 * (total - tables) + 12 * 1 * 32 * 100
    assert training_flops(model, tokens=1000, sequence_length=100) == pytest.approx(per_token * 1000)


@pytest.mark.slow
def test_meter_counts_samples_real_and_padded_tokens_after_warmup(tmp_path):
    from transformers import AutoTokenizer, DataCollatorWithPadding, Trainer

    from coursekit.train.arguments import build_training_arguments

    lengths = [10, 40, 12, 33, 64, 20, 8 + 9, 50, 30, 31, 16, 60]
    data = synthetic_reviews(lengths, seed=0)
    tokenizer = AutoTokenizer.from_pretrained(offline_model_path())
    config = TrainConfig(model="tiny", output_dir=str(tmp_path), batch_size=4, epochs=1, group_by_length=False)
    args = build_training_arguments(config, eval_strategy="no", save_strategy="no", logging_strategy="no",
                                    load_best_model_at_end=False, train_sampling_strategy="sequential")
    trainer = Trainer(model=tiny_model(), args=args, train_dataset=data, processing_class=tokenizer,
                      data_collator=DataCollatorWithPadding(tokenizer))
    meter = ThroughputMeter(warmup_steps=1).attach(trainer)
    trainer.train()
    result = meter.result
    measured = [lengths[4:8], lengths[8:12]]  # batches 2 and 3 (in order), after one warm-up batch
    assert result.steps == 2 and result.samples == 8
    assert result.tokens == sum(map(sum, measured))
    assert result.padded_tokens == sum(4 * max(batch) for batch in measured)
    assert result.seconds > 0 and result.samples_per_s == pytest.approx(8 / result.seconds)
    assert 0 < result.padding_share < 1


@pytest.mark.slow
def test_notebook_suite_times_each_notebook_and_reports_failures(tmp_path):
    import nbformat

    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1\nassert x == 2")]), good)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("assert False, 'broken'")]), bad)
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "notebook_suite.py"), "--mode", "nbclient",
                           str(good), str(bad), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "out" / "notebook_suite-nbclient.json").read_text())
    rows = {Path(r["notebook"]).name: r for r in report["notebooks"]}
    assert rows["good.ipynb"]["ok"] and not rows["bad.ipynb"]["ok"] and "broken" in rows["bad.ipynb"]["error"]
    assert report["total_s"] == pytest.approx(sum(r["seconds"] for r in report["notebooks"]))
    assert "good.ipynb" in proc.stdout and "FAILED" in proc.stdout
