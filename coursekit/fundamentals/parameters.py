"""How much of a fine-tuned classifier is new? (Why fine-tuning is cheap.)"""
from __future__ import annotations


def parameter_report(model_name: str) -> dict:
    """Count the pre-trained parameters and the ones a classification head adds.

    Uses the loading report of ``from_pretrained``: every weight missing from the
    checkpoint is freshly initialised (the head); the rest is reused knowledge.
    """
    from transformers import AutoModelForSequenceClassification

    from ..labels import ID2LABEL, LABEL2ID
    from ..models import from_hub
    from ..progress import configure_quiet_libraries

    configure_quiet_libraries()
    model, info = from_hub(AutoModelForSequenceClassification.from_pretrained, model_name, adapters=True, num_labels=2,
                           id2label=ID2LABEL, label2id=LABEL2ID, output_loading_info=True)
    missing = set(info.get("missing_keys", []))
    params = dict(model.named_parameters())
    new = sum(p.numel() for name, p in params.items() if name in missing)
    total = sum(p.numel() for p in params.values())
    return {
        "model": model_name,
        "total_parameters": total,
        "pretrained_parameters": total - new,
        "new_parameters": new,
        "new_share": new / total,
        "new_weights": sorted(missing),
    }
