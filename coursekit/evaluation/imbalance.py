"""What a rare class does to the numbers, in sentences computed from the data and the predictions.

Lessons 02 and 03 state every claim through these functions, so a figure in a lesson is
always the one measured in it: the share of each class, what a model that always answers
the majority class would score, which slice of the bias audit is worse than the rest
beyond its interval, and the model's mistakes in full.
"""
from __future__ import annotations

import textwrap

import numpy as np

from coursekit.evaluation.intervals import count_scores
from coursekit.labels import LABEL_NAMES


def majority_baseline(y_true) -> dict:
    """Scores of the rule "always the majority class": what accuracy alone would call good."""
    y_true = np.asarray(y_true if isinstance(y_true, np.ndarray) else list(y_true)).astype(int)
    majority = int(np.mean(y_true) >= 0.5)
    scores = count_scores(y_true, np.full_like(y_true, majority))
    return {"majority": LABEL_NAMES[majority], "share": float(np.mean(y_true == majority)), "n": int(y_true.size),
            "n_negative": int(np.sum(y_true == 0)), **scores}


def describe_imbalance(y_true, what: str = "reviews") -> str:
    """The class shares and what they do to accuracy, in two sentences."""
    base = majority_baseline(y_true)
    other = "NEGATIVE" if base["majority"] == "POSITIVE" else "POSITIVE"
    return (f"{base['share']:.1%} of the {base['n']:,} {what} are {base['majority']} ({base['n_negative']:,} are "
            f"NEGATIVE). A model that answers {base['majority']} for every review, without reading it, scores "
            f"accuracy {base['accuracy']:.3f} and finds none of the {other} ones: macro-F1 {base['f1_macro']:.3f}, "
            f"negative-class F1 {base['f1_negative']:.3f}. Accuracy has to beat {base['accuracy']:.3f} before it "
            "means anything here; macro-F1 and the negative class's F1 say what a model finds.")


def describe_slices(table, metric: str = "f1_macro") -> str:
    """Which slices of a :func:`~coursekit.evaluation.slices.slice_metrics` table (with intervals) are
    worse than the model overall beyond doubt (their interval lies below the overall value)."""
    overall = table[table["column"] == "overall"].iloc[0]
    slices = table[(table["column"] != "overall") & ~table["small"]]
    low = f"{metric}_low"
    if low not in table:
        return "no intervals were computed (n_bootstrap=0)"
    worse = slices[slices[f"{metric}_high"] < overall[metric]]
    worst = slices.sort_values(metric).iloc[0] if not slices.empty else None
    text = f"Overall {metric.replace('_', '-')} is {overall[metric]:.3f} on {int(overall['n']):,} reviews. "
    if worst is not None:
        text += (f"The lowest slice is {worst['column']} = {worst['value']} ({worst[metric]:.3f}, 95% interval "
                 f"{worst[low]:.3f} to {worst[f'{metric}_high']:.3f}, n = {int(worst['n']):,}, "
                 f"{int(worst['n_negative'])} unhappy). ")
    if worse.empty:
        return text + ("No slice's interval lies wholly below the overall figure: on this data no group is served "
                       "worse beyond what chance explains (which is not proof that none is: small slices have wide "
                       "intervals).")
    names = ", ".join(f"{r['column']} = {r['value']}" for _, r in worse.iterrows())
    return text + f"Worse than overall beyond its interval: {names}. Those are the groups to look at first."


def describe_mistakes(table, columns=("Rating", "Department Name", "Age"), width: int = 100) -> str:
    """Each mistake of a :func:`~coursekit.evaluation.slices.most_confident_mistakes` table in full:
    the gold label, what the model said and how sure, the row's stars and department, the whole text."""
    blocks = []
    for _, mistake in table.iterrows():
        facts = [f"{c} {mistake[c]}" for c in columns if c in mistake and str(mistake[c]) not in ("", "nan")]
        head = (f"row {mistake['row']}: labelled {mistake['label']}, the model said {mistake['predicted']} "
                f"with P = {mistake['confidence']:.3f}" + (f" ({', '.join(facts)})" if facts else ""))
        blocks.append(head + "\n" + textwrap.fill(str(mistake["text"]), width, initial_indent="    ",
                                                  subsequent_indent="    "))
    return "\n\n".join(blocks)


def error_rates(predictions, column: str):
    """Per value of ``column`` (e.g. the star ``Rating``): reviews, mistakes and the share wrong."""
    import pandas as pd

    frame = predictions.to_frame()
    grouped = frame.groupby(column)["correct"]
    table = pd.DataFrame({"reviews": grouped.size(), "mistakes": grouped.size() - grouped.sum()})
    table["share wrong"] = table["mistakes"] / table["reviews"]
    return table
