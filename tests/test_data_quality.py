"""Junk rows of real exports: dropped, counted and shown by default; errors with --strict."""
from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import pytest

from coursekit.data import DataReport, load_reviews, prepare_dataset, split_dataset
from coursekit.errors import DataError
from coursekit.model_folder import read_run_card

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
    assert "dropped 2 exact duplicates" in printed
    assert ("kept 23 of 32 data rows (32 = 23 kept + 4 with no words + 1 without a label + 2 duplicates + "
            "2 with conflicting labels") in printed
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
    # the first junk row in file order (row 2, '*'), not the first one the loader meets (line 4)
    assert "row 2: no words in the text '*'" in err and "drop --strict" in err and "Traceback" not in err
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



# Issue 23.3: a real export's every data row appears in the summary, and --strict stops at the first junk row.
EXPORT = (
    "Review Text,Sentiment\n"
    "Lovely soft fabric,pos\n"                          # 2
    ",\n"                                               # 3: an empty row (no text, no label)
    "\"Runs small,\nreturned it\",neg\n"                # 4-5: a line break inside a quoted field
    "Great &quot;boho&quot; look<br/>love it,pos\n"    # 6: markup, cleaned and kept
    "Wrinkles after one wash,neg\n"                     # 7
    "Lovely soft fabric,pos\n"                          # 8: duplicate of 2
    "It is okay,unknown\n"                              # 9: skipped by the label map
    ",,\n"                                              # 10: blank, with one separator too many
    "Perfect fit,pos\n"                                 # 11
)


def test_every_data_row_is_accounted_for(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT + "".join(f"nice top {i},pos\npoor seams {i},neg\n" for i in range(5)), encoding="utf-8")
    dataset, report = prepare_dataset(path, text_column="Review Text", label_column="Sentiment",
                                      label_map="neg=0,pos=1,unknown=skip")
    data_rows = 9 + 10  # records after the header (the quoted line break makes one record of two lines)
    assert report.rows_read == data_rows == report.rows_kept + report.removed
    assert report.counts == {"empty": 2, "label_skipped": 1, "markup": 1, "duplicate": 1}
    assert [e["row"] for e in report.examples["empty"]] == [3, 10]
    assert report.examples["markup"][0]["row"] == 6 and "&quot;boho&quot;" in report.examples["markup"][0]["text"]
    assert "great boho look love it" in dataset["text"]  # entities decoded, tags and quotes removed
    printed = capsys.readouterr().out
    assert "repaired 1 row with HTML markup" in printed and "dropped 1 row whose label the label map skips" in printed
    assert f"kept 15 of {data_rows} data rows ({data_rows} = 15 kept + 2 with no words + 1 skipped by the " \
           "label map + 1 duplicate; pass --strict" in printed


def test_strict_stops_at_the_first_junk_row_in_file_order(tmp_path):
    # A duplicate (row 5) comes before an empty row (row 7) in the file; cleaning finds the
    # wordless row 3 ("!!!") only after loading has seen row 7: strict names row 3.
    lines = ["text,label", "good one,1", "!!!,0", "bad one,0", "good one,1", "fine,1", ",", "awful,0"]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"r.csv, row 3: no words in the text '!!!'"):
        prepare_dataset(path, strict=True)
    path.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")  # without it: the duplicate first
    with pytest.raises(DataError, match=r"row 4: duplicate text 'good one' \(rows 2, 4\)"):
        prepare_dataset(path, strict=True)
    # an unknown label later in the file does not hide an earlier junk row
    path.write_text("text,label\ngood,1\n,\nbad,0\nmeh,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 3: empty text"):
        prepare_dataset(path, strict=True)


def test_unknown_label_error_and_help_show_skip(tmp_path, capsys):
    from coursekit.cli import main

    path = tmp_path / "stars.csv"
    path.write_text("text,stars\nlovely,5\nso so,3\nawful,1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_reviews(path, label_column="stars", label_map="1=0,5=1")
    assert "label '3' is not one of the two classes" in str(err.value)
    assert "3=skip to drop such rows" in str(err.value) and '--label-map "1=0,5=1,3=skip"' in str(err.value)
    with pytest.raises(DataError, match=r'--label-map "1=0,2=0,3=skip,4=1,5=1"'):
        load_reviews(path, label_column="stars")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "VALUE=skip" in help_text and "3=skip" in help_text


def test_the_raw_export_trains_with_a_star_map_and_says_what_it_dropped(tmp_path, monkeypatch, capsys):
    """Issue 20: the export as downloaded, columns and stars given on the command line (a slice of it here)."""
    from coursekit.cli import main
    from shop_slice import CLI_OPTIONS

    seen = {}

    def fake_train_model(splits, config, trainer=None):
        seen.update(splits=splits)
        return SimpleNamespace(test_metrics={}, summary={}, train_runtime_s=0.0, output_dir=config.output_dir)

    monkeypatch.setattr("coursekit.train.pipeline.train_model", fake_train_model)
    options = [o if o != "Review Text" else "Title + Review Text" for o in CLI_OPTIONS]
    assert main(["train", *options, "--max-samples", "0", "--output", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    banner = out.splitlines()[0]
    assert "coursekit tier: offline" in banner and "shop_reviews_first600.csv" in banner  # the data actually used
    assert "sample reviews" not in banner and "(a clothing shop" not in banner  # not the tier's own data
    assert "kept 497 of 600 data rows (600 = 497 kept + 74 skipped by the label map + 29 with no words" in out
    assert sum(len(s) for s in seen["splits"].values()) == 497
    card = read_run_card(tmp_path / "m")
    assert card.data["text_column"] == "Title + Review Text" and card.data["label_map"] == "1=0,2=0,3=skip,4=1,5=1"
    assert card.dropped["counts"] == {"label_skipped": 74, "empty": 29, "markup": 5}
