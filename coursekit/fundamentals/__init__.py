"""Part 1 demos: one runnable look at each architecture of the application task.

- legal summarization with BERT (an encoder): :func:`summarize_extractive`
- sentiment analysis: :func:`sentiment_pipeline`
- image captioning with ViT + GPT-2: :mod:`coursekit.fundamentals.captioning`
"""
from .captioning import build_captioner, caption_image, fine_tune_captioner, make_demo_image
from .parameters import parameter_report
from .sentiment import sentiment_pipeline
from .summarize import split_sentences, summarize_extractive

__all__ = ["parameter_report", "summarize_extractive", "split_sentences", "sentiment_pipeline", "build_captioner",
           "caption_image", "fine_tune_captioner", "make_demo_image"]
