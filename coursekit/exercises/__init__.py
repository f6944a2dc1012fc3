"""Exercises and ✅ Check cells: "not attempted" placeholders, checks that explain themselves.

>>> from coursekit.exercises import check
>>> with check("the split keeps the balance") as c:
...     c.that(abs(share - 0.5) < 0.05, f"the positive share is {share:.2f}, expected about 0.50")
✔ passed: the split keeps the balance
"""
from coursekit.exercises.core import (
    Check,
    CheckFailed,
    NotAttempted,
    check,
    is_attempted,
    not_attempted,
    progress,
    progress_report,
    reset_progress,
)
from coursekit.exercises.lessons import (
    check_least_central,
    check_precision_recall,
    check_small_data_fix,
    check_stars_map,
)
from coursekit.exercises.training import (
    check_training_setup,
    describe_training,
    discard_checkpoints,
    train_student_trainer,
)

__all__ = [
    "Check", "CheckFailed", "NotAttempted", "check", "check_least_central", "check_precision_recall",
    "check_small_data_fix", "check_stars_map", "check_training_setup", "describe_training", "discard_checkpoints",
    "is_attempted",
    "not_attempted",
    "progress", "progress_report", "reset_progress", "train_student_trainer",
]
