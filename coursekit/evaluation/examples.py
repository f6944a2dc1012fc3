"""Turn what students pass in (a datasets.Dataset, a DataFrame, a list of texts) into
texts, 0/1 gold labels and the other columns (such as ``domain``) kept for slicing."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coursekit.errors import EvaluationError
from coursekit.labels import LABEL_NAMES

# Columns made by tokenization or training: never kept as slicing columns.
_MODEL_COLUMNS = {"input_ids", "attention_mask", "token_type_ids", "labels"}
_LABEL_WORDS = {"negative": 0, "neg": 0, "0": 0, "positive": 1, "pos": 1, "1": 1}


@dataclass
class Examples:
    texts: list[str]
    labels: np.ndarray | None
    extra: dict[str, list] = field(default_factory=dict)


def read_examples(data, text_column: str = "text", label_column: str = "label") -> Examples:
    """Texts, labels (``None`` when the data has no label column) and scalar extra columns."""
    if isinstance(data, str):
        raise EvaluationError("pass a list of texts, a DataFrame or a Dataset, not a single string")
    columns = _as_columns(data, text_column)
    if text_column not in columns:
        raise EvaluationError(
            f"no text column {text_column!r} in the data; columns are: {', '.join(columns) or 'none'}"
        )
    texts = columns[text_column]
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise EvaluationError(f"row {row}: {text_column!r} is {type(text).__name__}, not text")
    if not texts:
        raise EvaluationError("the data has no rows: nothing to evaluate")
    labels = None
    if label_column in columns:
        labels = np.array([label_id(value, row, label_column) for row, value in enumerate(columns[label_column])])
    extra = {
        name: list(values)
        for name, values in columns.items()
        if name not in (text_column, label_column, *_MODEL_COLUMNS)
        and all(v is None or isinstance(v, (str, int, float, bool, np.generic)) for v in values)
    }
    return Examples(list(texts), labels, extra)


def label_id(value, row: int = 0, column: str = "label") -> int:
    """0/1 from an int, a bool or a word such as "positive"/"NEGATIVE"."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)) and int(value) in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _LABEL_WORDS:
        return _LABEL_WORDS[value.strip().lower()]
    raise EvaluationError(
        f"row {row}: {column!r} is {value!r}; expected 0/1 or one of {', '.join(LABEL_NAMES)}"
    )


def _as_columns(data, text_column: str) -> dict[str, list]:
    try:
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            return {str(c): data[c].tolist() for c in data.columns}
    except ImportError:  # pragma: no cover - pandas is a core dependency
        pass
    if hasattr(data, "column_names") and hasattr(data, "to_dict"):  # datasets.Dataset
        return {name: list(values) for name, values in data.to_dict().items()}
    if isinstance(data, dict):
        return {str(k): list(v) for k, v in data.items()}
    return {text_column: list(data)}
