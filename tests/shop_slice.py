"""A small slice of the course's real shop export for tests: the file, and how to read it.

``tests/data/shop_reviews_first600.csv`` holds the export's first 600 data rows byte for
byte (497 usable reviews, 52 negative; see ``tests/data/README.md``). Under its own name
the loader does not know it is the shop's export, so tests pass the columns and the
star map, as a user with the raw export would.
"""
from __future__ import annotations

from pathlib import Path

SLICE = Path(__file__).parent / "data" / "shop_reviews_first600.csv"
STARS = "1=0,2=0,3=skip,4=1,5=1"
OPTIONS = {"text_column": "Review Text", "label_column": "Rating", "label_map": STARS}
CLI_OPTIONS = ["--data", str(SLICE), "--text-column", "Review Text", "--label-column", "Rating", "--label-map", STARS]


def slice_texts(n: int = 40) -> tuple[list[str], list[int]]:
    """The first ``n`` reviews of the slice with text and a 1-2 or 4-5 star rating, as written, with 0/1 labels."""
    with open(SLICE, newline="", encoding="utf-8") as handle:
        return _labelled(handle, n)


def export_texts(n: int) -> tuple[list[str], list[int]]:
    """As :func:`slice_texts`, from the whole shipped export: for tests that need more than the slice's 497."""
    import io

    from coursekit.data.shop import original_bytes

    return _labelled(io.StringIO(original_bytes().decode("utf-8"), newline=""), n)


def _labelled(handle, n: int) -> tuple[list[str], list[int]]:
    import csv

    texts, labels = [], []
    for row in csv.DictReader(handle):
        text, stars = row["Review Text"].strip(), row["Rating"]
        if text and stars != "3":
            texts.append(text)
            labels.append(1 if stars in ("4", "5") else 0)
        if len(texts) == n:
            break
    return texts, labels
