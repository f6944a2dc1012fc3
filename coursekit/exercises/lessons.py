"""The ✅ Check of each lesson's exercises: pass, "not attempted", or what is wrong."""
from __future__ import annotations

from coursekit.exercises.core import Check


def check_least_central(least_central, summary) -> None:
    """Part 1: ``least_central`` is the lease sentence with the lowest score."""
    check = Check("least_central is the least central sentence")
    if check.attempted(least_central=least_central):
        sentences, scores = list(summary.all_sentences), list(summary.scores)
        if least_central not in sentences:
            check.that(False, f"least_central must be one of summary.all_sentences, got {str(least_central)[:60]!r}")
        else:
            score = scores[sentences.index(least_central)]
            check.that(score == min(scores), f"its score is {score:.3f}, but the lowest score is {min(scores):.3f} "
                                             "(use the index of min(summary.scores))")
    check.finish()


def check_stars_map(stars_map, shop_file, text_column: str = "Review Text", label_column: str = "Rating") -> None:
    """Part 2: ``stars_map`` turns the shop's star ratings into labels: 1-2 stars 0, 4-5 stars 1, 3 stars skipped.

    The file is read twice, with the student's map and with the course's
    (:data:`coursekit.data.shop.STARS_TO_LABELS`): the same rows must come out with the same labels.
    """
    from coursekit.data import load_reviews
    from coursekit.data.report import DataReport
    from coursekit.data.shop import STARS_TO_LABELS
    from coursekit.errors import DataError

    check = Check("stars_map turns the shop's star ratings into labels")
    if check.attempted(stars_map=stars_map):
        if not isinstance(stars_map, dict):
            check.that(False, f"stars_map must be a dict like {{1: 0, 3: \"skip\"}}, got a {type(stars_map).__name__}")
        else:
            options = dict(text_column=text_column, label_column=label_column)
            try:
                yours = load_reviews(shop_file, label_map=stars_map, report=DataReport(), **options)
            except DataError as exc:
                check.that(False, f"load_reviews could not use it: {exc}")
                yours = None
            if yours is not None:
                wanted = load_reviews(shop_file, label_map=STARS_TO_LABELS, report=DataReport(), **options)
                same_rows = list(yours["row"]) == list(wanted["row"])
                check.that(same_rows, f"{len(yours):,} reviews came out, expected {len(wanted):,}: 3-star reviews "
                                      "are neither happy nor unhappy here, map them to \"skip\"")
                check.that(not same_rows or list(yours["label"]) == list(wanted["label"]),
                           "some ratings got the wrong label: 1-2 stars are negative (0), 4-5 stars positive (1)")
    check.finish()


def check_precision_recall(my_precision, my_recall, predictions, target: int = 1) -> None:
    """Part 3: precision and recall computed by hand agree with scikit-learn's, for the ``target`` class
    (1 = POSITIVE; 0 = NEGATIVE, the unhappy customers)."""
    from sklearn.metrics import precision_score, recall_score

    from coursekit.labels import LABEL_NAMES

    name = LABEL_NAMES[target]
    check = Check(f"your precision and recall of the {name} class match scikit-learn's")
    if check.attempted(my_precision=my_precision, my_recall=my_recall):
        y_true, y_pred = predictions.y_true, predictions.y_pred
        want_p = precision_score(y_true, y_pred, pos_label=target, zero_division=0)
        want_r = recall_score(y_true, y_pred, pos_label=target, zero_division=0)
        hits = "predicted and true " + name
        for label, got, want, formula in (
                ("my_precision", my_precision, want_p, f"({hits}) / (predicted {name})"),
                ("my_recall", my_recall, want_r, f"({hits}) / (true {name})")):
            try:
                value = float(got)
            except (TypeError, ValueError):
                check.that(False, f"{label} must be a number, got {got!r}")
                continue
            check.that(abs(value - want) < 1e-9, f"{label} is {value:.4f}, expected {want:.4f} = {formula}")
    check.finish()


def check_small_data_fix(small_run, fixed_run, min_gain: float = 0.05, floor: float = 0.7) -> None:
    """Part 2: the new settings learn from the same small set what the assignment's did not, judged by
    validation macro-F1 (accuracy when a run has none): on data that is mostly positive, a model
    that answers "positive" to everything keeps a high accuracy and a macro-F1 under 0.5."""
    check = Check("the new settings learn from the small set")
    if check.attempted(fixed_run=fixed_run):
        key = "f1_macro" if "f1_macro" in small_run.validation_metrics else "accuracy"
        name = "macro-F1" if key == "f1_macro" else "accuracy"
        before, after = small_run.validation_metrics[key], fixed_run.validation_metrics[key]
        check.that(after >= floor, f"validation {name} is {after:.3f}, below {floor}: "
                                   "try a higher learning_rate or more epochs (and early_stopping_patience=0)")
        check.that(after >= min(before + min_gain, 0.97),
                   f"validation {name} went from {before:.3f} to {after:.3f}: not a clear improvement")
        if not check.problems:
            check.note(f"validation {name} {before:.3f} → {after:.3f}")
    check.finish()
