"""Precision: of the texts predicted positive, the share that are positive.

An `evaluate` metric module written by coursekit so it loads offline by path:
`evaluate.load(coursekit.metrics.metric_path("precision"))`. The maths is scikit-learn's.
"""
import datasets
import evaluate
from sklearn.metrics import precision_score


class Precision(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="Precision: of the texts predicted positive, the share that are positive.",
            citation="",
            inputs_description="predictions and references: lists of integer class ids",
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"precision": float(precision_score(references, predictions, average=average, pos_label=pos_label, zero_division=zero_division))}
