"""Precision: of the texts predicted positive, the share that are positive.

An ``evaluate`` metric module written by coursekit so it loads offline by path:
``evaluate.load(coursekit.metrics.metric_path("precision"))``.
"""
import evaluate

from coursekit.metrics import scores
from coursekit.metrics.base import classification_metric_info


class Precision(evaluate.Metric):
    def _info(self):
        return classification_metric_info("Precision: of the texts predicted positive, the share that are positive.")

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"precision": scores.precision(references, predictions, average=average, pos_label=pos_label,
                               zero_division=zero_division)}
