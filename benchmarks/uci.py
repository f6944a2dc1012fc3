"""Read the public UCI 'Sentiment Labelled Sentences' files by path (never copied in).

Used by the benchmarks only. The files sit in ``../shared/data`` beside the project
(or ``$COURSEKIT_SHARED_DATA``). ``coursekit.data.load_reviews`` handles their pitfalls:
header-less ``text<TAB>label``, split on "\\n" only (U+0085 inside texts), no quoting
(a stray quote), text stripped (imdb's trailing spaces).
"""
from __future__ import annotations

import os
from pathlib import Path

UCI_FILES = {"amazon": "amazon_cells_labelled.txt", "yelp": "yelp_labelled.txt", "imdb": "imdb_labelled.txt"}


def shared_data_dir() -> Path:
    env = os.environ.get("COURSEKIT_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def load_uci(data_dir: Path | None = None):
    """The three UCI files as one Dataset with a ``domain`` column (amazon / yelp / imdb)."""
    import datasets

    from coursekit.data import load_reviews

    folder = (data_dir or shared_data_dir()) / "uci-sentiment-labelled-sentences"
    parts = []
    for domain, name in UCI_FILES.items():
        part = load_reviews(folder / name, has_header=False)
        parts.append(part.add_column("domain", [domain] * len(part)))
    return datasets.concatenate_datasets(parts)


def load_sst2_dev(data_dir: Path | None = None):
    """SST-2 validation (872 sentences), the out-of-domain check."""
    from coursekit.data import load_reviews

    return load_reviews((data_dir or shared_data_dir()) / "sst2-dev" / "dev.tsv", text_column="sentence")
