"""TF-IDF + logistic regression: the classical baseline that shows what fine-tuning buys."""
from __future__ import annotations

from coursekit.defaults import DEFAULT_SEED
from coursekit.evaluation.examples import read_examples
from coursekit.evaluation.predict import Predictions


def make_baseline(*, ngram_range=(1, 2), min_df: int = 1, C: float = 1.0, class_weight="balanced", seed: int = DEFAULT_SEED):
    """An unfitted scikit-learn Pipeline: word uni+bigram TF-IDF, then logistic regression.

    ``class_weight="balanced"`` weighs each class by the inverse of its share: on data that is
    88% positive, scikit-learn's unweighted default answers POSITIVE for every review of a
    2,000-review sample (macro-F1 0.47, benchmarks/RESULTS.md), a baseline that tells nothing;
    balanced, it is a fair competitor on macro-F1. ``class_weight=None`` restores the default.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(ngram_range=ngram_range, min_df=min_df, sublinear_tf=True, strip_accents="unicode")),
            ("logreg", LogisticRegression(C=C, class_weight=class_weight, max_iter=1000, random_state=seed)),
        ]
    )


def train_baseline(data, *, text_column: str = "text", label_column: str = "label", **options):
    """Fit :func:`make_baseline` on labelled ``data`` (Dataset, DataFrame or dict)."""
    from coursekit.errors import EvaluationError

    examples = read_examples(data, text_column, label_column)
    if examples.labels is None:
        raise EvaluationError(f"training the baseline needs a label column {label_column!r}")
    if len(set(examples.labels.tolist())) < 2:
        raise EvaluationError("training the baseline needs both classes in the training data")
    return make_baseline(**options).fit(examples.texts, examples.labels)


def predict_baseline(
    pipeline, data, *, text_column: str = "text", label_column: str = "label", threshold: float = 0.5
) -> Predictions:
    """:class:`Predictions` of a fitted baseline, in the same form as :func:`predict`."""
    examples = read_examples(data, text_column, label_column)
    positive_column = list(pipeline.classes_).index(1)
    probabilities = pipeline.predict_proba(examples.texts)[:, positive_column]
    return Predictions.from_probabilities(
        examples.texts, probabilities, examples.labels, examples.extra, threshold=threshold
    )
