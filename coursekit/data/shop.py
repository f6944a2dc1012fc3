"""The course's own data: a real clothing shop's review export (CC0), shipped gzip-compressed.

"Women's E-Commerce Clothing Reviews" (Kaggle, nicapotato, 2018; CC0 public domain):
23,486 customer reviews of an online shop with star rating, "would recommend",
reviewer age, department and product class, and the junk a real export holds. The
package holds the original file byte for byte, gzip-compressed (see ``DATA_CARD.md``).

Read as it is, the export needs three choices that the course makes for it unless told
otherwise (:func:`read_options`): the text is the review's ``Title`` and ``Review Text``
joined (``"Title + Review Text"``: the title often says the sentiment in a few words;
``benchmarks/RESULTS.md`` has the measurement), the label is ``Rating``, and the stars
become labels with ``1=0,2=0,3=skip,4=1,5=1`` (1-2 stars unhappy, 3 stars left out and
counted, 4-5 happy). ``label_column="Recommended IND"`` (already 0/1) is the
other label the export offers.
"""
from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from ..paths import SHOP_FILE, is_shop_export, shop_reviews_path  # noqa: F401 - the data stage's names for them

ORIGINAL_NAME = "Womens Clothing E-Commerce Reviews.csv"
ORIGINAL_SHA256 = "bd93cc515747ad1f87b8bc863c9e40da758509e6db6506a96d06976e61e36ee0"
TEXT_COLUMN = "Review Text"
TITLE_COLUMN = "Title"
DEFAULT_TEXT = f"{TITLE_COLUMN} + {TEXT_COLUMN}"  # the title, then the review (coursekit.data.loading.text_columns)
LABEL_COLUMN = "Rating"
RECOMMENDED_COLUMN = "Recommended IND"
STARS_TO_LABELS = "1=0,2=0,3=skip,4=1,5=1"
SLICE_COLUMNS = ("Department Name", "Age")  # what lesson 03's bias audit slices by
# Real reviews from the export, quoted as written (its line in the file), for help texts and examples.
EXAMPLE_POSITIVE = "This dress is perfection! so pretty and flattering."  # line 13, 5 stars, recommended
EXAMPLE_NEGATIVE = "Material is too thin and quality is poor"  # line 3779, 1 star, not recommended


def read_options(source, text_column: str | None = None, label_column: str | None = None,
                 label_map=None) -> dict:
    """The columns and label map to read ``source`` with: the caller's, else the data's own.

    For the shipped export, ``text``/``label`` (the generic defaults, which it has no
    columns of) mean ``Title + Review Text``/``Rating``, and the ``Rating`` column comes with
    :data:`STARS_TO_LABELS` unless a label map is given. Any other source: ``text``/``label``.
    """
    shop = is_shop_export(source)
    text = text_column if text_column not in (None, "", "text") or not shop else DEFAULT_TEXT
    label = label_column if label_column not in (None, "", "label") or not shop else LABEL_COLUMN
    if shop and label == LABEL_COLUMN and not label_map:
        label_map = STARS_TO_LABELS
    return {"text_column": text or "text", "label_column": label or "label", "label_map": label_map or None}


def original_bytes() -> bytes:
    """The export as published (the gzip's content)."""
    return gzip.decompress(shop_reviews_path().read_bytes())


def original_sha256() -> str:
    return hashlib.sha256(original_bytes()).hexdigest()


def review_texts(limit: int, offset: int = 0) -> list[str]:
    """Review texts as customers wrote them (uncleaned, non-empty), in file order from data row ``offset``."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(original_bytes().decode("utf-8"), newline=""))
    texts = []
    for i, row in enumerate(reader):
        text = (row.get(TEXT_COLUMN) or "").strip()
        if i >= offset and text:
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts
