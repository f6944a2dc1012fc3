"""Stage 1 of the pipeline: load, clean, split and tokenize labelled reviews."""
from .cleaning import CleaningConfig, clean_text
from .labelmap import parse_label_map
from .loading import load_reviews
from .prepare import clean_dataset, prepare_dataset
from .quality import deduplicate, drop_wordless
from .report import DataReport
from .sampling import outside_sample, stratified_sample
from .shop import shop_reviews_path
from .splitting import split_dataset
from .tokenization import padding_collator, padding_stats, tokenize_splits

__all__ = ["CleaningConfig", "clean_text", "clean_dataset", "load_reviews", "split_dataset", "prepare_dataset",
           "DataReport", "parse_label_map", "deduplicate", "drop_wordless",
           "tokenize_splits", "padding_collator", "padding_stats", "stratified_sample", "outside_sample",
           "shop_reviews_path"]
