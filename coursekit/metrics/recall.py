"""Recall: of the positive texts, the share predicted positive.

An `evaluate` metric module written by coursekit so it loads offline by path:
`evaluate.load(coursekit.metrics.metric_path("recall"))`. The maths is scikit-learn's.
"""
import datasets
import evaluate
from sklearn.metrics import recall_score


class Recall(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="Recall: of the positive texts, the share predicted positive.",
            citation="",
            inputs_description="predictions and references: lists of integer class ids",
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"recall": float(recall_score(references, predictions, average=average, pos_label=pos_label, zero_division=zero_division))}
