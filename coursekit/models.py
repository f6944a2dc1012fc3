"""Load the tier's pre-trained models from the Hub or a folder: one fast Hub check, a one-line error.

Every ``from_pretrained`` of a Hub id in coursekit goes through :func:`from_hub`:

- a local folder, or ``HF_HUB_OFFLINE=1`` (a pre-staged cache): loaded as is, no network;
- otherwise one quick probe of the Hub (:func:`coursekit.profiles.hub_probe`, no retries):
  reachable → downloaded (or reused from the cache) as usual; unreachable but cached →
  loaded from the cache; unreachable and not cached → :class:`HubUnreachableError` at once
  (instead of the libraries' five retries), naming the offline tier.
"""
from __future__ import annotations

import inspect
from pathlib import Path

from .errors import HubUnreachableError
from .labels import ID2LABEL, LABEL2ID
from .profiles import hub_offline_mode, hub_probe

OFFLINE_HINT = "without network use the offline tier: --profile offline or COURSEKIT_PROFILE=offline"


def _hub_error(name: str, cause: Exception | str) -> HubUnreachableError:
    detail = cause if isinstance(cause, str) else cause.__class__.__name__
    if hub_offline_mode():
        return HubUnreachableError(
            f"'{name}' is not in the Hugging Face cache and HF_HUB_OFFLINE=1 forbids downloading it ({detail}); "
            f"unset HF_HUB_OFFLINE on a machine with network, or {OFFLINE_HINT}"
        )
    return HubUnreachableError(
        f"could not load '{name}' from the Hugging Face Hub ({detail}). "
        f"The 'full' tier downloads the model; {OFFLINE_HINT}"
    )


def _is_local(name: str) -> bool:
    return Path(name).exists()


def _in_cache(name: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(name, "config.json"), str)


def hub_options(name: str) -> dict:
    """``from_pretrained`` keyword arguments for ``name`` (see the module docstring); may raise at once."""
    if _is_local(name) or hub_offline_mode():
        return {}
    reason = hub_probe()
    if reason is None:
        return {}
    if _in_cache(name):
        return {"local_files_only": True}
    raise _hub_error(name, reason)


def from_hub(load, name: str, adapters: bool = False, **kwargs):
    """``load(name, **kwargs)`` (a ``from_pretrained``) with the Hub check and a one-line error.

    ``adapters``: ``load`` is a model class's loader, which looks for a PEFT adapter on the Hub
    when peft is installed (``--method lora``) and does not pass ``local_files_only`` on to that
    lookup; from the cache, it is told to stay there too (else it waits for five retries)."""
    options = hub_options(name)
    if adapters and options.get("local_files_only"):
        options["adapter_kwargs"] = {"local_files_only": True}
    try:
        return load(name, **options, **kwargs)
    except OSError as exc:
        if _is_local(name):
            raise
        raise _hub_error(name, exc) from exc


def _takes_token_types(name: str) -> bool:
    """Whether the sequence classifier of ``name``'s architecture accepts ``token_type_ids``."""
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING

    config = from_hub(AutoConfig.from_pretrained, name)
    try:
        model_class = MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING[type(config)]
    except KeyError:
        return True
    return "token_type_ids" in inspect.signature(model_class.forward).parameters


def load_tokenizer(name: str):
    """The model's own tokenizer (a Hub id or a local folder), making only the inputs the model takes.

    transformers 5 gives DistilBERT the BERT tokenizer, which also makes ``token_type_ids``;
    DistilBERT has no token types, so they are dropped here (and in the saved tokenizer).
    """
    from transformers import AutoTokenizer

    tokenizer = from_hub(AutoTokenizer.from_pretrained, name)
    if "token_type_ids" in tokenizer.model_input_names and not _takes_token_types(name):
        names = [n for n in tokenizer.model_input_names if n != "token_type_ids"]
        tokenizer = from_hub(AutoTokenizer.from_pretrained, name, model_input_names=names)
    return tokenizer


def load_classifier(name: str):
    """A pre-trained encoder with a fresh 2-class head labelled NEGATIVE/POSITIVE."""
    from transformers import AutoModelForSequenceClassification

    return from_hub(AutoModelForSequenceClassification.from_pretrained, name, adapters=True,
                    num_labels=len(ID2LABEL), id2label=ID2LABEL, label2id=LABEL2ID)
