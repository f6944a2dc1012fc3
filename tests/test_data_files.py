"""Files kept as written: quoted newlines, physical line numbers, big fields, encodings, row ids."""
from __future__ import annotations

import json

import pytest

from coursekit.data import DataReport, load_reviews, parse_label_map
from coursekit.errors import DataError


def write_bytes(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write(tmp_path, name, text):
    return write_bytes(tmp_path, name, text.encode("utf-8"))


def test_newlines_inside_quoted_fields_are_kept(tmp_path):
    path = write(tmp_path, "r.csv", 'text,label\n"great\nsecond line",1\n"bad\r\nthing",0\n')
    ds = load_reviews(path)
    assert ds["text"] == ["great\nsecond line", "bad\r\nthing"]


def test_errors_name_the_physical_line_after_multiline_fields(tmp_path):
    body = "".join(f'"review {i}\nspans two lines",1\n' for i in range(30))  # lines 2..61
    path = write(tmp_path, "r.csv", "text,label\n" + body + "short,maybe\n")  # line 62
    with pytest.raises(DataError, match=r"line 62: label 'maybe'"):
        load_reviews(path)
    fields = write(tmp_path, "f.csv", "text,label\n" + body + "a,1,extra\n")
    with pytest.raises(DataError, match=r"line 62: expected 2 fields"):
        load_reviews(fields)


def test_unclosed_quote_names_the_line_where_the_record_starts(tmp_path):
    path = write(tmp_path, "r.csv", 'text,label\nfine,1\n"never closed,0\nmore,1\n')
    with pytest.raises(DataError) as err:
        load_reviews(path)
    assert "line 3: malformed CSV" in str(err.value)


def test_fields_larger_than_128_kb_are_accepted(tmp_path):
    long_text = "word " * 60_000  # 300 KB
    path = write(tmp_path, "r.csv", f'text,label\n"{long_text}",1\nshort,0\n')
    ds = load_reviews(path)
    assert len(ds["text"][0]) == len(long_text.strip()) and ds["label"] == [1, 0]


def test_every_row_keeps_its_source_row_id(tmp_path):
    csv_path = write(tmp_path, "r.csv", 'text,label\n\n"two\nlines",1\nnext,0\n')
    assert load_reviews(csv_path)["row"] == [3, 5]  # physical start lines; the blank line 2 is skipped
    tsv_path = write(tmp_path, "r.tsv", "good one\t1\nbad one\t0\n")
    assert load_reviews(tsv_path, has_header=False)["row"] == [1, 2]
    jsonl = write(tmp_path, "r.jsonl", '{"text": "a", "label": 1}\n\n{"text": "b", "label": 0}\n')
    assert load_reviews(jsonl)["row"] == [1, 3]
    array = write(tmp_path, "r.json", json.dumps([{"text": "a", "label": 1}, {"text": "b", "label": 0}]))
    assert load_reviews(array)["row"] == [1, 2]


def test_a_files_own_row_column_is_kept_beside_the_row_id(tmp_path):
    ds = load_reviews(write(tmp_path, "r.csv", "row,text,label\n7,good,1\n8,bad,0\n"))
    assert ds["row"] == [2, 3] and ds["row_in_file"] == ["7", "8"]


def test_cp1252_lines_are_read_and_reported(tmp_path):
    data = "text,label\ncafé was awful,0\ngood ✓,1\n".encode("utf-8").replace("é".encode(), "é".encode("cp1252"))
    path = write_bytes(tmp_path, "r.csv", data)
    report = DataReport()
    ds = load_reviews(path, report=report)
    assert ds["text"] == ["café was awful", "good ✓"]  # the UTF-8 line stays UTF-8
    assert report.counts == {"not_utf8": 1} and report.examples["not_utf8"][0]["row"] == 2
    assert report.encoding == "utf-8 with cp1252 lines"
    with pytest.raises(DataError, match=r"line 2: not UTF-8 .*drop --strict"):
        load_reviews(path, strict=True)


def test_a_whole_cp1252_file_is_read(tmp_path):
    path = write_bytes(tmp_path, "r.csv", "text,label\n“smart” quotes – fine,1\nna\xefve,0\n".encode("cp1252"))
    report = DataReport()
    assert load_reviews(path, report=report)["text"] == ["“smart” quotes – fine", "naïve"]
    assert report.encoding == "cp1252"


def test_byte_order_marks(tmp_path):
    utf8 = write_bytes(tmp_path, "a.csv", b"\xef\xbb\xbftext,label\ngood,1\nbad,0\n")
    report = DataReport()
    assert load_reviews(utf8, report=report, strict=True)["label"] == [1, 0]  # a BOM at the start is fine
    assert report.byte_order_mark and report.clean
    utf16 = write_bytes(tmp_path, "b.tsv", "text\tlabel\ngood\t1\nbad\t0\n".encode("utf-16"))  # Excel's "Unicode text"
    assert load_reviews(utf16)["text"] == ["good", "bad"]
    stray = write(tmp_path, "c.csv", "text,label\ngood\ufeff one,1\nbad,0\n")
    report = DataReport()
    assert load_reviews(stray, report=report)["text"][0] == "good one"
    assert report.counts == {"control_characters": 1}


def test_control_characters_are_removed_and_cp1252_controls_mapped(tmp_path):
    path = write(tmp_path, "r.tsv", "so\x85 slow\x00 \x07film\t0\nnice\x96really\t1\n")
    report = DataReport()
    ds = load_reviews(path, has_header=False, report=report)
    assert ds["text"] == ["so… slow film", "nice–really"]
    assert report.counts == {"control_characters": 2}
    with pytest.raises(DataError, match=r"line 1: control character U\+0085 .*drop --strict"):
        load_reviews(path, has_header=False, strict=True)


def test_binary_files_are_refused(tmp_path):
    with pytest.raises(DataError, match="binary file"):
        load_reviews(write_bytes(tmp_path, "r.csv", b"PK\x03\x04" + b"\x00" * 50))


def test_headerless_file_error_suggests_no_header(tmp_path):
    path = write(tmp_path, "r.tsv", "Loved every minute of it\t1\nDull\t0\n")
    with pytest.raises(DataError, match="missing column 'text'.*pass --no-header"):
        load_reviews(path)
    plain = write(tmp_path, "h.csv", "review,stars\ngood,1\n")
    with pytest.raises(DataError) as err:
        load_reviews(plain)
    assert "--no-header" not in str(err.value)  # a real header: no such hint


def test_unknown_label_names_the_label_map_option(tmp_path):
    path = write(tmp_path, "r.csv", "text,label\ngood,5 stars\nbad,1 star\n")
    with pytest.raises(DataError, match=r"line 2: label '5 stars'.*--label-map"):
        load_reviews(path)
    assert load_reviews(path, label_map="1 star=0, 5 stars=positive")["label"] == [1, 0]


@pytest.mark.parametrize("spec, expected", [
    ("1 star=0,5 stars=1", {"1 star": 0, "5 stars": 1}),
    ("Bad=negative, GOOD = pos, meh=skip", {"bad": 0, "good": 1, "meh": -1}),
])
def test_parse_inline_label_maps(spec, expected):
    assert parse_label_map(spec) == expected


def test_label_map_files(tmp_path):
    (tmp_path / "m.json").write_text('{"1": 0, "5": 1, "3": "skip"}')
    (tmp_path / "m.yaml").write_text("awful: 0\ngreat: positive\n")
    assert parse_label_map(str(tmp_path / "m.json")) == {"1": 0, "5": 1, "3": -1}
    assert parse_label_map(tmp_path / "m.yaml") == {"awful": 0, "great": 1}


@pytest.mark.parametrize("spec, message", [
    ("5 stars", "expected SPELLING=0|1"),
    ("a=1,b=2", "'b' maps to '2'"),
    ("a=1,b=1", "needs both 0 and 1"),
    ("missing.yaml", "no such file"),
])
def test_bad_label_maps_say_what_is_wrong(spec, message):
    with pytest.raises(DataError, match=message):
        parse_label_map(spec)


def test_skip_in_a_label_map_drops_and_counts_rows(tmp_path):
    path = write(tmp_path, "r.csv", "text,label\ngreat,5\nso so,3\nawful,1\n")
    report = DataReport()
    ds = load_reviews(path, label_map={"1": 0, "3": "skip", "5": 1}, report=report)
    assert ds["text"] == ["great", "awful"] and report.counts == {"label_skipped": 1}
