"""The stand-in's GPT-2 tokenizer: a tiny byte-level BPE, trained ONCE and committed.

``gpt2-tokenizer.json`` next to this file is the fixture. Training a BPE twice does not
give the same vocabulary (the trainer's tie-breaking varies between processes), so the
stand-in never trains: it reads the committed file. This module documents how the file
was made (``python tests/hub_standin/gpt2_tokenizer.py`` rewrites it) and derives the
``vocab.json`` / ``merges.txt`` pair that the real ``gpt2`` repository also ships.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

FIXTURE = Path(__file__).with_name("gpt2-tokenizer.json")
END_OF_TEXT = "<|endoftext|>"  # GPT-2's only special token: bos, eos and unk at once
VOCAB_SIZE = 1000  # the real gpt2 has 50,257; the architecture does not care


def _corpus() -> list[str]:
    """The first 2,000 real reviews of the course's shop export and the Part 1 captions (no downloaded text)."""
    root = Path(__file__).resolve().parents[2]
    export = root / "coursekit" / "data" / "womens_clothing_reviews.csv.gz"
    rows = csv.DictReader(io.StringIO(gzip.decompress(export.read_bytes()).decode("utf-8"), newline=""))
    texts = [row["Review Text"] for row in rows if row["Review Text"]][:2000]
    return texts + ["a yellow sun over a blue sea", "a photo of a cat", "a dog on a beach"]


def train() -> None:
    """Train the byte-level BPE the way GPT-2's is built, with its special token last (id = vocab size - 1)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE - 1, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tokenizer.train_from_iterator(_corpus(), trainer=trainer)
    tokenizer.add_special_tokens([END_OF_TEXT])
    tokenizer.save(str(FIXTURE))


def vocab_and_merges() -> tuple[dict, list[str]]:
    """``vocab.json`` content and ``merges.txt`` lines, read from the committed fixture."""
    model = json.loads(FIXTURE.read_text(encoding="utf-8"))["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    vocab = dict(model["vocab"])
    vocab.setdefault(END_OF_TEXT, len(vocab))
    return vocab, merges


def end_of_text_id() -> int:
    added = json.loads(FIXTURE.read_text(encoding="utf-8"))["added_tokens"]
    return next(t["id"] for t in added if t["content"] == END_OF_TEXT)


if __name__ == "__main__":
    train()
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size:,} bytes)")
