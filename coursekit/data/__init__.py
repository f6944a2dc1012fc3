"""Stage 1 of the pipeline: load, clean, split and tokenize labelled reviews."""
from .cleaning import CleaningConfig, clean_text
from .loading import load_reviews
from .splitting import split_dataset
from .tokenization import padding_collator, padding_stats, tokenize_splits


def clean_dataset(dataset, config: CleaningConfig | None = None):
    """Apply :func:`clean_text` to the ``text`` column; rows left empty raise DataError."""
    from ..errors import DataError

    cleaned = dataset.map(lambda batch: {"text": [clean_text(t, config) for t in batch["text"]]},
                          batched=True, desc="Cleaning")
    empty = [i for i, t in enumerate(cleaned["text"]) if not t]
    if empty:
        raise DataError(f"{len(empty)} text(s) are empty after cleaning (first at row {empty[0] + 1}); "
                        "relax the cleaning options or fix the data")
    return cleaned


__all__ = ["CleaningConfig", "clean_text", "clean_dataset", "load_reviews", "split_dataset",
           "tokenize_splits", "padding_collator", "padding_stats"]
