"""What loading and cleaning did to a data file: rows dropped or repaired, by kind, with examples.

Real exports hold junk that a careful tool handles rather than refuses: rows with no
words, exact duplicates, the same text with both labels, lines that are not UTF-8,
stray control characters. By default they are dropped (or repaired) and counted in a
:class:`DataReport`; with ``strict=True`` (``--strict``) each is an error instead.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# kind -> (what happened to such rows, what one is, what several are)
KINDS = {
    "empty": ("dropped", "row with no words",
              "rows with no words (empty, or only spaces, punctuation, symbols or emoji)"),
    "no_label": ("dropped", "row with text but no label", "rows with text but no label"),
    "duplicate": ("dropped", "exact duplicate of an earlier row", "exact duplicates of an earlier row (same text, same "
                                                                   "label; the first is kept)"),
    "conflicting_labels": ("dropped", "row whose text also appears with the other label",
                           "rows whose text also appears with the other label (every copy is dropped)"),
    "label_skipped": ("dropped", "row whose label the label map skips", "rows whose label the label map skips"),
    "not_utf8": ("repaired", "line that is not UTF-8, read as cp1252 (Windows-1252)",
                 "lines that are not UTF-8, read as cp1252 (Windows-1252)"),
    "control_characters": ("repaired", "row with control characters or stray byte-order marks, removed",
                           "rows with control characters or stray byte-order marks, removed (C1 controls that "
                           "Windows-1252 defines become that character)"),
}
MAX_EXAMPLES = 3


@dataclass
class DataReport:
    """Counts (and a few examples) of every kind of junk handled while loading one source.

    ``rows_read`` counts the data rows of the file (or items of the data set); ``rows_kept``
    what remained after every stage. ``row`` in the examples is the row id the loaded data
    keeps in its ``row`` column: the physical start line of a CSV/TSV record, the line of a
    JSONL object, the item number in a JSON array, the index in a Hub data set.
    """

    source: str = ""
    encoding: str = "utf-8"
    byte_order_mark: bool = False
    strict: bool = False
    rows_read: int = 0
    rows_kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, kind: str, row, text: str = "") -> None:
        """Count one row of ``kind`` (a key of :data:`KINDS`), keeping the first few as examples."""
        if kind not in KINDS:
            raise KeyError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append({"row": row, "text": _short(text)})

    @property
    def dropped(self) -> int:
        return sum(n for kind, n in self.counts.items() if KINDS[kind][0] == "dropped")

    @property
    def clean(self) -> bool:
        """True when nothing was dropped or repaired."""
        return not self.counts

    def to_dict(self) -> dict:
        out = asdict(self)
        out["dropped"] = self.dropped
        out["descriptions"] = {kind: KINDS[kind][2] for kind in self.counts}
        return out

    def summary_lines(self) -> list[str]:
        """One line per kind, e.g. ``dropped 2 rows with no words (...): row 5 '*', row 9 '🙂'``."""
        lines = []
        for kind, n in self.counts.items():
            action, one, many = KINDS[kind]
            what = one if n == 1 else many
            where = "line" if kind == "not_utf8" else "row"
            shown = ", ".join(f"{where} {e['row']} {e['text']!r}" for e in self.examples.get(kind, []))
            lines.append(f"{self.source}: {action} {n} {what}" + (f"; e.g. {shown}" if shown else ""))
        if self.counts:
            lines.append(f"{self.source}: kept {self.rows_kept} of {self.rows_read} rows"
                         " (pass --strict to make these errors instead)")
        return lines

    def print(self) -> None:
        for line in self.summary_lines():
            print(line, flush=True)


def _short(text: str, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
