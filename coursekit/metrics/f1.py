"""F1: the harmonic mean of precision and recall.

An `evaluate` metric module written by coursekit so it loads offline by path:
`evaluate.load(coursekit.metrics.metric_path("f1"))`. The maths is scikit-learn's.
"""
import datasets
import evaluate
from sklearn.metrics import f1_score


class F1Score(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="F1: the harmonic mean of precision and recall.",
            citation="",
            inputs_description="predictions and references: lists of integer class ids",
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, average="binary", pos_label=1, zero_division=0):
        return {"f1": float(f1_score(references, predictions, average=average, pos_label=pos_label, zero_division=zero_division))}
