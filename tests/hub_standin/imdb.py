"""An IMDB-shaped ``stanfordnlp/imdb``, prepared in the ``datasets`` cache.

Shape of the real data set: splits ``train`` / ``test`` (labelled) and ``unsupervised``
(label -1), features ``text`` (string) and ``label`` (``ClassLabel(names=["neg", "pos"])``),
reviews of several paragraphs joined by ``<br /><br />``, some longer than 512 tokens.
The texts are real customer reviews, from the course's shop export (CC0, shipped in
``coursekit/data``): one per text (the long ones: 40-50 of the same sentiment, one per
paragraph); nothing is composed or downloaded. Small sizes. It is test scaffolding (CI runs the full tier against it);
students on the full tier load the real IMDB.

An offline ``load_dataset("stanfordnlp/imdb")`` does not read raw files from the Hub
cache: it reloads what ``datasets`` prepared on an earlier online run, from
``$HF_DATASETS_CACHE/stanfordnlp___imdb/plain_text/0.0.0/<commit>/``. This module
prepares exactly that folder (with the ``parquet`` builder the Hub's data set uses).
"""
from __future__ import annotations

import csv
import functools
import gzip
import io
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .layout import revision

REPO_ID = "stanfordnlp/imdb"
CONFIG_NAME = "plain_text"  # the real data set's only configuration
BREAK = "<br /><br />"
# Reviews whose stars and "would recommend" agree and leave no doubt: the stand-in's DistilBERT (a
# MiniLM in DistilBERT's clothes) must learn them in a few dozen steps at the assignment's 2e-5.
CLEAR_CUT = {1: ("5", "1"), 0: ("1", "0")}  # label -> (Rating, Recommended IND)


@dataclass(frozen=True)
class ImdbSizes:
    # The course merges train + test and re-splits 80/10/10: 400 training reviews, 75 steps over 3 epochs.
    train: int = 250
    test: int = 250
    unsupervised: int = 20
    # Reviews far beyond 512 tokens (truncation must be honoured), as in the real test split. One is enough:
    # on a CPU a batch padded to 512 tokens costs as much as a dozen others and ~6 GB of memory.
    long_in_test: int = 1


@functools.lru_cache(maxsize=1)
def _sample_sentences() -> dict[int, list[str]]:
    """Clear-cut real reviews of the shop export, by label (1-star not recommended; 5-star recommended)."""
    export = Path(__file__).resolve().parents[2] / "coursekit" / "data" / "womens_clothing_reviews.csv.gz"
    text = gzip.decompress(export.read_bytes()).decode("utf-8")
    by_label: dict[int, list[str]] = {0: [], 1: []}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        review = " ".join((row["Review Text"] or "").split())
        for label, (stars, recommended) in CLEAR_CUT.items():
            if review and row["Rating"] == stars and row["Recommended IND"] == recommended:
                by_label[label].append(review)
    return by_label


def make_reviews(n: int, rng: random.Random, n_long: int, seen: set[str]) -> tuple[list[str], list[int]]:
    """``n`` unique reviews, balanced labels, paragraphs joined by ``<br /><br />``."""
    sentences = _sample_sentences()
    texts, labels = [], []
    while len(texts) < n:
        label = len(texts) % 2
        long = len(texts) < n_long
        parts = rng.randint(40, 50) if long else 1  # real reviews are long enough: one each keeps CI fast
        text = BREAK.join(rng.sample(sentences[label], parts))
        if text not in seen:
            seen.add(text)
            texts.append(text)
            labels.append(label)
    order = list(range(n))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


def build_imdb(datasets_cache: Path, sizes: ImdbSizes = ImdbSizes(), seed: int = 0) -> Path:
    """Prepare the data set in ``datasets_cache`` (what ``HF_DATASETS_CACHE`` will name); returns its folder."""
    import datasets
    from datasets.packaged_modules.parquet.parquet import Parquet

    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["neg", "pos"])})
    rng, seen = random.Random(seed), set()
    rev = revision(REPO_ID)
    with tempfile.TemporaryDirectory(prefix="imdb-standin-") as scratch:
        files = {}
        for split in ("train", "test", "unsupervised"):
            n_long = sizes.long_in_test if split in ("test", "unsupervised") else 0
            texts, labels = make_reviews(getattr(sizes, split), rng, n_long, seen)
            if split == "unsupervised":
                labels = [-1] * len(labels)
            path = Path(scratch) / f"{split}-00000-of-00001.parquet"
            datasets.Dataset.from_dict({"text": texts, "label": labels}, features=features).to_parquet(str(path))
            files[split] = [str(path)]
        builder = Parquet(cache_dir=str(Path(scratch) / "cache"), dataset_name="imdb", config_name=CONFIG_NAME,
                          data_files=files, hash=rev, features=features)
        builder.download_and_prepare()
        target = Path(datasets_cache) / f"{REPO_ID.replace('/', '___')}" / CONFIG_NAME / "0.0.0" / rev
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(builder.cache_dir, target)
    return target
