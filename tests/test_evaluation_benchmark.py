"""benchmarks/evaluate_uci.py --quick on the shared UCI and SST-2 files (skipped where they are absent)."""
from __future__ import annotations

import json
import sys

import pytest


from benchmarks.uci import shared_data_dir

DATA = shared_data_dir()
needs_data = pytest.mark.skipif(
    not (DATA / "uci-sentiment-labelled-sentences" / "imdb_labelled.txt").is_file()
    or not (DATA / "sst2-dev" / "dev.tsv").is_file(),
    reason=f"the shared UCI / SST-2 files are not at {DATA}",
)


@needs_data
def test_uci_reader_handles_the_pitfalls():
    from benchmarks.evaluate_uci import drop_duplicates
    from benchmarks.uci import load_uci

    uci = load_uci(DATA)
    assert len(uci) == 3000  # U+0085 inside imdb texts does not split rows; the stray quote is kept
    assert sorted(set(uci["domain"])) == ["amazon", "imdb", "yelp"]
    assert sum(uci["label"]) == 1500
    assert not any(t != t.strip() for t in uci["text"])
    assert len(drop_duplicates(uci)) == 3000 - 17


@pytest.mark.slow
@needs_data
def test_quick_benchmark_writes_every_target(tmp_path, capsys):
    from benchmarks.evaluate_uci import main

    out = tmp_path / "evaluate_uci.json"
    assert main(["--quick", "--output", str(out)]) == 0
    report = json.loads(out.read_text())
    cv = report["cross_validation"]
    assert report["k"] == 2 and report["quick"] is True
    for name in ("finetuned", "tfidf_logreg"):
        assert set(cv[name]["summary"]["accuracy"]) == {"mean", "std"}
        assert set(cv[name]["per_domain"]) == {"amazon", "imdb", "yelp", "all"}
        assert sum(cv[name]["per_domain"][d]["n"] for d in ("amazon", "imdb", "yelp")) == 60
        drop = report["out_of_domain"][name]
        assert drop["accuracy_drop"] == pytest.approx(drop["uci_test"]["accuracy"] - drop["sst2_dev"]["accuracy"])
    assert report["out_of_domain"]["sizes"]["sst2"] == 48
    printed = capsys.readouterr().out
    assert "per-domain accuracy" in printed and "SST-2" in printed
