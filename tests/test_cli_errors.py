"""Issue 13 (items 3 and 4): every ``coursekit`` command, fed bad input, ends in a one-line error and
exit status 2, never a traceback.

Commands run in-process through :func:`coursekit.cli.main` (fast; ``main`` re-raises anything
that is not meant for people, so a traceback fails the test) and a few as real processes.
No test trains: the model folder is a tiny random BERT with a run card. Bad outputs are in
``test_cli_errors_outputs.py``, quiz commands in ``test_quiz_cli_errors.py``, ``serve`` in
the serving tests.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_errors_support import ALIAS_BOMB, GARBAGE, ROOT, error_line, refused, run_cli, training_rows

# --- bad data files ---------------------------------------------------------------------------------------
# name -> (suffix, content, fragment of the error or None). Every file has at most 4 rows, so even a
# loader that accepts the odd row refuses to split it (3 per class): train never starts.
BAD_DATA = {
    "empty CSV": ("csv", b"", "is empty"),
    "empty TSV": ("tsv", b"", "is empty"),
    "empty JSONL": ("jsonl", b"", "is empty"),
    # Not UTF-8: read as cp1252 (what spreadsheet exports are), then refused for what is in them.
    "binary CSV": ("csv", GARBAGE, "line"),
    "binary TSV": ("tsv", GARBAGE, "line"),
    "binary JSONL": ("jsonl", GARBAGE, "malformed JSON"),
    "Latin-1 CSV": ("csv", "text,label\ncaf\u00e9 au lait,1\n".encode("latin-1"), "both classes"),
    "wrong columns CSV": ("csv", b"review,stars\nnice,5\nawful,1\n", "missing column 'text'"),
    "wrong columns TSV": ("tsv", b"review\tstars\nnice\t5\nawful\t1\n", "missing column 'text'"),
    "wrong columns JSONL": ("jsonl", b'{"review": "nice", "stars": 5}\n', "text"),
    "CSV in a .jsonl file": ("jsonl", b"text,label\nnice,1\n", "JSON"),
    "only a header CSV": ("csv", b"text,label\n", "no rows"),
    "only a header TSV": ("tsv", b"text\tlabel\n", "no rows"),
    "ragged CSV row": ("csv", b"text,label\nnice,1,extra\nawful,0\n", "line 2"),
    "unknown label": ("csv", b"text,label\nnice,maybe\nawful,0\n", "maybe"),
    "200 KB field CSV": ("csv", b"text,label\n" + b"x" * 200_000 + b",1\nnice,1\nawful,0\nbad,0\n", None),
    "200 KB field TSV": ("tsv", b"text\tlabel\n" + b"x" * 200_000 + b"\t1\nnice\t1\nawful\t0\nbad\t0\n", None),
    "NUL byte CSV": ("csv", b"text,label\nhello\x00world,1\nnice,1\nawful,0\nbad,0\n", None),
    "NUL byte JSONL": ("jsonl", b'{"text": "hello\\u0000world", "label": 1}\n{"text": "bad", "label": 0}\n', None),
}
DEFINITELY_BAD = [name for name, (_, _, fragment) in BAD_DATA.items() if fragment]


def bad_data_file(folder: Path, name: str) -> Path:
    suffix, content, _ = BAD_DATA[name]
    path = folder / f"{name.replace(' ', '_')}.{suffix}"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("name", list(BAD_DATA))
def test_train_refuses_bad_data_before_loading_a_model(tmp_path, capsys, name):
    path = bad_data_file(tmp_path, name)
    fragment = BAD_DATA[name][2]
    code, out, err = run_cli(["train", "--data", path, "--output", tmp_path / "out"], capsys)
    line = error_line(code, out, err, "train")
    if fragment:
        assert path.name in line and fragment.lower() in line.lower(), line
    assert "loading the pre-trained model" not in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", DEFINITELY_BAD)
def test_evaluate_refuses_bad_data_before_loading_the_model(tiny_model, tmp_path, capsys, name):
    path = bad_data_file(tmp_path, name)
    code, out, err = run_cli(["evaluate", tiny_model, "--data", path, "--output", tmp_path / "report"], capsys)
    assert BAD_DATA[name][2].lower() in error_line(code, out, err, "evaluate").lower()
    assert "loading" not in out and not (tmp_path / "report").exists()


@pytest.mark.parametrize("name", ["empty CSV", "binary JSONL", "wrong columns CSV", "only a header TSV"])
def test_export_refuses_bad_parity_data_before_exporting(tiny_model, tmp_path, capsys, name):
    path = bad_data_file(tmp_path, name)
    refused(["export", tiny_model, "--data", path, "--output", tmp_path / "onnx"], capsys, path.name,
            BAD_DATA[name][2])
    assert not (tmp_path / "onnx").exists()


def test_evaluate_scores_odd_but_valid_rows_or_refuses_them_in_one_line(tiny_model, tmp_path, capsys):
    """A 200 KB review and a NUL byte: scored (truncated like any text) or refused, never a crash."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"text,label\n" + b"long " * 40_000 + b",1\nhello\x00world,0\nnice,1\nawful,0\n")
    code, out, err = run_cli(["evaluate", tiny_model, "--data", path, "--output", tmp_path / "r", "--bootstrap", "0"],
                             capsys)
    if code != 0:
        error_line(code, out, err, "evaluate")
    else:
        assert (tmp_path / "r" / "metrics.json").is_file()


# --- bad --config files for train -------------------------------------------------------------------------
BAD_CONFIGS = {
    "unknown key": ("c.yml", b"learning_rate: 3e-5\nfoo: 1\n", "unknown setting 'foo'"),
    "not a mapping": ("c.yml", b"- lr\n- 3e-5\n", "expected a mapping"),
    "a bare value": ("c.json", b"42", "expected a mapping"),
    "invalid YAML": ("c.yml", b"epochs: [1, 2\n", "not valid YAML"),
    "invalid JSON": ("c.json", b'{"epochs": 1,}', "not valid JSON"),
    "NaN in JSON": ("c.json", b'{"learning_rate": NaN}', "NaN"),
    "alias bomb": ("c.yml", ALIAS_BOMB.encode(), "aliases"),
    "deep nesting": ("c.yml", b"[" * 50_000 + b"]" * 50_000, "nested"),
    "deep JSON": ("c.json", b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    "too large": ("c.yml", b"# " + b"x" * 200_000, "too large"),
    "not UTF-8": ("c.yml", b"model: caf\xe9\n", "not UTF-8"),
    "wrong type": ("c.yml", b"learning_rate: fast\n", "setting 'learning_rate': expected a number"),
    "a list for a number": ("c.yml", b"epochs: [3]\n", "expected a whole number"),
    "yes for a number": ("c.yml", b"batch_size: yes\n", "expected a whole number"),
    "text for a switch": ("c.json", b'{"resume": "no"}', "expected true or false"),
    "out of range": ("c.yml", b"batch_size: 0\n", "must be above 0"),
    "negative": ("c.yml", b"max_samples: -5\n", "must be 0 or more"),
    "not a choice": ("c.yml", b"precision: fp8\n", "not one of"),
    "given twice": ("c.yml", b"lr: 1e-5\nlearning_rate: 2e-5\n", "given twice"),
}


@pytest.mark.parametrize("label", list(BAD_CONFIGS))
def test_train_refuses_a_bad_config_file_in_one_line(tmp_path, capsys, label):
    name, content, fragment = BAD_CONFIGS[label]
    config = tmp_path / name
    config.write_bytes(content)
    started = time.monotonic()
    refused(["train", "--config", config, "--output", tmp_path / "out"], capsys, f"--config {config}", fragment)
    assert time.monotonic() - started < 60  # a bomb is refused, not expanded (generous: shared machines)
    assert not (tmp_path / "out").exists()


def test_config_file_accepts_option_spellings(tmp_path):
    from coursekit.options import read_config_file
    from coursekit.train.config import DataConfig, TrainConfig

    config = tmp_path / "c.yml"
    config.write_text("lr: 3.0e-5\npatience: 0\noutput: results/x\nepochs: 2\nweight_decay: 0\nclean: false\n")
    assert read_config_file(config, DataConfig, TrainConfig) == {
        "learning_rate": 3e-5, "early_stopping_patience": 0, "output_dir": "results/x", "epochs": 2,
        "weight_decay": 0.0, "clean": False}


@pytest.mark.parametrize("argv, fragment", [
    (["--config", "missing.yml"], "cannot read it"),
    (["--batch-size", "0"], "--batch-size: must be above 0"),
    (["--max-samples", "-5"], "--max-samples: must be 0 or more"),
    (["--lr", "-1"], "--learning-rate: must be above 0"),
    (["--workers", "-2"], "--workers: must be -1 or more"),
    (["--data", "missing.csv"], "no such file"),
])
def test_train_refuses_bad_options_before_any_work(tmp_path, capsys, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    refused(["train", *argv, "--output", tmp_path / "out"], capsys, fragment)
    assert not (tmp_path / "out").exists()


def test_unknown_tier_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COURSEKIT_PROFILE", "bogus")
    refused(["train", "--output", tmp_path / "out"], capsys, "unknown tier 'bogus'", "COURSEKIT_PROFILE")
    code, out, err = run_cli(["train", "--profile", "bogus", "--output", tmp_path / "out"], capsys)
    assert code == 2 and "Traceback" not in err and "invalid choice: 'bogus'" in err.splitlines()[-1]


# --- --label-map ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec, content, fragment", [
    ("garbage", None, "--label-map 'garbage'"),
    ("1 star=0,5 stars=2", None, "--label-map"),
    pytest.param("map.yml", b"- 1 star\n- 5 stars\n", "--label-map", id="a list in a file"),
    pytest.param("map.yml", b"caf\xe9: 1\n", "not UTF-8", id="not UTF-8"),
    pytest.param("map.yml", b"good: [1\n", "--label-map", id="invalid YAML"),
    pytest.param("map.yml", ALIAS_BOMB.encode(), "--label-map", id="alias bomb"),
])
def test_train_refuses_a_bad_label_map(tmp_path, capsys, spec, content, fragment):
    data = tmp_path / "reviews.csv"
    data.write_text(training_rows(12))
    if content is not None:
        (tmp_path / spec).write_bytes(content)
        spec = str(tmp_path / spec)
    refused(["train", "--data", data, "--label-map", spec, "--output", tmp_path / "out"], capsys, fragment)


# --- model folders: missing, not a model, corrupt run card, changed weights -------------------------------
CORRUPT_CARDS = {
    "invalid JSON": b"{not json",
    "not UTF-8": b"\xff\xfe{}",
    "a list": b"[1, 2]",
    "missing fields": b'{"format": 1}',
    "wrong field types": b'{"format": 1, "tier": "offline", "base_model": "x", "max_length": 32, "labels": [], '
                         b'"cleaning": null, "data": "train.csv", "split": {}}',
    "old format": b'{"format": 0}',
}


@pytest.fixture()
def model_folders(tiny_model, tmp_path) -> dict[str, tuple[Path, str]]:
    """Bad model folders -> (folder, fragment of the error both evaluate and export give)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    folders = {"missing": (tmp_path / "missing", "missing"), "not a model": (empty, "coursekit.json")}
    for name, content in CORRUPT_CARDS.items():
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        (folder / "coursekit.json").write_bytes(content)
        folders[f"run card: {name}"] = (folder, "unreadable run card")
    changed = tmp_path / "changed"
    shutil.copytree(tiny_model, changed)
    (changed / "config.json").write_text((changed / "config.json").read_text().replace("32", "33", 1))
    folders["weights changed"] = (changed, "weights changed")
    return folders


def test_evaluate_and_export_refuse_bad_model_folders(model_folders, tmp_path, capsys):
    for name, (folder, fragment) in model_folders.items():
        if name == "not a model":
            refused(["evaluate", folder, "--output", tmp_path / "r"], capsys, "no run card", "--data")
            data = tmp_path / "d.csv"
            data.write_text(training_rows(8))
            refused(["evaluate", folder, "--data", data, "--output", tmp_path / "r"], capsys, "config.json is missing")
        elif name == "missing":
            refused(["evaluate", folder, "--output", tmp_path / "r"], capsys, "does not exist")
        else:
            refused(["evaluate", folder, "--output", tmp_path / "r"], capsys, str(folder), fragment)
        refused(["export", folder, "--output", tmp_path / "onnx"], capsys, str(folder),
                "no such model folder" if name == "missing" else "config.json" if name == "not a model" or name.startswith("run card") else fragment)
        assert not (tmp_path / "r").exists() and not (tmp_path / "onnx").exists(), name


@pytest.mark.parametrize("argv, fragment", [
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--max-length", "0"], "--max-length must be at least 1"),
    (["--bootstrap", "1"], "--bootstrap must be 0"),
    (["--threshold", "nan"], "--threshold"),
    (["--split", "train", "--data", "{other}"], "--split"),
])
def test_evaluate_refuses_bad_options(tiny_model, tmp_path, capsys, argv, fragment):
    other = tmp_path / "other.csv"
    other.write_text(training_rows(8))
    argv = [str(other) if a == "{other}" else a for a in argv]
    refused(["evaluate", tiny_model, "--output", tmp_path / "r", *argv], capsys, fragment)


@pytest.mark.parametrize("argv, fragment", [
    (["--benchmark", "--batch-sizes", "1,x"], "--batch-sizes '1,x'"),
    (["--benchmark", "--batch-sizes", "0"], "--batch-sizes"),
    (["--benchmark", "--repeats", "0"], "--repeats must be at least 1"),
    (["--repeats", "3"], "--repeats sets how engines are timed, which export does only with --benchmark"),
    (["--benchmark", "--no-report"], "--benchmark times the engines of the parity check"),
    (["--limit", "-1"], "--limit must be at least 1"),
    (["--max-length", "0"], "--max-length must be at least 1"),
])
def test_export_refuses_bad_options_before_exporting(tiny_model, tmp_path, capsys, argv, fragment):
    refused(["export", tiny_model, "--output", tmp_path / "onnx", *argv], capsys, fragment)
    assert not (tmp_path / "onnx").exists()


# --- render and azure -------------------------------------------------------------------------------------
def test_render_refuses_a_missing_notebook(tmp_path, capsys):
    refused(["render", "--output", tmp_path / "site", "--notebooks", tmp_path / "nope.ipynb"], capsys,
            "nope.ipynb")


PRICE_TABLES = {
    "invalid JSON": b"{",
    "not UTF-8": b"\xff{}",
    "a list": b"[]",
    "missing keys": b'{"prices": {}}',
    "prices not a mapping": b'{"as_of": "2026", "currency": "USD", "prices": []}',
    "an entry of the wrong shape": b'{"as_of": "2026", "currency": "USD", "prices": {"Standard_DS3_v2": "cheap"}}',
    "a price that is text": b'{"as_of": "2026", "currency": "USD", "prices": '
                            b'{"Standard_DS3_v2": ["cheap", 4, 14, 0, ""]}}',
}


@pytest.mark.parametrize("label", list(PRICE_TABLES))
def test_azure_plan_refuses_a_bad_price_table(tmp_path, capsys, label):
    prices = tmp_path / "prices.json"
    prices.write_bytes(PRICE_TABLES[label])
    refused(["azure", "plan", "--prices", prices, "--brief"], capsys, f"--prices {prices}")


def test_azure_commands_refuse_unreadable_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"):
        monkeypatch.delenv(name, raising=False)
    texts = tmp_path / "texts.txt"
    texts.write_bytes(b"caf\xe9\n")
    refused(["azure", "invoke", "--file", texts], capsys, "--file", "not UTF-8")
    refused(["azure", "invoke", "--file", tmp_path / "nope.txt"], capsys, "--file", "no such file")
    workspace = tmp_path / "ws.json"
    workspace.write_text("[1, 2]")
    refused(["azure", "train", "--config", workspace, "--no-stream"], capsys, str(workspace), "--config")
    workspace.write_bytes(b"\xff{")
    refused(["azure", "train", "--config", workspace, "--no-stream"], capsys, str(workspace))


# --- end to end: real processes ---------------------------------------------------------------------------
def test_real_processes_print_one_line_and_exit_2(tmp_path):
    bomb = tmp_path / "bomb.yml"
    bomb.write_text(ALIAS_BOMB)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    commands = [["train", "--config", str(bomb), "--output", str(tmp_path / "out")],
                ["release", "--out", str(a_file)]]
    procs = [subprocess.Popen([sys.executable, "-m", "coursekit.cli", *argv], cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for argv in commands]
    for argv, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 2, (argv, out, err)
        assert "Traceback" not in out + err
        assert err.strip().count("\n") == 0 and err.startswith(f"coursekit {argv[0]}: error: "), err
