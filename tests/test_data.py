"""Loading, cleaning and splitting, with the bad inputs students actually produce."""
from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own TOML reader
    import tomli as tomllib
from collections import Counter
from pathlib import Path

import pytest

from coursekit.data import CleaningConfig, clean_dataset, clean_text, load_reviews, prepare_dataset, split_dataset
from coursekit.errors import DataError
from coursekit.data.shop import SHOP_FILE, shop_reviews_path
from shop_slice import OPTIONS, SLICE

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shop_export_ships_byte_for_byte_as_its_data_card_says():
    from coursekit.data.shop import ORIGINAL_SHA256, original_bytes

    data = original_bytes()
    assert hashlib.sha256(data).hexdigest() == ORIGINAL_SHA256 and len(data) == 8_483_448
    card = (ROOT / "coursekit" / "data" / "DATA_CARD.md").read_text(encoding="utf-8")
    assert ORIGINAL_SHA256 in card and "CC0" in card
    header = next(csv.reader(io.StringIO(data.decode("utf-8")[:2000])))
    for column in header[1:]:  # every column is described (the first is an unnamed row index)
        assert f"`{column}`" in card, f"the data card does not describe {column!r}"
    # a wheel and the student copy take it: package data, and release copies the package folder
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["coursekit"]
    assert any(fnmatch.fnmatch(f"data/{SHOP_FILE}", pattern) for pattern in patterns)


def test_the_shop_export_loads_with_its_own_columns_and_star_map(capsys):
    dataset, report = prepare_dataset(shop_reviews_path())  # no options: Review Text, Rating, 1-2 / 3 skip / 4-5
    counts = Counter(dataset["label"])
    assert report.rows_read == 23_486 and len(dataset) == report.rows_kept == 19_814
    assert report.counts["label_skipped"] == 2_823 and report.counts["empty"] == 844  # one row has only a title
    assert report.counts["duplicate"] == 5 and report.counts["markup"] == 48
    assert round(counts[1] / len(dataset), 3) == 0.880  # the imbalance lesson 02 teaches
    assert {"Department Name", "Age", "Rating", "Recommended IND"} <= set(dataset.column_names)
    assert dataset[2]["text"].startswith("my favorite buy! i love, love, love this jumpsuit")  # title, then review
    assert "23,486 = 19,814 kept + 2,823 skipped by the label map + 844 with no words + 5 duplicates" \
        in capsys.readouterr().out
    recommended = load_reviews(shop_reviews_path(), label_column="Recommended IND")  # the other label, one option
    assert len(recommended) == 22_642 and Counter(recommended["label"])[0] == 4_101
    body = load_reviews(shop_reviews_path(), text_column="Review Text")  # the review alone, as the raw export reads
    assert len(body) == 19_818 and body[2]["text"].startswith("I love, love, love this jumpsuit")


def test_a_stratified_sample_keeps_the_share_and_leaves_the_rest_unseen():
    sample, report = prepare_dataset(SLICE, max_samples=200, seed=3, **OPTIONS)
    rest, _ = prepare_dataset(SLICE, max_samples=200, seed=3, outside=True, **OPTIONS)
    everything, _ = prepare_dataset(SLICE, **OPTIONS)
    assert len(sample) == 200 and len(rest) == len(everything) - 200 == report.counts["not_sampled"]
    assert not set(sample["row"]) & set(rest["row"]) and set(sample["row"]) | set(rest["row"]) == set(everything["row"])
    share = Counter(everything["label"])[0] / len(everything)
    assert abs(Counter(sample["label"])[0] / 200 - share) < 0.01  # stratified
    assert prepare_dataset(SLICE, max_samples=200, seed=3, verbose=False, **OPTIONS)[0]["row"] == sample["row"]
    assert report.rows_read == report.rows_kept + report.removed == 600


def test_csv_with_string_labels_and_custom_columns(tmp_path):
    path = write(tmp_path, "r.csv", 'review,stars,shop\n"Great, really great",pos,a\nAwful thing,NEG,b\n')
    ds = load_reviews(path, text_column="review", label_column="stars")
    assert ds["text"] == ["Great, really great", "Awful thing"]
    assert ds["label"] == [1, 0]
    assert ds["shop"] == ["a", "b"]
    assert ds.features["label"].names == ["NEGATIVE", "POSITIVE"]


def test_custom_label_map(tmp_path):
    path = write(tmp_path, "r.csv", "text,label\nlovely,5 stars\nbad,1 star\n")
    ds = load_reviews(path, label_map={"5 stars": 1, "1 star": 0})
    assert ds["label"] == [1, 0]


def test_tsv_without_header_splits_on_last_tab_and_newlines_only(tmp_path):
    # U+0085 inside a text must not start a new row; a stray quote must not swallow rows.
    path = write(tmp_path, "r.tsv", 'a "quoted\tthing\u0085 here  \t1\nbad one\t0\nfine\t1\n')
    ds = load_reviews(path, has_header=False)
    assert len(ds) == 3
    assert ds["label"] == [1, 0, 1]
    assert ds["text"][0].startswith('a "quoted\tthing')


def test_jsonl(tmp_path):
    lines = [json.dumps({"text": "good", "label": 1}), json.dumps({"text": "bad", "label": 0})]
    ds = load_reviews(write(tmp_path, "r.jsonl", "\n".join(lines) + "\n"))
    assert ds["label"] == [1, 0]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("r.csv", "review,label\ngood,1\nbad,0\n", "missing column 'text'"),
        ("r.csv", "text,label\ngood,1\n   ,0\n", "line 3: empty text"),
        ("r.csv", "text,label\ngood,1\nbad,2\n", "line 3: label '2' is not one of the two classes"),
        ("r.csv", "text,label\ngood,1\nfine,1\n", "a classifier needs both classes"),
        ("r.csv", "text,label\ngood,1,extra\n", "line 2: expected 2 fields"),
        ("r.jsonl", '{"text": "good", "label": 1}\n{"text": oops}\n', "line 2: malformed JSON"),
        ("r.csv", "", "the file is empty"),
        ("r.xlsx", "text,label\n", "unsupported file type"),
    ],
)
def test_bad_inputs_name_file_and_row(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(DataError) as err:
        load_reviews(path, strict=True)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_reviews(tmp_path / "missing.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DataError, match="not UTF-8"):
        load_reviews(binary)


def test_cleaning_steps_are_explicit():
    raw = "GREAT movie!<br /><br />Loved it :) see https://x.example.com &amp; \u201cwow\u201d \u2665"
    cleaned = clean_text(raw)
    assert "<br" not in cleaned and "http" not in cleaned and "\u2665" not in cleaned
    assert cleaned == cleaned.lower() and "great movie!" in cleaned
    kept = clean_text(raw, CleaningConfig(lowercase=False))
    assert kept.startswith("GREAT movie!")
    assert clean_text(raw, CleaningConfig.none()) == raw


def test_cleaning_that_empties_a_text_drops_it_or_is_an_error_when_strict(tmp_path):
    ds = load_reviews(write(tmp_path, "r.csv", "text,label\ngood,1\n\u2665\u2665,0\nbad,0\n"))
    assert clean_dataset(ds)["text"] == ["good", "bad"]
    with pytest.raises(DataError, match="row 3: no words .*empty after cleaning"):
        clean_dataset(ds, strict=True)


def test_split_is_stratified_seeded_and_disjoint():
    ds = prepare_dataset(SLICE, verbose=False, **OPTIONS)[0]
    a, b = split_dataset(ds, seed=42), split_dataset(ds, seed=42)
    sizes = {k: len(v) for k, v in a.items()}
    assert sizes == {"train": 397, "validation": 50, "test": 50}
    assert a["test"]["text"] == b["test"]["text"]
    assert a["test"]["text"] != split_dataset(ds, seed=7)["test"]["text"]
    parts = [set(a[k]["text"]) for k in ("train", "validation", "test")]
    assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
    share = Counter(ds["label"])[0] / len(ds)
    for part in a.values():
        assert abs(Counter(part["label"])[0] / len(part) - share) < 0.03  # the imbalance kept in every part


def test_split_refuses_tiny_classes(tmp_path):
    ds = load_reviews(write(tmp_path, "r.csv", "text,label\na,1\nb,1\nc,1\nd,0\ne,0\n"))
    with pytest.raises(DataError, match="at least 3 examples"):
        split_dataset(ds)


def test_tokenization_truncates_and_leaves_padding_to_the_collator():
    from coursekit.data import padding_collator, tokenize_splits
    from coursekit.models import load_tokenizer
    from coursekit.profiles import get_profile

    tok = load_tokenizer(get_profile("offline").model)
    splits = split_dataset(load_reviews(SLICE, **OPTIONS))
    encoded = tokenize_splits(splits, tok, max_length=16)
    lengths = [len(x) for x in encoded["train"]["input_ids"]]
    assert max(lengths) == 16 and min(lengths) < 16  # truncated, not padded
    assert set(encoded["train"].column_names) == {"label", "input_ids", "token_type_ids", "attention_mask"}
    batch = padding_collator(tok)([encoded["train"][i] for i in range(4)])
    assert batch["input_ids"].shape[1] == max(lengths[:4])


def test_scored_splits_go_shortest_first_and_keep_their_rows():
    from collections import Counter

    from coursekit.data import tokenize_splits
    from coursekit.data.tokenization import shortest_first
    from coursekit.models import load_tokenizer
    from coursekit.profiles import get_profile

    tok = load_tokenizer(get_profile("offline").model)
    encoded = tokenize_splits(split_dataset(load_reviews(SLICE, **OPTIONS)), tok, max_length=64)["validation"]
    ordered = shortest_first(encoded)
    lengths = [len(x) for x in ordered["input_ids"]]
    assert lengths == sorted(lengths) and lengths != [len(x) for x in encoded["input_ids"]]
    as_rows = lambda d: Counter((tuple(r["input_ids"]), r["label"]) for r in d)  # noqa: E731
    assert as_rows(ordered) == as_rows(encoded)  # the same reviews with their labels, reordered
