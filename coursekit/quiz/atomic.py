"""Atomic writes for quiz files, submissions and gradebooks (see :mod:`coursekit.fileio`)."""
from coursekit.fileio import write_json_atomic, write_text_atomic

__all__ = ["write_json_atomic", "write_text_atomic"]
