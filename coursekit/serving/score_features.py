"""What the monitor needs to know about a text without keeping the text: derived features.

Computed from the tokenizer's encoding the model ran on (no second tokenization), the
same way at training (the reference profile, :mod:`coursekit.monitoring.reference`) and
in the scoring script, so the two can be compared. Part of the endpoint's code folder:
imports nothing from ``coursekit``.

Per text (as the model saw it, after the cleaning training used): ``chars``, ``words`` (runs of letters), ``pieces`` (the
tokenizer's word pieces the model saw, special tokens left out), ``unk`` (how many of
them are the unknown token), ``truncated`` (the text was longer than the model reads).
"""
from __future__ import annotations

import re

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def words_of(text: str) -> list[str]:
    """Lower-case words (letters, with an inner apostrophe): the unit of vocabulary drift."""
    return WORD.findall(text.lower())


def text_features(text: str, encoding, unk_id: int | None, special_ids: frozenset) -> dict:
    """The derived features of one text from its ``tokenizers.Encoding``."""
    ids = [i for i, mask in zip(encoding.ids, encoding.attention_mask) if mask and i not in special_ids]
    return {"chars": len(text), "words": len(words_of(text)), "pieces": len(ids),
            "unk": sum(1 for i in ids if i == unk_id) if unk_id is not None else 0,
            "truncated": bool(encoding.overflowing)}


def special_token_ids(tokenizer) -> tuple[int | None, frozenset]:
    """(the unknown token's id, the ids of the special tokens) of a ``tokenizers.Tokenizer``."""
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    unk = next((vocab[t] for t in ("[UNK]", "<unk>", "<UNK>") if t in vocab), None)
    model = getattr(tokenizer, "model", None)
    if getattr(model, "unk_token", None) in vocab:
        unk = vocab[model.unk_token]
    names = ("[CLS]", "[SEP]", "[PAD]", "[MASK]", "<s>", "</s>", "<pad>", "<mask>")
    return unk, frozenset(vocab[t] for t in names if t in vocab)
