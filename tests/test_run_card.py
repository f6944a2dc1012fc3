"""The model folder is the contract: training records its settings once, every later stage reads them.

One tiny model is trained with ``--no-clean --max-length 64 --seed 0`` through the CLI;
export, evaluate and the scoring service must then use exactly those settings without
being told again, and the split must be the one seed 0 makes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from coursekit.model_folder import RUN_CARD_FILE, ModelFolder, read_run_card
from shop_slice import CLI_OPTIONS, OPTIONS, SLICE

pytestmark = pytest.mark.slow

TRAIN = ["--no-clean", "--max-length", "64", "--seed", "0", "--max-samples", "60", "--max-steps", "2",
         "--patience", "0", "--batch-size", "8", *CLI_OPTIONS]


def cli(*argv, check=True):
    # COURSEKIT_PROGRESS_S: the piped run's progress line every 0.05 s instead of every 30 s
    env = dict(os.environ, CI="true", OMP_NUM_THREADS="1", COURSEKIT_PROGRESS_S="0.05")
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", *argv], capture_output=True, text=True, env=env)
    if check:
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runcard") / "model"
    proc = cli("train", "--output", str(folder), *TRAIN)
    return folder, proc.stdout


def test_training_records_every_setting_a_later_stage_needs(trained):
    folder, _ = trained
    card = read_run_card(folder)
    assert card.max_length == 64 and card.cleaning is None and not card.clean
    assert card.tier == "offline" and card.labels == ["NEGATIVE", "POSITIVE"]
    assert card.data["fingerprint"].startswith("sha256:") and card.is_training_data(SLICE)
    assert card.training["seed"] == 0 and card.split["seed"] == 0
    assert card.model_fingerprint and card.model_fingerprint.startswith("sha256:")
    sizes = {part: len(card.split[part]["positions"]) for part in ("train", "validation", "test")}
    assert sizes == {"train": 48, "validation": 6, "test": 6}


def test_seed_zero_splits_with_zero(trained):
    """``--seed 0`` used to split with 42 (``seed or 42``) and train with 0."""
    from coursekit.train import prepare_data

    folder, _ = trained
    card = read_run_card(folder)
    with_zero = prepare_data(SLICE, 0, clean=False, max_samples=60, **OPTIONS)
    with_default = prepare_data(SLICE, 42, clean=False, max_samples=60, **OPTIONS)
    assert card.split["test"]["positions"] == with_zero.positions["test"]
    assert with_zero.positions["test"] != with_default.positions["test"]


def test_splits_rebuilt_from_the_run_card_are_the_training_splits(trained):
    from coursekit.train import prepare_data, splits_from_run_card

    folder, _ = trained
    rebuilt = splits_from_run_card(folder)
    original = prepare_data(SLICE, 0, clean=False, max_samples=60, **OPTIONS).splits
    for part in ("train", "validation", "test"):
        assert rebuilt[part]["text"] == original[part]["text"]


def test_export_and_the_service_use_the_recorded_settings(trained, tmp_path, monkeypatch):
    folder, _ = trained
    out = tmp_path / "onnx"
    proc = cli("export", str(folder), "--output", str(out), "--no-int8", "--no-report")
    manifest = json.loads((out / "export.json").read_text())
    assert manifest["max_length"] == 64 and manifest["clean_text"] is False
    assert manifest["source_model_fingerprint"] == read_run_card(folder).model_fingerprint
    # what gets deployed names no folder of this machine (the offline tier's base model is a local folder)
    strings = [v for v in json.dumps(manifest).split('"') if v.startswith("/")]
    assert strings == [] and manifest["run_card"]["base_model"] == os.path.basename(read_run_card(folder).base_model)
    assert "max length 64" in proc.stdout and "cleaning off" in proc.stdout
    from coursekit.serving import score

    monkeypatch.setenv("AZUREML_MODEL_DIR", str(out))
    score.init()
    try:
        assert score.classifier.max_length == 64 and score.classifier.clean is False
    finally:
        score.classifier = None


def test_evaluate_on_the_training_file_scores_its_test_split(trained, tmp_path):
    folder, _ = trained
    proc = cli("evaluate", str(folder), "--data", str(SLICE), "--output", str(tmp_path / "e"),
               "--bootstrap", "0")
    report = json.loads((tmp_path / "e" / "metrics.json").read_text())
    text = json.dumps(report)
    assert "scoring its test split (6 rows" in proc.stdout
    assert '"max_length": 64' in text and '"cleaned": false' in text
    # Scoring the training rows is possible, with a warning.
    proc = cli("evaluate", str(folder), "--split", "train", "--output", str(tmp_path / "t"), "--bootstrap", "0")
    assert "optimistic" in proc.stdout


def test_train_never_clobbers_a_model(trained, tmp_path):
    folder, _ = trained
    target = tmp_path / "model"
    target.mkdir()
    (target / "config.json").write_text("{}")
    (target / "metrics.json").write_text('{"mine": 1}')
    refused = cli("train", "--output", str(target), *TRAIN, check=False)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--overwrite" in refused.stderr and "--resume" in refused.stderr
    assert json.loads((target / "metrics.json").read_text()) == {"mine": 1}
    cli("train", "--output", str(target), *TRAIN, "--overwrite")
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("model.old-")]
    assert len(aside) == 1 and json.loads((aside[0] / "metrics.json").read_text()) == {"mine": 1}
    assert (target / RUN_CARD_FILE).is_file()


def test_a_changed_model_or_data_file_is_refused(trained, tmp_path):
    import shutil

    from coursekit.errors import RunCardError
    from coursekit.train import splits_from_run_card

    folder, _ = trained
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("checkpoints"))
    other = tmp_path / "other.csv"
    other.write_text(SLICE.read_text(encoding="utf-8") + "600,1,30,,one more great review,5,1,0,General,Tops,Knits\n")
    with pytest.raises(RunCardError, match="not the data"):
        splits_from_run_card(copy, other)
    with open(copy / "config.json", "a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(RunCardError, match="changed after training"):
        ModelFolder(copy).check_weights()


def test_an_unknown_tier_is_a_one_line_error(tmp_path):
    env = dict(os.environ, COURSEKIT_PROFILE="bogus")
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", "train", "--output", str(tmp_path / "m")],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "unknown tier 'bogus' (from COURSEKIT_PROFILE)" in proc.stderr


def test_the_run_says_which_epoch_it_kept(trained):
    _, stdout = trained
    assert "kept the model of epoch" in stdout and "disk:" in stdout
    # 48 training reviews, 2 steps at the assignment's 2e-5: the summary ends with the verdict and the options
    tail = stdout.strip().splitlines()[-2:]
    assert tail[0].startswith("verdict: under-trained: ") and "advice:" in tail[1]
    assert "--learning-rate 0.0001" in tail[1]


def test_piped_training_prints_progress_lines(trained):
    """Issue 23.5: without a terminal, a progress line at least every interval (30 s; 0.05 s here)."""
    _, stdout = trained
    progress = [line for line in stdout.splitlines() if line.startswith(("training: step", "evaluating on"))]
    assert progress and all("/2 (epoch" in line and "elapsed" in line for line in progress)
    assert "it/s" not in stdout  # and no progress bar


def test_reviews_outside_the_sample_are_the_held_out_set(trained, tmp_path):
    """The rows the model's sample left out: never trained, validated or tested on (issue 20)."""
    import shutil

    from coursekit.errors import EvaluationError
    from coursekit.evaluation.heldout import clear_cut_reviews, heldout_reviews, larger_test_set
    from coursekit.train import splits_from_run_card

    folder, _ = trained
    card = read_run_card(folder)
    rest = heldout_reviews(folder)
    used = {row for part in ("train", "validation", "test") for row in card.rows(part)}
    assert len(used) == 60 and len(rest) == 497 - 60 and not used & set(rest["row"])
    some = heldout_reviews(folder, n=100)
    assert len(some) == 100 and set(some["row"]) <= set(rest["row"])
    where, larger = larger_test_set(folder, splits_from_run_card(folder)["test"], n=200)
    assert len(larger) == 200 and "outside the training sample" in where
    clear = clear_cut_reviews(folder, n=2)
    assert clear["label"].tolist() == [1, 1, 0, 0] and not used & set(clear["row"])
    assert set(zip(clear["Rating"], clear["Recommended IND"])) == {("5", "1"), ("1", "0")}
    # A model trained on every row (the full tier): no held-out set; clear-cut reviews come from the shop export.
    everything = tmp_path / "everything"
    shutil.copytree(folder, everything, ignore=shutil.ignore_patterns("checkpoints"))
    data = json.loads((everything / RUN_CARD_FILE).read_text())
    data["data"]["max_samples"] = 0
    (everything / RUN_CARD_FILE).write_text(json.dumps(data))
    with pytest.raises(EvaluationError, match="trained on every row"):
        heldout_reviews(everything)
    assert larger_test_set(everything, "the split", n=200) == ("the test split", "the split")
    assert len(clear_cut_reviews(everything, n=3)) == 6
