"""Load labelled reviews from the Hugging Face Hub (IMDB) or a local CSV, TSV or JSONL (or a .gz of one).

Whatever the source, the result is a :class:`datasets.Dataset` with a ``text`` column
(str), a ``label`` column (0 = NEGATIVE, 1 = POSITIVE), a ``row`` column (each row's id in
its source: the physical start line in a CSV/TSV, the line of a JSONL object, the item
number in a JSON array, the index in a Hub data set) and any other columns of the file
(such as ``Department Name``, and the label column's raw value, such as ``Rating``) kept as
strings for slice analysis. Junk rows are dropped and
counted in a :class:`DataReport` (``strict=True``: the first one in file order is an
error); other bad input raises :class:`~coursekit.errors.DataError` naming the file, the
line and the option that fixes it. The course's own export (:mod:`.shop`) is read with its
own columns and star map unless others are given.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..defaults import DEFAULT_SEED
from ..errors import DataError, HubUnreachableError
from ..labels import LABEL_NAMES
from .labelmap import DEFAULT_LABEL_MAP, SKIP, parse_label_map, unknown_label_hint
from .quality import ROW, repair_control_characters
from .readers import LINE, read_rows
from .report import DataReport
from .sampling import stratified_sample
from .shop import read_options

HUB_DATASETS = {"imdb": "stanfordnlp/imdb"}
JOIN = "+"  # --text-column "Title + Review Text": the texts of several columns, in that order


def text_columns(text_column: str, columns) -> list[str]:
    """The columns a review's text is read from: ``text_column`` when the file has a column of that
    name, else its ``+``-separated parts (``"Title + Review Text"``)."""
    if text_column in columns or JOIN not in text_column:
        return [text_column]
    return [part.strip() for part in text_column.split(JOIN) if part.strip()]


def join_texts(parts) -> str:
    """Non-empty texts joined into one: ``"Love it!"`` and ``"Fits well"`` make ``"Love it! Fits well"``,
    ``"Runs small"`` and ``"Returned it"`` make ``"Runs small. Returned it"``."""
    out = ""
    for part in (p.strip() for p in parts):
        if part:
            out = part if not out else out + (" " if out[-1] in ".!?…" else ". ") + part
    return out


def load_reviews(
    source: str | Path,
    text_column: str | None = None,
    label_column: str | None = None,
    label_map: Mapping[str, int] | str | None = None,
    has_header: bool = True,
    max_samples: int | None = None,
    seed: int = DEFAULT_SEED,
    *,
    strict: bool = False,
    report: DataReport | None = None,
):
    """Load reviews from ``source``: ``"imdb"`` (Hub) or a path to .csv/.tsv/.txt/.jsonl/.json (or .gz).

    ``text_column``/``label_column`` default to ``text``/``label`` (for the course's shop
    export: its own, with its star map: :func:`~coursekit.data.shop.read_options`);
    ``text_column="Title + Review Text"`` joins several columns' texts, in that order. ``label_map`` maps label
    spellings (e.g. ``{"1 star": 0, "5 stars": 1}``, or the ``--label-map`` string
    ``"1=0,2=0,3=skip,4=1,5=1"``) to 0/1 (or ``"skip"``). ``has_header=False`` reads a
    header-less delimited file as ``text<sep>label``. ``max_samples`` keeps a seeded,
    stratified sample (the rows left out are counted). Rows with empty text are dropped,
    control characters removed and lines that are not UTF-8 read as cp1252, each counted
    in ``report`` (printed when no report is passed); ``strict=True`` makes the first of
    them an error.
    """
    options = read_options(source, text_column, label_column, label_map)
    own_report = report is None
    report = report if report is not None else DataReport()
    hub = str(source).lower() in HUB_DATASETS
    report.source = report.source or (str(source) if hub else Path(source).name)
    report.location, report.strict = report.location or str(source), strict
    if hub:
        dataset = _load_hub(str(source).lower())
        report.rows_read = len(dataset)
    else:
        path = Path(source)
        rows, columns = read_rows(path, has_header, options["text_column"], options["label_column"], report, strict)
        report.rows_read = len(rows)
        dataset = _to_dataset(path, rows, columns, options["text_column"], options["label_column"],
                              parse_label_map(options["label_map"]), has_header, report)
    dataset = stratified_sample(dataset, max_samples, seed, report)
    report.rows_kept = len(dataset)
    if own_report:
        report.check_strict()
        report.print()
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
                 else "the 'full' tier needs the Hub, or IMDB pre-staged in the cache and HF_HUB_OFFLINE=1")
        raise HubUnreachableError(
            f"could not load the '{name}' dataset from the Hugging Face Hub ({detail}); {where}. "
            "Without network use the offline tier: --profile offline or COURSEKIT_PROFILE=offline"
        ) from exc
    # IMDB ships 25k train + 25k test; the course re-splits 80/10/10 itself.
    parts = [loaded[s] for s in ("train", "test") if s in loaded]
    merged = datasets.concatenate_datasets(parts).select_columns(["text", "label"])
    merged = merged.add_column(ROW, list(range(len(merged))))
    return merged.cast_column("label", datasets.ClassLabel(names=list(LABEL_NAMES)))


def _check_columns(path, columns, rows, text_column, label_column, mapping, has_header) -> None:
    for needed in (*text_columns(text_column, columns), label_column):
        if needed not in columns:
            hint = ""
            if has_header and _looks_like_data(columns, mapping):
                hint = "; the first line looks like data, not a header: if the file has none, pass --no-header"
            raise DataError(
                f"{path}: missing column {needed!r}; the file has: {', '.join(map(repr, columns)) or 'no columns'}"
                f" (choose columns with --text-column / --label-column{hint})"
            )
    if not rows:
        raise DataError(f"{path}: no rows after the header")


def _row_text(path, row, parts, report) -> str:
    """The row's text (its ``parts`` columns joined) with control characters removed (each removal counted)."""
    line, values = row[LINE], [row.get(column) for column in parts]
    for column, value in zip(parts, values):
        if value is not None and not isinstance(value, str):
            raise DataError(f"{path}, line {line}: {column!r} is {type(value).__name__}, not text")
    text_column = " + ".join(parts)
    text, removed = repair_control_characters(join_texts(v or "" for v in values))
    if removed:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in removed}))
        report.add("control_characters", line, f"{codes}: {text}", where="line",
                   problem=f"control character U+{ord(removed[0]):04X} in column {text_column!r}",
                   fix="drop --strict to remove such characters")
    return text


def _row_label(path, row, label_column, mapping, given, report):
    """The row's class (0, 1 or SKIP), ``None`` for a missing label (counted), or a DataError."""
    line, raw = row[LINE], row.get(label_column)
    key = repair_control_characters(str(raw))[0].strip().lower() if raw is not None else ""
    key = key[:-2] if key.endswith(".0") else key
    if not key:
        return None
    if key not in mapping:
        report.check_strict(before=line)  # --strict: an earlier junk row is the first thing to fix
        raise DataError(f"{path}, line {line}: label {raw!r} is not one of the two classes "
                        f"(accepted: {', '.join(sorted(mapping))}); {unknown_label_hint(str(raw), given)}")
    return mapping[key]


def _to_dataset(path, rows, columns, text_column, label_column, label_map, has_header, report):
    import datasets

    mapping = label_map or DEFAULT_LABEL_MAP
    _check_columns(path, columns, rows, text_column, label_column, mapping, has_header)
    # Every other column is kept as text for slicing, the label column too (its raw value, e.g. the stars)
    # unless it is called "label", the name of the 0/1 column.
    parts = text_columns(text_column, columns)
    extra = [c for c in columns if c not in (*parts, "label", "text")]
    renamed = {c: (c if c != ROW else f"{ROW}_in_file") for c in extra}
    texts, labels, ids, extras = [], [], [], {c: [] for c in extra}
    for row in rows:
        line = row[LINE]
        text = _row_text(path, row, parts, report)
        if not text.strip():
            report.add("empty", line, text, where="line", problem=f"empty text in column {text_column!r}",
                       fix="drop --strict to skip such rows")
            continue
        label = _row_label(path, row, label_column, mapping, label_map, report)
        if label is None:
            report.add("no_label", line, text, where="line", problem=f"no label in column {label_column!r}",
                       fix="drop --strict to skip unlabelled rows")
            continue
        if label == SKIP:
            report.add("label_skipped", line, f"{text} [label {row.get(label_column)}]")
            continue
        texts.append(text.strip())
        labels.append(label)
        ids.append(line)
        for c in extra:
            extras[c].append("" if row.get(c) is None else str(row.get(c)))
    _check_classes(path, labels, report)
    features = datasets.Features(
        {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(LABEL_NAMES)),
         ROW: datasets.Value("int64"), **{renamed[c]: datasets.Value("string") for c in extra}}
    )
    return datasets.Dataset.from_dict(
        {"text": texts, "label": labels, ROW: ids, **{renamed[c]: v for c, v in extras.items()}}, features=features)


def _check_classes(path, labels, report) -> None:
    if len(set(labels)) < 2:
        report.check_strict()  # --strict: a junk row is the first thing to fix
        if not labels:
            raise DataError(f"{path}: no usable rows (every text is empty or skipped)")
        raise DataError(f"{path}: every row has the label {LABEL_NAMES[labels[0]]}; a classifier needs both classes")


def _looks_like_data(header: list[str], mapping: dict) -> bool:
    """A header row that is really a review: it ends in a label, or one field is a sentence."""
    fields = [f.strip() for f in header if f.strip()]
    if not fields:
        return False
    last = fields[-1].lower()
    return last in mapping or last.removesuffix(".0").isdigit() or any(len(f.split()) >= 4 for f in fields)
