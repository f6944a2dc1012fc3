"""CSV in and out for the gradebook's companions (roster, manual scores, extensions).

Reading is bounded and forgiving about what spreadsheets and LMSs do (a UTF-8 byte-order
mark, header names in any case, blank lines), strict about the rest: every problem is a
one-line error naming the file, the line and the option that reads it.
Writing makes text a student typed inert for spreadsheets (:func:`safe_cell`).
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterable, Mapping

from coursekit.errors import TableError

MAX_TABLE_BYTES = 20_000_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_csv_rows(path: str | os.PathLike, required: Iterable[str] = (), option: str = "",
                  aliases: Mapping[str, Iterable[str]] | None = None) -> list[tuple[int, dict]]:
    """``[(line number, {lower-case header: value})]`` for each non-blank data row.

    ``aliases`` maps a canonical column name to other header spellings it may have."""
    path = Path(path)
    hint = f" (given with {option})" if option else ""
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise TableError(f"{path}: larger than {MAX_TABLE_BYTES:,} bytes{hint}")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise TableError(f"{path}: cannot read ({exc.strerror or exc}){hint}") from exc
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text (byte offset {exc.start}); save it as CSV UTF-8{hint}") from exc
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise TableError(f"{path}: empty file; it needs a header row{hint}")
        names = [h.strip().lower() for h in header]
        for canonical, others in (aliases or {}).items():
            for index, name in enumerate(names):
                if name in {o.lower() for o in others} and canonical not in names:
                    names[index] = canonical
        missing = [name for name in required if name not in names]
        if missing:
            raise TableError(f"{path}: line 1: no {', '.join(missing)} column (the header has: "
                             f"{', '.join(h for h in header if h) or 'nothing'}){hint}")
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise TableError(f"{path}: line {reader.line_num}: {len(values)} cells but the header has "
                                 f"{len(names)}{hint}")
            rows.append((reader.line_num, dict(zip(names, values + [""] * (len(names) - len(values))))))
    except csv.Error as exc:
        raise TableError(f"{path}: not valid CSV ({exc}){hint}") from exc
    return rows


def safe_cell(value):
    """Text a student typed, made inert for spreadsheets: a cell starting with ``=``, ``+``,
    ``-``, ``@`` or a control character would run as a formula in Excel or LibreOffice,
    so it gets a leading apostrophe (OWASP's advice on CSV injection)."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The text :func:`safe_cell` was given (reading a gradebook written earlier)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _FORMULA_START and value[1:2]:
        return value[1:]
    return value


def csv_text(columns: list[str], rows: Iterable[Mapping], *, safe: Iterable[str] | None = None) -> str:
    """CSV text of ``rows``; ``safe``: the columns made inert (default: every column)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    only = set(safe) if safe is not None else None
    for row in rows:
        writer.writerow({k: (safe_cell(v) if only is None or k in only else v) for k, v in row.items()})
    return buffer.getvalue()
