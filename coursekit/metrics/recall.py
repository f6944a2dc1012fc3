"""Recall: of the positive texts, the share predicted positive.

An ``evaluate`` metric module written by coursekit so it loads offline by path:
``evaluate.load(coursekit.metrics.metric_path("recall"))``.
"""
import evaluate

from coursekit.metrics import scores
from coursekit.metrics.base import classification_metric_info


class Recall(evaluate.Metric):
    def _info(self):
        return classification_metric_info("Recall: of the positive texts, the share predicted positive.")

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"recall": scores.recall(references, predictions, average=average, pos_label=pos_label,
                            zero_division=zero_division)}
