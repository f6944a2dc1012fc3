"""Course-wide defaults that more than one stage uses, each written once.

The training settings and their defaults live in :mod:`coursekit.train.config`; the tiers'
models, data and max lengths in :mod:`coursekit.profiles`; the cleaning steps in
:class:`coursekit.data.CleaningConfig`. What is left is shared by stages that sit before
training (the split) and after it (bootstrap intervals, folds, the lessons' seeds).
"""
from __future__ import annotations

DEFAULT_SEED = 42  # the split, the classifier head, data order, dropout, bootstrap resamples, folds
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)  # train / validation / test
