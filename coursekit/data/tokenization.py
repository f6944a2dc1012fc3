"""Tokenize splits with the model's own tokenizer: truncation now, padding per batch later."""
from __future__ import annotations


def tokenize_splits(splits, tokenizer, max_length: int = 256, pad_to_max_length: bool = False):
    """Add ``input_ids``/``attention_mask`` (and ``token_type_ids`` for BERT) to every split.

    By default nothing is padded here: :func:`padding_collator` pads each batch to its
    longest text (dynamic padding), which is much faster than padding every text to
    ``max_length``. ``pad_to_max_length=True`` reproduces the slow, literal setup.
    """
    def encode(batch):
        return tokenizer(
            batch["text"],
            truncation=True,
            max_length=max_length,
            padding="max_length" if pad_to_max_length else False,
        )

    keep = {"label"}
    return splits.map(
        encode,
        batched=True,
        remove_columns=[c for c in next(iter(splits.values())).column_names if c not in keep],
        desc="Tokenizing",
    )


def padding_collator(tokenizer, pad_to_multiple_of: int | None = None):
    """A collator that pads each batch to its own longest sequence."""
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer=tokenizer, pad_to_multiple_of=pad_to_multiple_of)
