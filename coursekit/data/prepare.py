"""Load, clean, de-duplicate and sample a data source in one call, with one report that
accounts for every data row of the file."""
from __future__ import annotations

from pathlib import Path

from ..defaults import DEFAULT_SEED
from .cleaning import CleaningConfig, clean_text, markup_snippet
from .quality import column, deduplicate, drop_wordless, row_ids
from .report import DataReport
from .sampling import outside_sample, stratified_sample


def clean_dataset(dataset, config: CleaningConfig | None = None, *, strict: bool = False,
                  report: DataReport | None = None):
    """Apply :func:`clean_text` to the ``text`` column and drop rows left with no words.

    Rows whose markup was removed and rows dropped are counted in ``report`` (printed when
    no report is passed); ``strict=True`` without a report makes the first dropped row an
    error (a pipeline's strict report raises once its last stage has run).
    """
    own_report = report is None
    report = report if report is not None else DataReport(source="data", rows_read=len(dataset), strict=strict)
    config = config or CleaningConfig()
    originals = column(dataset, "text")
    if config.strip_html:
        for row, text in zip(row_ids(dataset), originals):
            snippet = markup_snippet(text)
            if snippet is not None:
                report.add("markup", row, snippet)
    order = dataset.column_names
    cleaned = dataset.remove_columns("text").add_column("text", [clean_text(t, config) for t in originals])
    cleaned = drop_wordless(cleaned.select_columns(order), report, originals=originals)
    report.rows_kept = len(cleaned)
    if own_report:
        report.check_strict()
        report.print()
    return cleaned


def prepare_dataset(source: str | Path, text_column: str | None = None, label_column: str | None = None,
                    clean: bool = True, max_samples: int | None = None, seed: int = DEFAULT_SEED, has_header: bool = True, *,
                    strict: bool = False, label_map=None, cleaning: CleaningConfig | None = None,
                    deduplicate_texts: bool = True, verbose: bool = True, outside: bool = False):
    """``(dataset, report)``: :func:`load_reviews`, then cleaning (unless ``clean=False``), then
    rows with no words and duplicate or conflicting texts dropped, then a seeded, stratified
    sample of ``max_samples`` rows (``None`` or 0: every row).

    ``report`` (:class:`DataReport`, ``to_dict()`` for JSON) counts every data row of the
    file: kept, dropped (by kind, with examples), skipped by the label map or left out of
    the sample; and the rows repaired. ``verbose`` prints it when anything happened.
    ``strict=True`` (``--strict``) makes the first junk row in file order an error instead.
    ``deduplicate_texts=False`` keeps duplicates (evaluating a whole file: every row counts;
    training and splitting always de-duplicate). ``outside=True`` returns the rows the
    sample leaves out instead of the sample (reviews training never saw).
    """
    from .loading import load_reviews

    report = DataReport(strict=strict)
    dataset = load_reviews(source, text_column=text_column, label_column=label_column, label_map=label_map,
                           has_header=has_header, strict=strict, report=report)
    if clean:
        dataset = clean_dataset(dataset, cleaning, report=report)
    else:
        dataset = drop_wordless(dataset, report)
    if deduplicate_texts:
        dataset = deduplicate(dataset, report)
    report.check_strict()
    if outside:  # the report describes the data the sample was drawn from
        report.rows_kept = len(dataset)
        return outside_sample(dataset, max_samples, seed), report
    dataset = stratified_sample(dataset, max_samples, seed, report)
    report.rows_kept = len(dataset)
    if verbose:
        report.print()
    return dataset, report
