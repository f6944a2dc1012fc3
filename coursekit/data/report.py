"""What loading and cleaning did to a data file: every data row accounted for, by kind, with examples.

Real exports hold junk that a careful tool handles rather than refuses: rows with no
words, exact duplicates, the same text with both labels, lines that are not UTF-8,
stray control characters, HTML markup. By default junk rows are dropped (or repaired)
and counted in a :class:`DataReport`; with ``strict=True`` (``--strict``) the first junk
row *in file order* is an error instead, whichever stage found it. Rows the label map
skips and rows left out of a seeded sample are counted too, so that the summary adds up
to the file's data rows.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import DataError

# kind -> (what happened to such rows, what one is, what several are, short name in the sum)
KINDS = {
    "empty": ("dropped", "row with no words",
              "rows with no words (empty, or only spaces, punctuation, symbols or emoji)", "with no words"),
    "no_label": ("dropped", "row with text but no label", "rows with text but no label", "without a label"),
    "duplicate": ("dropped", "exact duplicate of an earlier row", "exact duplicates of an earlier row (same text, same "
                                                                   "label; the first is kept)", "duplicate|duplicates"),
    "conflicting_labels": ("dropped", "row whose text also appears with the other label",
                           "rows whose text also appears with the other label (every copy is dropped)",
                           "with conflicting labels"),
    "label_skipped": ("dropped", "row whose label the label map skips", "rows whose label the label map skips "
                      "(VALUE=skip)", "skipped by the label map"),
    "not_sampled": ("left out", "row outside the seeded sample", "rows outside the seeded, stratified sample "
                    "(--max-samples 0 uses every row; they stay unseen by training)", "outside the sample"),
    "not_utf8": ("repaired", "line that is not UTF-8, read as cp1252 (Windows-1252)",
                 "lines that are not UTF-8, read as cp1252 (Windows-1252)", ""),
    "control_characters": ("repaired", "row with control characters or stray byte-order marks, removed",
                           "rows with control characters or stray byte-order marks, removed (C1 controls that "
                           "Windows-1252 defines become that character)", ""),
    "markup": ("repaired", "row with HTML markup or entities, cleaned",
               "rows with HTML markup or entities (tags removed, entities such as &#39; decoded)", ""),
}
# Junk that --strict refuses: neither a label the user chose to skip, nor the sample, nor cleaning's own work.
STRICT_KINDS = ("empty", "no_label", "duplicate", "conflicting_labels", "not_utf8", "control_characters")
# Kinds whose rows leave the data; the sum of these and the kept rows is the file's data rows.
REMOVED = ("dropped", "left out")
MAX_EXAMPLES = 3


@dataclass
class DataReport:
    """Counts (and a few examples) of every kind of row handled while loading one source.

    ``rows_read`` counts the data rows of the file (or items of the data set); ``rows_kept``
    what remained after every stage: ``rows_read == rows_kept + removed``. ``row`` in the
    examples is the row id the loaded data keeps in its ``row`` column: the physical start
    line of a CSV/TSV record, the line of a JSONL object, the item number in a JSON array,
    the index in a Hub data set. ``location`` (the path as given) starts error messages.
    """

    source: str = ""
    encoding: str = "utf-8"
    byte_order_mark: bool = False
    strict: bool = False
    rows_read: int = 0
    rows_kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)
    location: str = ""
    first: dict[str, dict] = field(default_factory=dict)  # kind -> the earliest row: row, where, problem, fix

    def add(self, kind: str, row, text: str = "", problem: str = "", fix: str = "", where: str = "row") -> None:
        """Count one row of ``kind`` (a key of :data:`KINDS`), keeping the first few as examples.

        ``problem`` and ``fix`` make the one-line error ``--strict`` raises when this is the
        earliest junk row of the file (``where``: "row" or "line").
        """
        if kind not in KINDS:
            raise KeyError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append({"row": row, "text": _short(text)})
        earliest = self.first.get(kind)
        if problem and (earliest is None or _order(row) < _order(earliest["row"])):
            self.first[kind] = {"row": row, "where": where, "problem": problem, "fix": fix}

    def count(self, kind: str, n: int) -> None:
        """Count ``n`` rows of ``kind`` at once (rows left out of a sample: no examples)."""
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + int(n)

    @property
    def dropped(self) -> int:
        return sum(n for kind, n in self.counts.items() if KINDS[kind][0] == "dropped")

    @property
    def removed(self) -> int:
        """Rows that left the data: dropped, or left out of the sample."""
        return sum(n for kind, n in self.counts.items() if KINDS[kind][0] in REMOVED)

    @property
    def clean(self) -> bool:
        """True when nothing was dropped, left out or repaired."""
        return not self.counts

    def check_strict(self, before=None) -> None:
        """With ``strict``: raise for the earliest junk row (the first in file order), if any.

        ``before``: only junk found before this row (an error at that row is about to be raised).
        """
        if not self.strict:
            return
        found = [f for kind, f in self.first.items() if kind in STRICT_KINDS
                 and (before is None or _order(f["row"]) < _order(before))]
        if found:
            first = min(found, key=lambda f: _order(f["row"]))
            raise DataError(f"{self.location or self.source}, {first['where']} {first['row']}: {first['problem']}; "
                            f"{first['fix'] or 'drop --strict to drop such rows'}")

    @classmethod
    def from_dict(cls, data: dict) -> "DataReport":
        """The report back from :meth:`to_dict` (what metrics.json and the run card keep)."""
        from dataclasses import fields

        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("first")
        out.pop("location")
        out["dropped"] = self.dropped
        out["removed"] = self.removed
        out["descriptions"] = {kind: KINDS[kind][2] for kind in self.counts}
        return out

    def summary_lines(self) -> list[str]:
        """One line per kind with examples, then the sum: every data row accounted for."""
        lines = []
        for kind, n in self.counts.items():
            action, one, many, _ = KINDS[kind]
            what = one if n == 1 else many
            where = "line" if kind == "not_utf8" else "row"
            shown = ", ".join(f"{where} {e['row']} {e['text']!r}" for e in self.examples.get(kind, []))
            lines.append(f"{self.source}: {action} {n:,} {what}" + (f"; e.g. {shown}" if shown else ""))
        if self.removed:  # rows left the data: say where every one of them went
            lines.append(self.total_line())
        return lines

    def total_line(self) -> str:
        """``r.csv: kept 23 of 32 data rows (32 = 23 kept + 4 with no words + ...)``."""
        parts = [f"{self.rows_kept:,} kept"] + [f"{n:,} {_sum_name(kind, n)}" for kind, n in self.counts.items()
                                                if KINDS[kind][0] in REMOVED]
        sign = "=" if self.rows_kept + self.removed == self.rows_read else "≠"
        hint = "" if self.strict else "; pass --strict to stop at the first junk row instead"
        return (f"{self.source}: kept {self.rows_kept:,} of {self.rows_read:,} data rows "
                f"({self.rows_read:,} {sign} {' + '.join(parts)}{hint})")

    def print(self) -> None:
        for line in self.summary_lines():
            print(line, flush=True)


def _sum_name(kind: str, n: int) -> str:
    one, _, many = KINDS[kind][3].partition("|")
    return many if many and n != 1 else one


def _order(row) -> tuple:
    """Sort key of a row id: numbers in numeric order, before anything else."""
    try:
        return (0, float(row), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(row))


def _short(text: str, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
