"""A ``transformers`` sentiment pipeline on the tier's model (or a fine-tuned folder)."""
from __future__ import annotations


def sentiment_pipeline(model_name: str):
    """``pipeline("text-classification")`` with NEGATIVE/POSITIVE labels.

    On a pre-trained encoder the 2-class head is freshly initialised, so its answers are
    no better than a coin toss: that is exactly what fine-tuning (Part 2) fixes.
    """
    from transformers import pipeline

    from ..models import load_classifier, load_tokenizer
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()
    return pipeline("text-classification", model=load_classifier(model_name), tokenizer=load_tokenizer(model_name),
                    device=-1)
