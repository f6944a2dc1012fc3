"""The model folder is one module (issue 21 item 1) and its run card is checked on read (issue 24 item 4):
what a folder holds, the one fallback for a folder coursekit did not train, whether its export is
current, and a tampered run card refused in one line by every command that reads it."""
from __future__ import annotations

import json
import shutil

import pytest
from cli_errors_support import refused

from coursekit.defaults import DEFAULT_SEED
from coursekit.errors import RunCardError
from coursekit.model_folder import (FOREIGN_MAX_LENGTH, MAX_RUN_CARD_BYTES, RUN_CARD_FILE, ModelFolder,
                                    read_run_card)


def tampered(tiny_model, tmp_path, **changes):
    """A copy of the tiny model whose run card has ``changes`` (a key set to ``...`` is removed)."""
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    card = json.loads((folder / RUN_CARD_FILE).read_text())
    for key, value in changes.items():
        target, _, name = key.rpartition("__")
        holder = card[target] if target else card
        if value is ...:
            holder.pop(name)
        else:
            holder[name or key] = value
    (folder / RUN_CARD_FILE).write_text(json.dumps(card))
    return folder


def test_what_a_trained_folder_holds(tiny_model):
    folder = ModelFolder(tiny_model)
    assert folder.is_trained() is False  # the tiny model has no metrics.json: not what `train` leaves
    assert folder.has_run_card() and folder.holds_a_run() and folder.trained_by_coursekit
    assert folder.max_length == 32 and folder.seed == DEFAULT_SEED and folder.tier == "offline"
    assert folder.cleaning is not None and folder.cleaning == folder.card.cleaning_config
    assert folder.position_limit() == 64 and folder.export_dir == tiny_model / "onnx"
    folder.check_weights()
    model, tokenizer = folder.load()
    assert model.config.num_labels == 2 and tokenizer("a b")["input_ids"]


def test_a_folder_coursekit_did_not_train_gets_the_one_fallback(tiny_model, tmp_path):
    foreign = tmp_path / "foreign"
    shutil.copytree(tiny_model, foreign, ignore=shutil.ignore_patterns(RUN_CARD_FILE))
    folder = ModelFolder(foreign)
    assert folder.card is None and not folder.trained_by_coursekit
    assert folder.max_length == FOREIGN_MAX_LENGTH and folder.seed == DEFAULT_SEED
    assert folder.cleaning is not None and all(vars(folder.cleaning).values())  # every step, as training cleans
    assert "has no run card" in folder.fallback_note() and str(FOREIGN_MAX_LENGTH) in folder.fallback_note()
    with pytest.raises(RunCardError, match="no coursekit.json"):
        folder.require_card()


def test_history_and_base_model_name(tmp_path):
    (tmp_path / "metrics.json").write_text(json.dumps({"history": [{"epoch": 1.0, "eval_loss": 0.5}]}))
    assert ModelFolder(tmp_path).history() == [{"epoch": 1.0, "eval_loss": 0.5}]
    from coursekit.model_folder import RunCard

    card = RunCard(tier="offline", base_model="/somewhere/site-packages/minilm", max_length=32, labels=["N", "P"],
                   cleaning=None, data={}, split={"seed": 0})
    assert card.base_model_name == "minilm"
    assert RunCard(**{**vars(card), "base_model": "distilbert-base-uncased"}).base_model_name == "distilbert-base-uncased"


def test_whether_an_export_is_current(tiny_model, tmp_path):
    folder = ModelFolder(tiny_model)
    export = tmp_path / "onnx"
    assert not folder.export_is_current(export)  # nothing there
    export.mkdir()
    (export / "model.onnx").write_bytes(b"graph")
    (export / "export.json").write_text(json.dumps({"source_model_fingerprint": folder.card.model_fingerprint}))
    assert folder.export_is_current(export)
    (export / "export.json").write_text(json.dumps({"source_model_fingerprint": "sha256:other"}))
    assert not folder.export_is_current(export)


@pytest.mark.parametrize("changes, fragment", [
    ({"max_length": -1}, "'max_length' is -1, expected a whole number from 2 to 8192"),
    ({"max_length": 100000}, "'max_length' is 100000"),
    ({"max_length": 1000}, "max_length 1000 is above the model's position limit 64"),
    ({"max_length": True}, "'max_length' is True"),
    ({"split__seed": "x"}, "'split.seed' is 'x'"),
    ({"split__seed": -3}, "'split.seed' is -3"),
    ({"labels": ["only one"]}, "'labels'"),
    ({"cleaning": {"lowercase": "yes"}}, "'cleaning' holds 'lowercase': 'yes'"),
    ({"data": "train.csv"}, "'data' is 'train.csv', expected an object"),
    ({"tier": ...}, "'tier' is missing"),
    ({"max_length": "x" * 90_000}, "'max_length' is 'xxxxxxxx"),  # a long value is cut short in the line
])
def test_every_run_card_value_is_checked_on_read(tiny_model, tmp_path, changes, fragment):
    folder = tampered(tiny_model, tmp_path, **changes)
    with pytest.raises(RunCardError, match="unreadable run card") as info:
        ModelFolder(folder).require_card()
    message = str(info.value)
    assert fragment in message and "\n" not in message and len(message) < 400, message


def test_an_oversized_run_card_is_not_parsed(tmp_path):
    (tmp_path / RUN_CARD_FILE).write_bytes(b" " * (MAX_RUN_CARD_BYTES + 1))
    with pytest.raises(RunCardError, match="unreadable run card .the file: 32,000,001 bytes is too large for a run card"):
        read_run_card(tmp_path)


@pytest.mark.parametrize("changes", [{"max_length": -1}, {"max_length": 100000}, {"split__seed": "x"}])
def test_a_tampered_run_card_is_one_line_in_every_command(tiny_model, tmp_path, capsys, changes):
    from coursekit.serving.local_server import free_port

    folder = tampered(tiny_model, tmp_path, **changes)
    for argv in (["evaluate", folder, "--output", tmp_path / "report"],
                 ["export", folder, "--output", tmp_path / "onnx"],
                 ["serve", folder, "--port", str(free_port())],
                 ["azure", "deploy", folder, "--subscription", "s", "--resource-group", "g", "--workspace", "w"]):
        refused(argv, capsys, "unreadable run card", str(folder))
    assert not (tmp_path / "report").exists() and not (tmp_path / "onnx").exists()
    assert not (folder / "onnx").exists()


def test_a_max_length_above_the_position_limit_is_refused(tiny_model, tmp_path, capsys):
    """Issue 24 item 2: the tiny model has 64 positions; a longer --max-length would make the endpoint 500."""
    refused(["export", tiny_model, "--output", tmp_path / "onnx", "--max-length", "100"], capsys,
            "--max-length 100 is above the model's position limit 64")
    refused(["evaluate", tiny_model, "--output", tmp_path / "r", "--max-length", "65"], capsys,
            "--max-length 65 is above the model's position limit 64")
    assert not (tmp_path / "onnx").exists() and not (tmp_path / "r").exists()
