"""Extractive summarization with a BERT sentence encoder.

BERT is an encoder: it reads text but does not write any. So "summarizing a legal
document with BERT" means *extractive* summarization: embed every sentence, score each
by how central it is to the document (cosine similarity to the mean embedding), and
keep the top sentences in their original order. Writing new text (abstractive
summaries) needs a decoder: T5, BART or a GPT-style model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?:(?<=[.!?;])|(?<=[.!?][)\"']))\s+(?=[A-Z(\"'])")


def split_sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation followed by a capital letter."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


@dataclass
class Summary:
    sentences: list[str]  # the chosen sentences, in document order
    scores: list[float]  # centrality of every sentence of the document
    all_sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


SENTENCE_TOKENS = 256  # all-MiniLM-L6-v2's own limit for one sentence (its sentence-transformers config)


def embed_sentences(sentences: list[str], model_name: str):
    """Mean-pooled, L2-normalised sentence embeddings (the all-MiniLM-L6-v2 recipe)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from ..models import from_hub

    tokenizer = from_hub(AutoTokenizer.from_pretrained, model_name)
    model = from_hub(AutoModel.from_pretrained, model_name, adapters=True)
    model.eval()
    batch = tokenizer(sentences, padding=True, truncation=True, max_length=SENTENCE_TOKENS, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def summarize_extractive(text: str, model_name: str, n_sentences: int = 2) -> Summary:
    """Keep the ``n_sentences`` most central sentences of ``text``."""
    sentences = split_sentences(text)
    if not sentences:
        raise ValueError("the text has no sentences to summarize")
    if len(sentences) <= n_sentences:
        return Summary(sentences, [1.0] * len(sentences), sentences)
    embeddings = embed_sentences(sentences, model_name)
    centroid = embeddings.mean(0, keepdim=True)
    scores = (embeddings @ centroid.T).squeeze(-1).tolist()
    keep = sorted(sorted(range(len(sentences)), key=lambda i: -scores[i])[:n_sentences])
    return Summary([sentences[i] for i in keep], scores, sentences)
