"""Part 1 demos: parameter counts, extractive summaries, sentiment pipeline, captioning."""
from __future__ import annotations

import pytest

from coursekit.fundamentals import (build_captioner, caption_image, fine_tune_captioner, make_demo_image,
                                    parameter_report, sentiment_pipeline, split_sentences, summarize_extractive)
from coursekit.profiles import get_profile


@pytest.fixture(scope="module")
def profile():
    return get_profile("offline")


def test_parameter_report_finds_only_the_new_head(profile):
    report = parameter_report(profile.model)
    assert report["new_weights"] == ["classifier.bias", "classifier.weight"]
    assert report["new_parameters"] == 384 * 2 + 2  # hidden size 384, two classes
    assert report["total_parameters"] == report["pretrained_parameters"] + report["new_parameters"]


def test_split_sentences_keeps_abbreviations_in_numbers():
    text = "Rent is 1,200.50 euros. It is due monthly! Is it late? (Yes.) Then a fee applies."
    assert split_sentences(text) == ["Rent is 1,200.50 euros.", "It is due monthly!", "Is it late?", "(Yes.)",
                                     "Then a fee applies."]


def test_extractive_summary_prefers_central_sentences(profile):
    text = ("The tenant pays the rent monthly. Late rent payments incur a fee. "
            "Penguins live in Antarctica. The rent is paid to the landlord by bank transfer.")
    summary = summarize_extractive(text, profile.sentence_model, n_sentences=2)
    assert "Penguins live in Antarctica." not in summary.sentences
    assert len(summary.sentences) == 2 and summary.scores.index(min(summary.scores)) == 2


def test_untrained_sentiment_head_is_unsure(profile):
    out = sentiment_pipeline(profile.model)(["great", "terrible"])
    assert {o["label"] for o in out} <= {"NEGATIVE", "POSITIVE"}
    assert all(abs(o["score"] - 0.5) < 0.1 for o in out)


def test_captioner_learns_a_caption(profile):
    captioner = build_captioner(profile)
    image = make_demo_image()
    assert image.size == (224, 224)
    losses = fine_tune_captioner(captioner, image, "a yellow sun over a blue sea")
    assert losses[-1] < 0.2 * losses[0]
    assert caption_image(captioner, image) == "a yellow sun over a blue sea"


def test_full_tier_captioner_needs_the_hub():
    from coursekit.errors import HubUnreachableError

    with pytest.raises(HubUnreachableError, match="offline"):
        build_captioner(get_profile("full"))
