"""Accuracy: the share of predictions equal to the reference label.

An ``evaluate`` metric module written by coursekit so it loads offline by path:
``evaluate.load(coursekit.metrics.metric_path("accuracy"))``.
"""
import evaluate

from coursekit.metrics import scores
from coursekit.metrics.base import classification_metric_info


class Accuracy(evaluate.Metric):
    def _info(self):
        return classification_metric_info("Accuracy: the share of predictions equal to the reference label.")

    def _compute(self, predictions, references, sample_weight=None):
        return {"accuracy": scores.accuracy(references, predictions, sample_weight=sample_weight)}
