"""Junk that real exports contain, found and handled row by row: control characters,
rows with no words, exact duplicates and texts that carry both labels.

Each function drops (or repairs) and counts in a :class:`DataReport`, or with
``strict=True`` raises the :class:`DataError` naming the row.
"""
from __future__ import annotations

import unicodedata

from ..errors import DataError
from .report import DataReport

ROW = "row"  # the column that keeps each row's id in its source
_KEEP = "\t\n\r"


def repair_control_characters(text: str) -> tuple[str, list[str]]:
    """``text`` without control characters and stray byte-order marks, and what was removed.

    Tabs and line breaks stay. C1 controls that Windows-1252 defines (U+0085, U+0096, U+0097:
    text that was cp1252 read as latin-1) become that character (…, –, —).
    """
    found = [ch for ch in text if (unicodedata.category(ch) == "Cc" and ch not in _KEEP) or ch == "\ufeff"]
    if not found:
        return text, []
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


def row_ids(dataset) -> list:
    return list(dataset[ROW]) if ROW in dataset.column_names else list(range(1, len(dataset) + 1))


def drop_wordless(dataset, report: DataReport, strict: bool = False, text_column: str = "text",
                  originals: list[str] | None = None):
    """Drop rows whose text has no letter or digit (empty, ``*``, ``!!!``, emoji only).

    ``originals``: the texts before cleaning, shown in messages instead of what is left.
    """
    ids, keep = row_ids(dataset), []
    for i, text in enumerate(dataset[text_column]):
        if has_words(text):
            keep.append(i)
            continue
        shown = originals[i] if originals is not None else text
        if strict:
            raise DataError(f"{report.source}, row {ids[i]}: no words in the text {shown!r} (empty after cleaning); "
                            "drop --strict to skip such rows")
        report.add("empty", ids[i], shown)
    return dataset if len(keep) == len(dataset) else dataset.select(keep)


def deduplicate(dataset, report: DataReport, strict: bool = False, text_column: str = "text",
                label_column: str = "label"):
    """Keep the first of exact duplicates; drop every copy of a text that has both labels."""
    ids, texts, labels = row_ids(dataset), dataset[text_column], dataset[label_column]
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(text, []).append(i)
    drop = set()
    for text, members in groups.items():
        if len(members) == 1:
            continue
        rows = ", ".join(str(ids[i]) for i in members[:5])
        if len({labels[i] for i in members}) > 1:
            if strict:
                raise DataError(f"{report.source}, rows {rows}: the same text with both labels ({text[:60]!r}); "
                                "drop --strict to drop such rows")
            for i in members:
                report.add("conflicting_labels", ids[i], f"{text} [label {labels[i]}]")
            drop.update(members)
        else:
            if strict:
                raise DataError(f"{report.source}, rows {rows}: duplicate text {text[:60]!r}; "
                                "drop --strict to keep only the first copy")
            for i in members[1:]:
                report.add("duplicate", ids[i], text)
            drop.update(members[1:])
    return dataset if not drop else dataset.select([i for i in range(len(dataset)) if i not in drop])
