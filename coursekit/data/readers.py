"""Read a CSV, TSV or JSON(L) file into rows, keeping each row's physical line number.

Text is kept as written: newlines inside quoted CSV fields stay newlines (cleaning later
turns every run of whitespace into one space), fields of any size are accepted, and every
error names the physical line where the record starts. Bytes that are not UTF-8 are
read as cp1252 (Windows-1252, what Excel on Windows writes) and reported; a UTF-8 or
UTF-16 byte-order mark is honoured.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

from ..errors import DataError
from .report import DataReport

LINE = "_line"  # the key under which each row keeps its row id


def read_rows(path: Path, has_header: bool, text_column: str, label_column: str,
              report: DataReport, strict: bool = False) -> tuple[list[dict], list[str]]:
    """Rows (dicts with a ``_line`` key) and the column names of ``path``."""
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, expected a .csv, .tsv or .jsonl file")
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".tsv", ".txt", ".csv"):
        raise DataError(f"{path}: unsupported file type {suffix!r}; use .csv, .tsv or .jsonl")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    raw = decode(path, data, report, strict)
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    if suffix in (".jsonl", ".json"):
        return _read_json(path, raw)
    if suffix in (".tsv", ".txt"):
        return _read_tsv(path, raw, has_header, text_column, label_column)
    return _read_csv(path, raw, has_header, text_column, label_column)


def decode(path: Path, data: bytes, report: DataReport, strict: bool) -> str:
    """Bytes to text: UTF-8 (or UTF-16 with its BOM); lines that are not UTF-8 are read as cp1252."""
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if data[:4] == b"PK\x03\x04" or (not utf16 and data.count(b"\x00") > max(8, len(data) // 100)):
        raise DataError(f"{path}: looks like a binary file (a spreadsheet?), not text; export it as CSV (UTF-8)")
    if utf16:
        report.encoding, report.byte_order_mark = "utf-16", True
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: unreadable, not UTF-8 and not the UTF-16 its byte-order mark announces "
                            f"(byte {exc.start}); save it as UTF-8") from exc
    if data.startswith(codecs.BOM_UTF8):
        report.byte_order_mark, data = True, data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc
    line = data.count(b"\n", 0, first.start) + 1
    if strict:
        raise DataError(f"{path}, line {line}: not UTF-8 (byte {first.start}: 0x{data[first.start]:02x}); save the "
                        "file as UTF-8, or drop --strict to read such lines as cp1252 (Windows-1252)")
    return _decode_mixed(data, report)


def _decode_mixed(data: bytes, report: DataReport) -> str:
    """UTF-8 where the bytes are UTF-8, cp1252 (undefined bytes: latin-1) where they are not."""
    out, utf8_beyond_ascii = [], False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
            utf8_beyond_ascii = utf8_beyond_ascii or not line.isascii()
        except UnicodeDecodeError:
            out.append(_cp1252(line))
            report.add("not_utf8", number, out[-1].strip())
    report.encoding = "utf-8 with cp1252 lines" if utf8_beyond_ascii else "cp1252"
    return "\n".join(out)


def _cp1252(line: bytes) -> str:
    chars = []
    for b in line:
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: C1 controls, removed later
            chars.append(chr(b))
    return "".join(chars)


def _read_csv(path, raw, has_header, text_column, label_column):
    csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 2**31 - 1)))
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    records, start = [], 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}, line {start}: malformed CSV ({exc}); a field opened with a quote must close it, "
                        'and a quote inside a quoted field is written twice ("")') from exc
    return _rows_from_records(path, records, has_header, text_column, label_column, tab=False)


def _read_tsv(path, raw, has_header, text_column, label_column):
    # Tab files: no quoting (stray quotes are common in reviews); split on "\n" only, since
    # str.splitlines() also breaks on U+0085 and friends found in real data.
    records = [(i, line.rstrip("\r").split("\t")) for i, line in enumerate(raw.split("\n"), start=1)]
    return _rows_from_records(path, records, has_header, text_column, label_column, tab=True)


def _rows_from_records(path, records, has_header, text_column, label_column, tab):
    numbered = [(line, rec) for line, rec in records if any(field.strip() for field in rec)]
    if not numbered:
        raise DataError(f"{path}: the file is empty")
    if has_header:
        header = [h.strip() for h in numbered[0][1]]
        body = numbered[1:]
    else:
        header, body = [text_column, label_column], numbered
    rows = []
    for line, rec in body:
        if tab and not has_header and len(rec) > 2:  # the label is after the last tab
            rec = ["\t".join(rec[:-1]), rec[-1]]
        if len(rec) != len(header):
            raise DataError(f"{path}, line {line}: expected {len(header)} fields ({', '.join(header)}), "
                            f"found {len(rec)}")
        rows.append({LINE: line, **dict(zip(header, rec))})
    return rows, header


def _read_json(path, raw):
    rows, columns = [], []
    if raw.lstrip().startswith("["):
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {exc.lineno}: malformed JSON ({exc.msg})") from exc
        numbered, where = list(enumerate(items, start=1)), "item"
    else:
        numbered, where = [], "line"
        for i, line in enumerate(raw.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((i, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}, line {i}: malformed JSON ({exc.msg})") from exc
    for i, item in numbered:
        if not isinstance(item, dict):
            raise DataError(f"{path}, {where} {i}: expected an object with text and label fields")
        for key in item:
            if key not in columns:
                columns.append(key)
        rows.append({LINE: i, **item})
    return rows, columns
