"""Read a CSV, TSV or JSON(L) file into rows, keeping each row's physical line number.

Text is kept as written: newlines inside quoted CSV fields stay newlines (cleaning later
turns every run of whitespace into one space), fields of any size are accepted, and every
error names the physical line where the record starts. Bytes that are not UTF-8 are
read as cp1252 (Windows-1252, what Excel on Windows writes) and reported; a UTF-8 or
UTF-16 byte-order mark is honoured. A gzip-compressed file (``reviews.csv.gz``) is read as
the file inside it. A record whose fields are all blank is a data row (reported as empty
later); a line with no characters at all is not. A header cell left blank (the unnamed
index column of a pandas export) is named ``Unnamed: N`` as pandas names it.
"""
from __future__ import annotations

import codecs
import csv
import gzip
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
    suffix = file_type(path)
    if suffix not in (".jsonl", ".json", ".tsv", ".txt", ".csv"):
        raise DataError(f"{path}: unsupported file type {suffix!r}; use .csv, .tsv or .jsonl (or gzip of one: .csv.gz)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".gz":
        data = _gunzip(path, data)
    raw = decode(path, data, report, strict)
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    if suffix in (".jsonl", ".json"):
        return _read_json(path, raw)
    if suffix in (".tsv", ".txt"):
        return _read_tsv(path, raw, has_header, text_column, label_column)
    return _read_csv(path, raw, has_header, text_column, label_column)


def file_type(path: Path) -> str:
    """The suffix that says how to read ``path``: ``.csv`` for ``reviews.csv`` and ``reviews.csv.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        return suffixes[-2] if len(suffixes) > 1 else ".gz"
    return suffixes[-1] if suffixes else ""


def _gunzip(path: Path, data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: not a readable gzip file ({exc}); compress it with gzip, or drop the .gz "
                        "suffix if it is plain text") from exc


def decode(path: Path, data: bytes, report: DataReport, strict: bool = False) -> str:
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
    except UnicodeDecodeError:
        return _decode_mixed(data, report)  # with --strict the first such line is an error (DataReport.check_strict)


def _decode_mixed(data: bytes, report: DataReport) -> str:
    """UTF-8 where the bytes are UTF-8, cp1252 (undefined bytes: latin-1) where they are not."""
    out, utf8_beyond_ascii, offset = [], False, 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
            utf8_beyond_ascii = utf8_beyond_ascii or not line.isascii()
        except UnicodeDecodeError as exc:
            out.append(_cp1252(line))
            report.add("not_utf8", number, out[-1].strip(), where="line",
                       problem=f"not UTF-8 (byte {offset + exc.start}: 0x{line[exc.start]:02x})",
                       fix="save the file as UTF-8, or drop --strict to read such lines as cp1252 (Windows-1252)")
        offset += len(line) + 1
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


def _is_row(record: list[str]) -> bool:
    """A line with no characters is no row; one with separators but blank fields is an (empty) row."""
    return len(record) > 1 or bool(record and record[0].strip())


def _header(cells: list[str]) -> list[str]:
    return [cell.strip() or f"Unnamed: {i}" for i, cell in enumerate(cells)]


def _rows_from_records(path, records, has_header, text_column, label_column, tab):
    numbered = [(line, rec) for line, rec in records if _is_row(rec)]
    if not any(field.strip() for _, rec in numbered for field in rec):
        raise DataError(f"{path}: the file is empty")
    if has_header:
        while not any(field.strip() for field in numbered[0][1]):
            numbered = numbered[1:]  # blank records before the header are no data
        header = _header(numbered[0][1])
        body = numbered[1:]
    else:
        header, body = [text_column, label_column], numbered
    rows = []
    for line, rec in body:
        if tab and not has_header and len(rec) > 2:  # the label is after the last tab
            rec = ["\t".join(rec[:-1]), rec[-1]]
        if not any(field.strip() for field in rec):
            rec = [""] * len(header)  # a blank row, whatever its separators: reported as empty
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
