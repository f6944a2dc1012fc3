"""A local stand-in of the Hugging Face Hub, for running the ``full`` tier offline in tests.

:func:`build` writes, in a few seconds, a Hub cache with every model the ``full`` tier
loads (small, with the real architectures and config formats) and a prepared
IMDB-shaped ``stanfordnlp/imdb``; :meth:`HubStandIn.env` gives the environment under
which the unchanged ``from_pretrained("distilbert-base-uncased")`` and
``load_dataset("stanfordnlp/imdb")`` calls find them with ``HF_HUB_OFFLINE=1``.
Nothing in ``coursekit`` knows about the stand-in.

Used by ``tests/test_full_tier.py`` (a session fixture) and, for the notebooks, by the
pytest plugin in :mod:`hub_standin.plugin` (``make test`` runs it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .imdb import REPO_ID as IMDB_REPO_ID, ImdbSizes, build_imdb

# Small sizes for the notebooks' parameters cells on the full tier (see Makefile / plugin).
NOTEBOOK_ENV = {
    "COURSEKIT_CV_FOLDS": "2",
    "COURSEKIT_LATENCY_REPEATS": "2",
    "COURSEKIT_METHODS_SAMPLES": "120",  # lesson 05: three tiny runs (the comparison's mechanics, not its figures)
    "COURSEKIT_METHODS_EPOCHS": "1",
}


@dataclass
class HubStandIn:
    root: Path
    models: dict[str, Path] = field(default_factory=dict)  # Hub id -> snapshot folder
    datasets: dict[str, Path] = field(default_factory=dict)

    @property
    def hub_cache(self) -> Path:
        return self.root / "hub"

    @property
    def datasets_cache(self) -> Path:
        return self.root / "datasets"

    def env(self) -> dict[str, str]:
        """Environment variables that point the Hugging Face libraries at the stand-in, offline."""
        return {
            "HF_HUB_CACHE": str(self.hub_cache),
            "HF_DATASETS_CACHE": str(self.datasets_cache),
            "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }


def hub_ids(profile) -> dict[str, str]:
    """Every Hub id a tier loads, by role (local folders and ``tiny-`` configs are not Hub ids)."""
    roles = {"model": profile.model, "sentence_model": profile.sentence_model,
             "vision_encoder": profile.vision_encoder, "text_decoder": profile.text_decoder}
    return {role: name for role, name in roles.items() if not Path(name).exists() and not name.startswith("tiny-")}


def _no_progress_bars() -> None:
    """Saving models and preparing the data set print progress bars that mean nothing in a test log."""
    import datasets
    import huggingface_hub.utils
    import transformers

    datasets.disable_progress_bars()
    huggingface_hub.utils.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()


def build(root: str | Path, imdb_sizes: ImdbSizes = ImdbSizes()) -> HubStandIn:
    """Write the stand-in under ``root`` for every Hub id of the ``full`` profile (quietly: no progress bars)."""
    _no_progress_bars()
    from coursekit.data.loading import HUB_DATASETS
    from coursekit.profiles import get_profile, offline_model_path

    from . import models

    full = get_profile("full")
    source = Path(offline_model_path())
    standin = HubStandIn(Path(root))
    builders = {
        "model": lambda name: models.build_distilbert(standin.hub_cache, name, source),
        "sentence_model": lambda name: models.build_sentence_model(standin.hub_cache, name, source),
        "vision_encoder": lambda name: models.build_vit(standin.hub_cache, name),
        "text_decoder": lambda name: models.build_gpt2(standin.hub_cache, name),
    }
    for role, name in hub_ids(full).items():
        standin.models[name] = builders[role](name)
    if HUB_DATASETS.get(full.dataset) != IMDB_REPO_ID:
        raise ValueError(f"the full tier's data set {full.dataset!r} is not the stand-in's {IMDB_REPO_ID}")
    standin.datasets[IMDB_REPO_ID] = build_imdb(standin.datasets_cache, imdb_sizes)
    return standin
