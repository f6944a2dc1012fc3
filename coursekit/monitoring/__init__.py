"""Watching the deployed model: what the scoring script collected, against what training saw.

- :mod:`.reference`: the reference profile written into the model folder at training
  (validation scores, predicted-positive share, text lengths, unknown tokens, vocabulary);
- :mod:`.logs`: reads the collected requests (local JSON Lines, or the files Azure ML's
  data collector exports) into columns;
- :mod:`.stats`: population stability index, two-sample tests, percentiles (numpy/scipy);
- :mod:`.signals`: traffic, latency, errors, prediction drift and data drift, each with
  its threshold; :mod:`.page`: the HTML page with plots; ``coursekit monitor`` runs them.
"""
from .reference import REFERENCE_NAME, build_reference, find_reference, read_reference, write_reference

__all__ = ["REFERENCE_NAME", "build_reference", "find_reference", "read_reference", "write_reference"]
