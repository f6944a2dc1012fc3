"""Load labelled reviews from the Hugging Face Hub (IMDB) or a local CSV, TSV or JSONL.

Whatever the source, the result is a :class:`datasets.Dataset` with a ``text``
column (str), a ``label`` column (0 = NEGATIVE, 1 = POSITIVE) and any other columns
of the file (such as ``domain``) kept as strings for slice analysis.
Bad input raises :class:`~coursekit.errors.DataError` naming the file and row.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Mapping

from ..errors import DataError, HubUnreachableError
from ..labels import LABEL_NAMES

# Spellings accepted for each class (case-insensitive) unless a label_map is given.
DEFAULT_LABEL_MAP: dict[str, int] = {
    "0": 0, "neg": 0, "negative": 0, "false": 0, "bad": 0,
    "1": 1, "pos": 1, "positive": 1, "true": 1, "good": 1,
}
HUB_DATASETS = {"imdb": "stanfordnlp/imdb"}


def load_reviews(
    source: str | Path,
    text_column: str = "text",
    label_column: str = "label",
    label_map: Mapping[str, int] | None = None,
    has_header: bool = True,
    max_samples: int | None = None,
    seed: int = 42,
):
    """Load reviews from ``source``: ``"imdb"`` (Hub) or a path to .csv/.tsv/.txt/.jsonl/.json.

    ``label_map`` maps label spellings (e.g. ``{"1 star": 0, "5 stars": 1}``) to 0/1.
    ``has_header=False`` reads a header-less delimited file as ``text<sep>label``.
    ``max_samples`` keeps a seeded, class-balanced-by-shuffle subset.
    """
    if str(source).lower() in HUB_DATASETS:
        dataset = _load_hub(str(source).lower())
    else:
        rows, columns = _read_rows(Path(source), has_header, text_column, label_column)
        dataset = _to_dataset(Path(source), rows, columns, text_column, label_column, label_map, has_header)
    if max_samples is not None and max_samples < len(dataset):
        dataset = dataset.shuffle(seed=seed).select(range(max_samples))
    return dataset


def _load_hub(name: str):
    """The Hub data set ``name`` through ``datasets.load_dataset``, after one fast Hub check.

    With ``HF_HUB_OFFLINE=1`` nothing is downloaded: ``load_dataset`` reloads the copy that
    an earlier online run prepared in the ``datasets`` cache (``$HF_DATASETS_CACHE``, by
    default ``~/.cache/huggingface/datasets``); that is how a classroom without network
    pre-stages IMDB (README: "An offline classroom on the full tier").
    """
    import datasets

    from ..profiles import hub_offline_mode, hub_probe

    offline = hub_offline_mode()
    reason = None if offline else hub_probe()
    try:
        if reason:
            raise ConnectionError(reason)
        loaded = datasets.load_dataset(HUB_DATASETS[name])
    except Exception as exc:  # ConnectionError, OSError, HF offline errors...
        detail = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200] if str(exc) else 'no detail'}"
        where = ("it is not in the datasets cache and HF_HUB_OFFLINE=1 forbids downloading it" if offline
                 else "the 'full' tier needs the Hub")
        raise HubUnreachableError(
            f"could not load the '{name}' dataset from the Hugging Face Hub ({detail}); {where}. "
            "Without network use the offline tier: --profile offline or COURSEKIT_PROFILE=offline"
        ) from exc
    # IMDB ships 25k train + 25k test; the course re-splits 80/10/10 itself.
    parts = [loaded[s] for s in ("train", "test") if s in loaded]
    merged = datasets.concatenate_datasets(parts).select_columns(["text", "label"])
    return merged.cast_column("label", datasets.ClassLabel(names=list(LABEL_NAMES)))


def _read_rows(path: Path, has_header: bool, text_column: str, label_column: str) -> tuple[list[dict], list[str]]:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, expected a .csv, .tsv or .jsonl file")
    suffix = path.suffix.lower()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: unreadable, not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    if suffix in (".jsonl", ".json"):
        return _read_json(path, raw)
    if suffix in (".tsv", ".txt"):
        return _read_delimited(path, raw, "\t", has_header, text_column, label_column)
    if suffix == ".csv":
        return _read_delimited(path, raw, ",", has_header, text_column, label_column)
    raise DataError(f"{path}: unsupported file type {suffix!r}; use .csv, .tsv or .jsonl")


def _read_delimited(path, raw, sep, has_header, text_column, label_column):
    # Split on "\n" only: str.splitlines() also breaks on U+0085 and friends found in real data.
    lines = [line.rstrip("\r") for line in raw.split("\n")]
    if sep == "\t":
        # Tab files: no quoting (stray quotes are common in reviews); the label is after the last tab.
        records = [line.split("\t") for line in lines]
    else:
        try:
            records = list(csv.reader(lines, strict=True))
        except csv.Error as exc:
            raise DataError(f"{path}: malformed CSV ({exc})") from exc
    numbered = [(i + 1, rec) for i, rec in enumerate(records) if any(field.strip() for field in rec)]
    if has_header:
        _, header = numbered[0]
        header = [h.strip() for h in header]
        body = numbered[1:]
    else:
        header = [text_column, label_column]
        body = numbered
    rows = []
    for line_no, rec in body:
        if sep == "\t" and not has_header and len(rec) > 2:
            rec = ["\t".join(rec[:-1]), rec[-1]]
        if len(rec) != len(header):
            raise DataError(
                f"{path}, line {line_no}: expected {len(header)} fields ({', '.join(header)}), found {len(rec)}"
            )
        rows.append({"_line": line_no, **dict(zip(header, rec))})
    return rows, header


def _read_json(path, raw):
    rows, columns = [], []
    stripped = raw.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from exc
        numbered = list(enumerate(items, start=1))
        where = "item"
    else:
        numbered = []
        for i, line in enumerate(raw.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((i, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}, line {i}: malformed JSON ({exc.msg})") from exc
        where = "line"
    for i, item in numbered:
        if not isinstance(item, dict):
            raise DataError(f"{path}, {where} {i}: expected an object with text and label fields")
        for key in item:
            if key not in columns:
                columns.append(key)
        rows.append({"_line": i, **item})
    return rows, columns


def _to_dataset(path, rows, columns, text_column, label_column, label_map, has_header):
    import datasets

    for needed in (text_column, label_column):
        if needed not in columns:
            raise DataError(
                f"{path}: missing column {needed!r}; the file has: {', '.join(map(repr, columns)) or 'no columns'}"
                " (choose columns with --text-column / --label-column)"
            )
    if not rows:
        raise DataError(f"{path}: no rows after the header")
    mapping = {str(k).strip().lower(): int(v) for k, v in (label_map or DEFAULT_LABEL_MAP).items()}
    extra = [c for c in columns if c not in (text_column, label_column)]
    texts, labels, extras = [], [], {c: [] for c in extra}
    for row in rows:
        line = row["_line"]
        text = row.get(text_column)
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{path}, line {line}: empty text in column {text_column!r}")
        raw_label = row.get(label_column)
        key = str(raw_label).strip().lower() if raw_label is not None else ""
        if key.endswith(".0"):
            key = key[:-2]
        if key not in mapping or mapping[key] not in (0, 1):
            raise DataError(
                f"{path}, line {line}: label {raw_label!r} is not one of the two classes "
                f"(accepted: {', '.join(sorted(mapping))}; pass a label map for other spellings)"
            )
        texts.append(text.strip())
        labels.append(mapping[key])
        for c in extra:
            value = row.get(c)
            extras[c].append("" if value is None else str(value))
    present = set(labels)
    if len(present) < 2:
        only = LABEL_NAMES[labels[0]]
        raise DataError(f"{path}: every row has the label {only}; a classifier needs both classes")
    features = datasets.Features(
        {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(LABEL_NAMES)),
         **{c: datasets.Value("string") for c in extra}}
    )
    return datasets.Dataset.from_dict({"text": texts, "label": labels, **extras}, features=features)
