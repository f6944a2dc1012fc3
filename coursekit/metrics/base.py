"""The shared part of the project's ``evaluate`` metric modules (scikit-learn does the maths)."""
from __future__ import annotations

import datasets
import evaluate


def classification_metric_info(description: str) -> evaluate.MetricInfo:
    """``MetricInfo`` for a metric over integer predictions and references.

    (A shared base class would not do: ``evaluate`` loads the first ``Metric`` subclass it
    finds in a module file, which would be the imported base.)
    """
    return evaluate.MetricInfo(
        description=description,
        citation="",
        inputs_description="predictions and references: lists of integer class ids",
        features=datasets.Features({"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}),
    )
