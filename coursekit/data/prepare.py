"""Load, clean and de-duplicate a data source in one call, with one report of what was dropped."""
from __future__ import annotations

from pathlib import Path

from ..defaults import DEFAULT_SEED
from .cleaning import CleaningConfig, clean_text
from .quality import deduplicate, drop_wordless
from .report import DataReport


def clean_dataset(dataset, config: CleaningConfig | None = None, *, strict: bool = False,
                  report: DataReport | None = None):
    """Apply :func:`clean_text` to the ``text`` column and drop rows left with no words.

    The drops are counted in ``report`` (printed when no report is passed);
    ``strict=True`` makes such a row an error instead.
    """
    own_report = report is None
    report = report if report is not None else DataReport(source="data", rows_read=len(dataset), strict=strict)
    originals = list(dataset["text"])
    cleaned = dataset.map(lambda batch: {"text": [clean_text(t, config) for t in batch["text"]]},
                          batched=True, desc="Cleaning")
    cleaned = drop_wordless(cleaned, report, strict, originals=originals)
    report.rows_kept = len(cleaned)
    if own_report:
        report.print()
    return cleaned


def prepare_dataset(source: str | Path, text_column: str = "text", label_column: str = "label", clean: bool = True,
                    max_samples: int | None = None, seed: int = DEFAULT_SEED, has_header: bool = True, *,
                    strict: bool = False, label_map=None, cleaning: CleaningConfig | None = None,
                    deduplicate_texts: bool = True, verbose: bool = True):
    """``(dataset, report)``: :func:`load_reviews`, then cleaning (unless ``clean=False``),
    then rows with no words and duplicate or conflicting texts dropped.

    ``report`` (:class:`DataReport`, ``to_dict()`` for JSON) counts every kind of row
    dropped or repaired, with examples; ``verbose`` prints it when anything happened.
    ``strict=True`` (``--strict``) makes each kind an error instead. ``deduplicate_texts=False``
    keeps duplicates (evaluating a whole file: every row counts; training and splitting
    always de-duplicate).
    """
    from .loading import load_reviews

    report = DataReport(strict=strict)
    dataset = load_reviews(source, text_column=text_column, label_column=label_column, label_map=label_map,
                           has_header=has_header, max_samples=max_samples, seed=seed, strict=strict, report=report)
    if clean:
        dataset = clean_dataset(dataset, cleaning, strict=strict, report=report)
    else:
        dataset = drop_wordless(dataset, report, strict)
    if deduplicate_texts:
        dataset = deduplicate(dataset, report, strict)
    report.rows_kept = len(dataset)
    if verbose:
        report.print()
    return dataset, report
