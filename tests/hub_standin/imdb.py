"""An IMDB-shaped ``stanfordnlp/imdb``, prepared in the ``datasets`` cache.

Shape of the real data set: splits ``train`` / ``test`` (labelled) and ``unsupervised``
(label -1), features ``text`` (string) and ``label`` (``ClassLabel(names=["neg", "pos"])``),
reviews of several paragraphs joined by ``<br /><br />``, some longer than 512 tokens.
The texts are built from film sentences written here and the project's own sample reviews
(no downloaded text); small sizes.

An offline ``load_dataset("stanfordnlp/imdb")`` does not read raw files from the Hub
cache: it reloads what ``datasets`` prepared on an earlier online run, from
``$HF_DATASETS_CACHE/stanfordnlp___imdb/plain_text/0.0.0/<commit>/``. This module
prepares exactly that folder (with the ``parquet`` builder the Hub's data set uses).
"""
from __future__ import annotations

import csv
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .layout import revision

REPO_ID = "stanfordnlp/imdb"
CONFIG_NAME = "plain_text"  # the real data set's only configuration
BREAK = "<br /><br />"
# Sample-review styles used (sarcasm is left out: its words say the opposite of its label, too hard for the
# stand-in to learn in a few dozen steps at the assignment's 2e-5). Each review is one or two of them, with a
# few film sentences: a bag of words must not separate them perfectly, or lesson 03's comparison of
# fine-tuning with TF-IDF on the full tier means nothing (with whole clear-cut reviews it scored 0.996).
CLEAR_STYLES = {"plain", "short", "long", "contrast", "negation", "lukewarm", "informal", "domain_word"}


@dataclass(frozen=True)
class ImdbSizes:
    # The course merges train + test and re-splits 80/10/10: 400 training reviews, 75 steps over 3 epochs, enough
    # for lesson 02's model to read both clear-cut reviews (after 200 it called the negative one positive).
    train: int = 250
    test: int = 250
    unsupervised: int = 20
    # Reviews far beyond 512 tokens (truncation must be honoured), as in the real test split. One is enough:
    # on a CPU a batch padded to 512 tokens costs as much as a dozen others and ~6 GB of memory.
    long_in_test: int = 1


# IMDB reviews are about films: sentences made from these, beside the sample (product) reviews.
_SUBJECTS = ["The plot", "The acting", "The script", "The soundtrack", "The ending", "The cast", "The dialogue",
             "The direction", "The camera work", "This film", "The lead actress", "The sequel"]
_WORDS = {1: ["wonderful", "brilliant", "fantastic", "superb", "excellent", "moving", "delightful", "gripping",
              "beautiful", "hilarious"],
          0: ["terrible", "awful", "boring", "dreadful", "dull", "horrible", "painful", "pointless", "stupid",
              "laughable"]}
_VERDICTS = {1: ["I would watch it again.", "Highly recommended.", "A must see.", "Ten out of ten.",
                 "I loved every minute."],
             0: ["Do not waste your time.", "Avoid it.", "One of the worst films I have seen.",
                 "I want those two hours back.", "I walked out."]}


def _film_sentences(label: int) -> list[str]:
    return ([f"{subject} was {word}." for subject in _SUBJECTS for word in _WORDS[label]]
            + _VERDICTS[label])


def _sample_sentences() -> dict[int, list[str]]:
    root = Path(__file__).resolve().parents[2]
    by_label: dict[int, list[str]] = {0: [], 1: []}
    with open(root / "coursekit" / "data" / "sample_reviews.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["style"] in CLEAR_STYLES:
                by_label[1 if row["label"] == "positive" else 0].append(row["text"])
    for label in (0, 1):  # a few film sentences among them: IMDB reviews are about films
        by_label[label] += _film_sentences(label)[::6]
    return by_label


def make_reviews(n: int, rng: random.Random, n_long: int, seen: set[str]) -> tuple[list[str], list[int]]:
    """``n`` unique reviews, balanced labels, paragraphs joined by ``<br /><br />``."""
    sentences = _sample_sentences()
    texts, labels = [], []
    while len(texts) < n:
        label = len(texts) % 2
        long = len(texts) < n_long
        parts = rng.randint(40, 50) if long else rng.randint(1, 2)
        paragraphs = rng.sample(sentences[label], parts)
        text = BREAK.join(" ".join(paragraphs[i:i + 2]) for i in range(0, parts, 2))
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
