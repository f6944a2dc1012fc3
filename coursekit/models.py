"""Load the tier's pre-trained model and tokenizer, with a clear error when the Hub is unreachable."""
from __future__ import annotations

from pathlib import Path

from .errors import HubUnreachableError
from .labels import ID2LABEL, LABEL2ID


def _hub_error(name: str, exc: Exception) -> HubUnreachableError:
    return HubUnreachableError(
        f"could not load '{name}' from the Hugging Face Hub ({exc.__class__.__name__}). "
        "The 'full' tier downloads the model; without network use the offline tier: "
        "--profile offline or COURSEKIT_PROFILE=offline"
    )


def _is_local(name: str) -> bool:
    return Path(name).exists()


def load_tokenizer(name: str):
    """The model's own tokenizer (a Hub id or a local folder)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name)
    except OSError as exc:
        if _is_local(name):
            raise
        raise _hub_error(name, exc) from exc


def load_classifier(name: str):
    """A pre-trained encoder with a fresh 2-class head labelled NEGATIVE/POSITIVE."""
    from transformers import AutoModelForSequenceClassification

    try:
        return AutoModelForSequenceClassification.from_pretrained(
            name, num_labels=len(ID2LABEL), id2label=ID2LABEL, label2id=LABEL2ID
        )
    except OSError as exc:
        if _is_local(name):
            raise
        raise _hub_error(name, exc) from exc
