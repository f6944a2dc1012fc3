"""F1: the harmonic mean of precision and recall.

An ``evaluate`` metric module written by coursekit so it loads offline by path:
``evaluate.load(coursekit.metrics.metric_path("f1"))``.
"""
import evaluate

from coursekit.metrics import scores
from coursekit.metrics.base import classification_metric_info


class F1Score(evaluate.Metric):
    def _info(self):
        return classification_metric_info("F1: the harmonic mean of precision and recall.")

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"f1": scores.f1(references, predictions, average=average, pos_label=pos_label,
                        zero_division=zero_division)}
