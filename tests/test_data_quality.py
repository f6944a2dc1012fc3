"""Junk rows of real exports: dropped, counted and shown by default; errors with --strict."""
from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import pytest

from coursekit.data import DataReport, load_reviews, prepare_dataset, split_dataset
from coursekit.errors import DataError

# One file with every kind of junk (lines 2-13), beside enough good rows to train on.
JUNK = (
    "text,label\n"
    "*,0\n"                      # 2: punctuation only (the row that broke `coursekit train`)
    "\U0001F600\U0001F600,1\n"   # 3: emoji only
    "   ,1\n"                    # 4: whitespace only
    "!!!,0\n"                    # 5: punctuation only
    "Loved it,1\n"               # 6
    "Loved it,1\n"               # 7: exact duplicate of 6
    "LOVED   it,1\n"             # 8: the same text once cleaned: duplicate of 6
    "It is fine,1\n"             # 9
    "it is fine,0\n"             # 10: the same text with the other label
    "Never again,0\n"            # 11
    "Works well,\n"              # 12: no label
    "Broke in a day,0\n"         # 13
)
GOOD = "".join(f"good review number {i},1\nbad review number {i},0\n" for i in range(10))


@pytest.fixture
def junk_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(JUNK + GOOD, encoding="utf-8")
    return path


def test_junk_is_dropped_counted_and_shown(junk_file, capsys):
    dataset, report = prepare_dataset(junk_file)
    assert report.counts == {"empty": 4, "no_label": 1, "duplicate": 2, "conflicting_labels": 2}
    assert report.rows_read == 32 and report.rows_kept == len(dataset) == 23 and report.dropped == 9
    assert {"loved it", "never again", "broke in a day"} <= set(dataset["text"])
    assert "it is fine" not in dataset["text"]
    assert [e["row"] for e in report.examples["empty"]] == [4, 2, 3]  # at most three examples per kind
    assert report.examples["conflicting_labels"][0]["row"] == 9
    printed = capsys.readouterr().out
    assert "dropped 4 rows with no words" in printed and "row 2 '*'" in printed
    assert "dropped 2 exact duplicates" in printed and "kept 23 of 32 rows" in printed
    json.dumps(report.to_dict())  # goes into metrics.json as it is


@pytest.mark.parametrize("line, message", [
    ("*,0", "no words in the text '*'"),
    ("   ,1", "line 2: empty text"),
    ("Works well,", "line 2: no label"),
    ("good review number 3,1", "duplicate text"),
    ("good review number 3,0", "the same text with both labels"),
])
def test_strict_makes_each_kind_an_error(tmp_path, line, message):
    path = tmp_path / "r.csv"
    path.write_text("text,label\n" + line + "\n" + GOOD, encoding="utf-8")
    with pytest.raises(DataError) as err:
        prepare_dataset(path, strict=True)
    assert message in str(err.value) and "drop --strict" in str(err.value) and "r.csv" in str(err.value)


def test_clean_data_prints_nothing(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("text,label\n" + GOOD, encoding="utf-8")
    dataset, report = prepare_dataset(path, strict=True)
    assert report.clean and len(dataset) == 20 and capsys.readouterr().out == ""


def test_no_clean_still_drops_rows_without_words(junk_file):
    dataset, report = prepare_dataset(junk_file, clean=False)
    assert report.counts["empty"] == 4
    assert "LOVED   it" in dataset["text"]  # uncleaned, it is not a duplicate of "Loved it"


def test_load_reviews_alone_drops_empty_texts_and_says_so(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("text,label\ngood,1\n   ,0\nbad,0\n", encoding="utf-8")
    assert load_reviews(path)["row"] == [2, 4]
    assert "dropped 1 row with no words" in capsys.readouterr().out


def test_duplicates_never_straddle_two_splits():
    import datasets

    texts = [f"review {i}" for i in range(40)] + ["review 3"] * 5 + ["review 17"] * 5
    labels = [i % 2 for i in range(40)] + [1] * 5 + [1] * 5
    ds = datasets.Dataset.from_dict({"text": texts, "label": labels})
    splits = split_dataset(ds, seed=0)
    parts = [set(splits[k]["text"]) for k in ("train", "validation", "test")]
    assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
    assert sum(len(p) for p in splits.values()) == 50


def test_prepare_splits_returns_the_report(junk_file):
    from coursekit.train import prepare_splits

    splits, report = prepare_splits(junk_file, return_report=True)
    assert isinstance(report, DataReport) and report.rows_kept == sum(len(s) for s in splits.values())
    assert set(prepare_splits(junk_file)) == {"train", "validation", "test"}
    assert "row" in splits["test"].column_names


def test_cli_train_strict_reports_the_junk_row_in_one_line(junk_file, tmp_path, capsys):
    from coursekit.cli import main

    assert main(["train", "--data", str(junk_file), "--output", str(tmp_path / "out"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "line 4: empty text" in err and "drop --strict" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_train_passes_label_map_and_records_the_data_report(tmp_path, monkeypatch):
    from coursekit.cli import main

    path = tmp_path / "stars.csv"
    path.write_text("text,stars\n" + "".join(f"fine thing {i},5 stars\nawful thing {i},1 star\nmeh {i},3 stars\n"
                                             for i in range(10)) + "*,5 stars\n", encoding="utf-8")
    seen = {}

    def fake_train_model(splits, config, trainer=None):
        seen.update(splits=splits)
        return SimpleNamespace(test_metrics={}, summary={}, train_runtime_s=0.0, output_dir=config.output_dir)

    monkeypatch.setattr("coursekit.train.pipeline.train_model", fake_train_model)
    assert main(["train", "--data", str(path), "--label-column", "stars", "--output", str(tmp_path / "m"),
                 "--label-map", "1 star=0,3 stars=skip,5 stars=1"]) == 0
    assert sum(len(s) for s in seen["splits"].values()) == 20
    from coursekit.model_folder import read_run_card

    assert read_run_card(tmp_path / "m").dropped["counts"] == {"label_skipped": 10, "empty": 1}


def test_evaluate_loads_data_with_label_map(tmp_path):
    from coursekit.cli import build_parser
    from coursekit.commands.evaluate_cmd import _load_data, model_folder_for

    path = tmp_path / "r.csv"
    path.write_text("text,label\n" + "".join(f"nice {i},yes\nbad {i},no\n" for i in range(5)) + "nice 1,yes\n")
    args = build_parser().parse_args(["evaluate", "model", "--data", str(path), "--output", str(tmp_path / "o"),
                                      "--label-map", "no=0,yes=1"])
    folder = model_folder_for(tmp_path / "model", args)  # a model without a run card: the announced fallback
    dataset, part, note = _load_data(args, folder)
    assert len(dataset) == 10 and part == "all" and "10 rows" in note  # the duplicate row is dropped


def test_confident_mistakes_name_the_source_row():
    import numpy as np

    from coursekit.evaluation.predict import Predictions
    from coursekit.evaluation.slices import most_confident_mistakes

    predictions = Predictions.from_probabilities(["a", "b", "c"], np.array([0.9, 0.2, 0.6]), np.array([0, 0, 0]),
                                                 {"row": [12, 40, 57]})
    table = most_confident_mistakes(predictions)
    assert table["row"].tolist() == [12, 57] and table.columns[0] == "row"

