"""Shared pieces of the evaluation tests: an untrained classifier folder, toy reviews."""
from __future__ import annotations

import csv
from pathlib import Path

POSITIVE_WORDS = ["great", "lovely", "excellent", "superb", "fantastic", "wonderful", "perfect", "brilliant"]
NEGATIVE_WORDS = ["awful", "terrible", "broken", "horrible", "useless", "dreadful", "poor", "disappointing"]
TOPICS = ["phone", "charger", "pasta", "service", "film", "plot", "headset", "waiter"]


def toy_reviews(n: int, seed: int = 0) -> dict[str, list]:
    """``n`` short reviews whose sentiment words decide the label, with a ``domain`` column."""
    import random

    rng = random.Random(seed)
    rows = {"text": [], "label": [], "domain": []}
    for i in range(n):
        label = i % 2
        words = POSITIVE_WORDS if label else NEGATIVE_WORDS
        topic = rng.choice(TOPICS)
        text = f"The {topic} was {rng.choice(words)}" + (f" and {rng.choice(words)}" if rng.random() < 0.5 else "")
        rows["text"].append(text + ".")
        rows["label"].append(label)
        rows["domain"].append("shop" if topic in ("phone", "charger", "headset") else "other")
    return rows


def write_csv(path: Path, rows: dict[str, list], label_words: bool = True) -> Path:
    """Write ``rows`` as a CSV with ``positive``/``negative`` labels (the project's format)."""
    names = list(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for values in zip(*rows.values()):
            record = dict(zip(names, values))
            if label_words:
                record["label"] = "positive" if record["label"] == 1 else "negative"
            writer.writerow([record[n] for n in names])
    return path


def save_untrained_classifier(folder: Path) -> Path:
    """The offline MiniLM with a fresh NEGATIVE/POSITIVE head, saved as training saves a model."""
    from coursekit.models import load_classifier, load_tokenizer
    from coursekit.profiles import offline_model_path

    base = offline_model_path()
    load_classifier(base).save_pretrained(folder)
    load_tokenizer(base).save_pretrained(folder)
    return folder
