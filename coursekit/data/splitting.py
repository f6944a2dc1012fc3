"""A seeded, stratified train/validation/test split (80/10/10 by default)."""
from __future__ import annotations

from ..defaults import DEFAULT_SEED, SPLIT_FRACTIONS
from ..errors import DataError


def split_dataset(dataset, fractions=SPLIT_FRACTIONS, seed: int = DEFAULT_SEED, label_column: str = "label",
                  text_column: str = "text"):
    """Split ``dataset`` into a ``DatasetDict`` with train, validation and test parts.

    Stratified on ``label_column`` so each part keeps the class balance; the same seed
    gives the same split on every machine. Rows with the same text always land in the
    same part (a duplicate in train and test would be a leak). Model selection uses
    ``validation``; the ``test`` part is scored once, at the end.
    """
    import datasets
    from sklearn.model_selection import train_test_split

    if len(fractions) != 3 or abs(sum(fractions) - 1.0) > 1e-6 or min(fractions) <= 0:
        raise DataError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    groups = _groups_by_text(dataset, text_column)
    all_labels = list(dataset[label_column])
    labels = [all_labels[members[0]] for members in groups]
    counts = {lab: labels.count(lab) for lab in set(labels)}
    if min(counts.values()) < 3:
        raise DataError(f"each class needs at least 3 examples to split three ways; class counts: {counts}")
    indices = list(range(len(labels)))
    train_frac, val_frac, test_frac = fractions
    try:
        train_idx, rest_idx = train_test_split(
            indices, test_size=val_frac + test_frac, stratify=labels, random_state=seed
        )
        rest_labels = [labels[i] for i in rest_idx]
        # A tiny sample of imbalanced data can leave one review of the rare class for validation and test
        # together: that one cannot be stratified, and goes where a seeded shuffle puts it.
        stratify = rest_labels if min(rest_labels.count(lab) for lab in set(rest_labels)) >= 2 else None
        val_idx, test_idx = train_test_split(
            rest_idx, test_size=test_frac / (val_frac + test_frac), stratify=stratify, random_state=seed
        )
    except ValueError as exc:
        raise DataError(f"cannot make a stratified split of {len(labels)} rows: {exc}") from exc

    def rows(group_ids):
        return sorted(row for g in group_ids for row in groups[g])

    return datasets.DatasetDict(
        train=dataset.select(rows(train_idx)),
        validation=dataset.select(rows(val_idx)),
        test=dataset.select(rows(test_idx)),
    )


def _groups_by_text(dataset, text_column: str) -> list[list[int]]:
    """Row indices grouped by identical text, in order of first appearance."""
    if text_column not in dataset.column_names:
        return [[i] for i in range(len(dataset))]
    first: dict[str, int] = {}
    groups: list[list[int]] = []
    for i, text in enumerate(dataset[text_column]):
        if text in first:
            groups[first[text]].append(i)
        else:
            first[text] = len(groups)
            groups.append([i])
    return groups
