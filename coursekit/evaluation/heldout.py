"""Reviews a model never saw: the rows of its data file that its training sample left out.

The offline tier trains on a seeded, stratified sample of the shop's export; the other
~17,800 reviews never reach training, validation or the test split. Scoring them costs
a few milliseconds each, so they give the figures that a 200-review test split cannot:
a negative-class F1 whose 95% interval is a few points wide, slices with hundreds of
reviews, and clear-cut examples that are not the test split (which is scored once).
"""
from __future__ import annotations

from pathlib import Path

from coursekit.errors import EvaluationError, RunCardError
from ..defaults import DEFAULT_SEED

# Reviews whose stars and "would recommend" leave no doubt (the shop's export has both columns).
CLEAR_CUT = {1: {"Rating": "5", "Recommended IND": "1"}, 0: {"Rating": "1", "Recommended IND": "0"}}


def heldout_reviews(model_dir, n: int | None = None, seed: int = DEFAULT_SEED):
    """The reviews of the model's data that its training sample left out (cleaned as training cleaned),
    optionally a stratified sample of ``n`` of them; a ``datasets.Dataset`` like the splits.

    Raises :class:`EvaluationError` when the model trained on every row (nothing is left
    out) and :class:`RunCardError` when the data file changed since training.
    """
    from coursekit.data import prepare_dataset, stratified_sample
    from coursekit.model_folder import read_run_card

    card = read_run_card(model_dir)
    data = card.data
    if not data.get("max_samples"):
        raise EvaluationError(f"{model_dir} was trained on every row of {Path(card.data_source).name}: no review "
                              "is left out of its sample (train on a sample with --max-samples N)")
    if not card.is_training_data(card.data_source):
        raise RunCardError(f"{card.data_source}: changed since {model_dir} was trained; retrain it")
    rest, _ = prepare_dataset(card.data_source, data.get("text_column"), data.get("label_column"), card.clean,
                              data["max_samples"], card.seed, data.get("has_header", True),
                              label_map=data.get("label_map") or None, cleaning=card.cleaning_config,
                              verbose=False, outside=True)
    used = {row for part in ("train", "validation", "test") if part in card.split for row in card.rows(part)}
    if used & set(rest["row"]):
        raise RunCardError(f"{model_dir}: its run card's split and today's sample of {Path(card.data_source).name} "
                           "disagree (trained by another coursekit version?); retrain it")
    return stratified_sample(rest, n, seed) if n else rest


def clear_cut_reviews(model_dir, n: int = 4, seed: int = DEFAULT_SEED, max_words: int = 40):
    """``n`` POSITIVE and ``n`` NEGATIVE real reviews the model never trained on, whose labels leave no doubt.

    From the reviews the model's sample left out, else (a model trained on another data
    set, such as IMDB on the full tier) from the shop's export, which it never saw. Where
    the data has the shop's columns, "clear-cut" means 5 stars and recommended, or 1 star
    and not recommended; short reviews (at most ``max_words``) are preferred, to be read at a glance.
    Returns a pandas DataFrame: text, label (0/1) and the data's other columns.
    """
    pool = _clear_cut_pool(model_dir)
    frame = pool.to_pandas()
    words = frame["text"].str.split().str.len()
    chosen = []
    for label in (1, 0):
        wanted = frame["label"] == label
        for column, value in CLEAR_CUT[label].items():
            if column in frame:
                wanted &= frame[column].astype(str) == value
        short = frame[wanted & (words <= max_words)]
        candidates = short if len(short) >= n else frame[wanted]
        if len(candidates) < n:
            raise EvaluationError(f"only {len(candidates)} clear-cut {'POSITIVE' if label else 'NEGATIVE'} reviews "
                                  f"outside the training data; ask for fewer than {n}")
        chosen.append(candidates.sample(n=n, random_state=seed))
    import pandas as pd

    return pd.concat(chosen, ignore_index=True)


def _clear_cut_pool(model_dir):
    from coursekit.data import prepare_dataset, shop_reviews_path
    from coursekit.model_folder import read_run_card

    card = read_run_card(model_dir)
    if card.data.get("max_samples"):
        return heldout_reviews(model_dir)
    shop = shop_reviews_path()
    if card.is_training_data(shop):
        raise EvaluationError(f"{model_dir} was trained on every review of the shop's export: none is left to "
                              "show it (train on a sample with --max-samples N)")
    return prepare_dataset(shop, verbose=False)[0]


def larger_test_set(model_dir, test_split, n: int | None = 3000, seed: int = DEFAULT_SEED) -> tuple[str, object]:
    """``(name, dataset)``: ``n`` reviews from outside the model's training sample when it has one (the offline
    tier), else its test split (the full tier trains on every review; its test split is already large)."""
    try:
        rest = heldout_reviews(model_dir)
    except EvaluationError:
        return "the test split", test_split
    from coursekit.data import stratified_sample

    picked = stratified_sample(rest, n, seed) if n else rest
    return f"{len(picked):,} reviews from outside the training sample", picked
