"""A seeded, stratified sample of a data set, and the rows it leaves out.

The offline tier trains on a sample of the shop's reviews that fits a CPU; the rest of
the export stays unseen by training, which makes it the cheapest honest test set there
is: scoring a review costs a few milliseconds. Sample and rest depend only on the labels
and the seed, so the same call on the same data always draws the same rows.
"""
from __future__ import annotations

from ..errors import DataError
from .quality import column
from .report import DataReport
from ..defaults import DEFAULT_SEED


def sample_indices(labels, n: int | None, seed: int = DEFAULT_SEED) -> tuple[list[int], list[int]]:
    """(sample, rest): sorted positions of a stratified sample of ``n`` rows, and of the others.

    ``n`` of ``None`` or 0, or at least the number of rows, keeps every row. Each class
    keeps its share (rounded); a class too small to stratify falls back to a seeded
    shuffle.
    """
    labels = list(labels)
    everything = list(range(len(labels)))
    if not n or n >= len(labels):
        return everything, []
    if n < 2:
        raise DataError(f"--max-samples {n}: a sample needs at least 2 rows (0 uses every row)")
    from sklearn.model_selection import train_test_split

    try:
        kept, _ = train_test_split(everything, train_size=n, stratify=labels, random_state=seed)
    except ValueError:  # a class with a single row cannot be stratified
        import random

        kept = random.Random(seed).sample(everything, n)
    chosen = set(kept)
    return sorted(chosen), [i for i in everything if i not in chosen]


def stratified_sample(dataset, n: int | None, seed: int = DEFAULT_SEED, report: DataReport | None = None,
                      label_column: str = "label"):
    """``dataset`` cut to a stratified sample of ``n`` rows (in their original order); the rows
    left out are counted in ``report`` as ``not_sampled``."""
    if not n or n >= len(dataset):
        return dataset
    kept, rest = sample_indices(column(dataset, label_column), n, seed)
    if not rest:
        return dataset
    if report is not None:
        report.count("not_sampled", len(rest))
    return dataset.select(kept)


def outside_sample(dataset, n: int | None, seed: int = DEFAULT_SEED, label_column: str = "label"):
    """The rows of ``dataset`` that :func:`stratified_sample` with the same ``n`` and ``seed`` leaves out."""
    _, rest = sample_indices(column(dataset, label_column), n, seed)
    return dataset.select(rest)
