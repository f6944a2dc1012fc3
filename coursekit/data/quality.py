"""Junk that real exports contain, found and handled row by row: control characters,
rows with no words, exact duplicates and texts that carry both labels.

Each function drops (or repairs) and counts in a :class:`DataReport`; with ``strict``
the report raises the :class:`DataError` for the first junk row in file order once every
stage has run (:meth:`DataReport.check_strict`), so a duplicate on row 874 never hides
an empty row 43.
"""
from __future__ import annotations

import re
import unicodedata

from .report import DataReport

ROW = "row"  # the column that keeps each row's id in its source
_KEEP = "\t\n\r"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")  # category Cc but tab and line breaks, BOM


def repair_control_characters(text: str) -> tuple[str, list[str]]:
    """``text`` without control characters and stray byte-order marks, and what was removed.

    Tabs and line breaks stay. C1 controls that Windows-1252 defines (U+0085, U+0096, U+0097:
    text that was cp1252 read as latin-1) become that character (…, –, —).
    """
    if not _CONTROL.search(text):  # the common case, without a Python loop over every character
        return text, []
    found = [ch for ch in text if (unicodedata.category(ch) == "Cc" and ch not in _KEEP) or ch == "\ufeff"]
    out, removed = [], set(found)
    for ch in text:
        if ch not in removed:
            out.append(ch)
        elif 0x80 <= ord(ch) <= 0x9F:
            try:
                out.append(bytes([ord(ch)]).decode("cp1252"))
            except UnicodeDecodeError:
                pass
    return "".join(out), found


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return any(ch.isalnum() for ch in text)


def column(dataset, name: str) -> list:
    """One column as a Python list, in one batch (``dataset[name]`` formats row by row in datasets 4+)."""
    return list(dataset.select_columns([name])[:][name]) if len(dataset) else []


def row_ids(dataset) -> list:
    return column(dataset, ROW) if ROW in dataset.column_names else list(range(1, len(dataset) + 1))


def drop_wordless(dataset, report: DataReport, strict: bool = False, text_column: str = "text",
                  originals: list[str] | None = None):
    """Drop rows whose text has no letter or digit (empty, ``*``, ``!!!``, emoji only).

    ``strict=True``: the first such row is an error at once. ``originals``: the texts
    before cleaning, shown in messages instead of what is left.
    """
    ids, keep = row_ids(dataset), []
    for i, text in enumerate(column(dataset, text_column)):
        if has_words(text):
            keep.append(i)
            continue
        shown = originals[i] if originals is not None else text
        report.add("empty", ids[i], shown, problem=f"no words in the text {shown!r} (empty after cleaning)",
                   fix="drop --strict to skip such rows")
    _check_now(report, strict)
    return dataset if len(keep) == len(dataset) else dataset.select(keep)


def deduplicate(dataset, report: DataReport | None = None, strict: bool = False, text_column: str = "text",
                label_column: str = "label"):
    """Keep the first of exact duplicates; drop every copy of a text that has both labels.

    The drops are counted in ``report`` (printed when none is given). ``strict=True``: the
    first such row (in file order) is an error at once."""
    own_report = report is None
    report = report if report is not None else DataReport(source="data", rows_read=len(dataset))
    ids, texts, labels = row_ids(dataset), column(dataset, text_column), column(dataset, label_column)
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(text, []).append(i)
    drop = set()
    for text, members in groups.items():
        if len(members) == 1:
            continue
        rows = ", ".join(str(ids[i]) for i in members[:5])
        if len({labels[i] for i in members}) > 1:
            for i in members:
                report.add("conflicting_labels", ids[i], f"{text} [label {labels[i]}]",
                           problem=f"the same text with both labels (rows {rows}: {text[:60]!r})",
                           fix="drop --strict to drop such rows")
            drop.update(members)
        else:
            for i in members[1:]:
                report.add("duplicate", ids[i], text, problem=f"duplicate text {text[:60]!r} (rows {rows})",
                           fix="drop --strict to keep only the first copy")
            drop.update(members[1:])
    _check_now(report, strict)
    kept = dataset if not drop else dataset.select([i for i in range(len(dataset)) if i not in drop])
    if own_report:
        report.rows_kept = len(kept)
        report.print()
    return kept


def _check_now(report: DataReport, strict: bool) -> None:
    """``strict=True`` passed to one stage alone: its first junk row is an error now (a whole
    pipeline passes a strict report instead and checks once, after its last stage)."""
    if strict:
        report.strict = True
        report.check_strict()
