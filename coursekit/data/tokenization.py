"""Tokenize splits with the model's own tokenizer: truncation now, padding per batch later."""
from __future__ import annotations

from ..profiles import DEFAULT_MAX_LENGTH


def length_sorted_batches(texts, batch_size: int) -> list:
    """Row indices of ``texts`` in batches of similar lengths (shortest first), so each batch pads
    little; the caller writes results back by these indices to keep the original order."""
    import numpy as np

    order = np.argsort([len(t) for t in texts], kind="stable")
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def shortest_first(encoded):
    """A tokenized split ordered by length (stable), for scoring: each evaluation batch pads to its
    longest text, so one 512-token IMDB review among 63 short ones costs the batch 512 tokens a row.
    Scores over a split do not depend on its order; nothing may map the rows back by position."""
    lengths = [len(ids) for ids in encoded["input_ids"]]
    return encoded.select(sorted(range(len(lengths)), key=lengths.__getitem__))


def tokenize_splits(splits, tokenizer, max_length: int = DEFAULT_MAX_LENGTH, pad_to_max_length: bool = False):
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


def padding_stats(lengths, batch_size: int = 16, max_length: int = DEFAULT_MAX_LENGTH, group_by_length: bool = False) -> dict:
    """How many tokens each padding strategy computes on, for texts of ``lengths`` tokens.

    ``max_length``: every text padded to ``max_length`` (the literal setup).
    ``dynamic``: each batch padded to its own longest text (in the given order, or
    sorted by length when ``group_by_length``). ``real`` counts the non-pad tokens.
    """
    lengths = [min(int(n), max_length) for n in lengths]
    ordered = sorted(lengths) if group_by_length else lengths
    batches = [ordered[i:i + batch_size] for i in range(0, len(ordered), batch_size)]
    dynamic = sum(max(b) * len(b) for b in batches)
    padded = max_length * len(lengths)
    real = sum(lengths)
    return {"real_tokens": real, "dynamic_tokens": dynamic, "max_length_tokens": padded,
            "dynamic_waste": 1 - real / dynamic, "max_length_waste": 1 - real / padded,
            "speedup_bound": padded / dynamic}
