"""Loading, cleaning and splitting, with the bad inputs students actually produce."""
from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from coursekit.data import CleaningConfig, clean_dataset, clean_text, load_reviews, prepare_dataset, split_dataset
from coursekit.errors import DataError
from coursekit.profiles import sample_reviews_path

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample_reviews", ROOT / "scripts" / "make_sample_reviews.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_reviews_are_exactly_what_the_seeded_generator_writes():
    generator = _generator()
    assert sample_reviews_path().read_text(encoding="utf-8") == generator.render(generator.build_rows())


def test_sample_reviews_meet_the_data_card():
    ds = load_reviews(sample_reviews_path(), strict=True)  # the course's own file has no junk rows
    rows = ds.to_pandas()
    assert len(rows) == 1000 and Counter(ds["label"]) == {0: 500, 1: 500}
    assert rows.groupby(["domain", "label"]).size().tolist() == [100] * 10  # 5 domains, balanced in each
    assert set(ds["style"]) == {"plain", "long", "short", "contrast", "negation", "lukewarm", "sarcastic",
                                "domain_word", "informal"}
    sarcastic = rows[(rows["style"] == "sarcastic") & (rows["label_noise"] == "no")]
    assert set(sarcastic["label"]) == {0, 1}  # sarcasm in both directions
    noisy = rows[rows["label_noise"] == "yes"]
    assert len(noisy) == 30 and Counter(noisy["label"]) == {0: 15, 1: 15}  # 3% flipped, balanced
    stars = rows["stars"].astype(int)
    assert ((stars >= 4) == (rows["label"] == 1)).all()  # the label follows the rating, as in shops
    assert {2, 4} <= set(stars[rows["style"] == "lukewarm"])
    words = rows["text"].str.split().str.len()
    assert words.min() <= 2 and words.max() >= 40
    cleaned, report = prepare_dataset(sample_reviews_path(), strict=True)  # no duplicates, even once cleaned
    assert len(cleaned) == 1000 and report.clean
    card = (ROOT / "coursekit" / "data" / "DATA_CARD.md").read_text(encoding="utf-8")
    for style, n in Counter(ds["style"]).items():
        assert f"| `{style}` | {n} (" in card, f"the data card's style table does not say {style}: {n}"
    assert "30 of the 1,000 labels (3%" in card


def test_sample_reviews_are_not_trivially_separable():
    """Issue 12.1: a bag of words must not solve the offline tier's data (it scored 0.988 before)."""
    import numpy as np

    from coursekit.evaluation.baseline import make_baseline

    splits = split_dataset(clean_dataset(load_reviews(sample_reviews_path())), seed=42)
    baseline = make_baseline().fit(splits["train"]["text"], splits["train"]["label"])
    accuracy = float(np.mean(baseline.predict(splits["test"]["text"]) == np.array(splits["test"]["label"])))
    assert 0.70 <= accuracy <= 0.85, accuracy


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
    ds = load_reviews(sample_reviews_path())
    a, b = split_dataset(ds, seed=42), split_dataset(ds, seed=42)
    sizes = {k: len(v) for k, v in a.items()}
    assert sizes == {"train": 800, "validation": 100, "test": 100}
    assert a["test"]["text"] == b["test"]["text"]
    assert a["test"]["text"] != split_dataset(ds, seed=7)["test"]["text"]
    parts = [set(a[k]["text"]) for k in ("train", "validation", "test")]
    assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
    for part in a.values():
        counts = Counter(part["label"])
        assert abs(counts[0] - counts[1]) <= 1


def test_split_refuses_tiny_classes(tmp_path):
    ds = load_reviews(write(tmp_path, "r.csv", "text,label\na,1\nb,1\nc,1\nd,0\ne,0\n"))
    with pytest.raises(DataError, match="at least 3 examples"):
        split_dataset(ds)


def test_tokenization_truncates_and_leaves_padding_to_the_collator():
    from coursekit.data import padding_collator, tokenize_splits
    from coursekit.models import load_tokenizer
    from coursekit.profiles import get_profile

    tok = load_tokenizer(get_profile("offline").model)
    splits = split_dataset(load_reviews(sample_reviews_path()))
    encoded = tokenize_splits(splits, tok, max_length=16)
    lengths = [len(x) for x in encoded["train"]["input_ids"]]
    assert max(lengths) == 16 and min(lengths) < 16  # truncated, not padded
    assert set(encoded["train"].column_names) == {"label", "input_ids", "token_type_ids", "attention_mask"}
    batch = padding_collator(tok)([encoded["train"][i] for i in range(4)])
    assert batch["input_ids"].shape[1] == max(lengths[:4])
