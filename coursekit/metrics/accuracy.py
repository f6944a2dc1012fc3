"""Accuracy: the share of predictions equal to the reference label.

An `evaluate` metric module written by coursekit so it loads offline by path:
`evaluate.load(coursekit.metrics.metric_path("accuracy"))`. The maths is scikit-learn's.
"""
import datasets
import evaluate
from sklearn.metrics import accuracy_score


class Accuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="Accuracy: the share of predictions equal to the reference label.",
            citation="",
            inputs_description="predictions and references: lists of integer class ids",
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, sample_weight=None):
        return {"accuracy": float(accuracy_score(references, predictions, sample_weight=sample_weight))}
