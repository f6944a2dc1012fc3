"""How much of the model training changes: ``--method full|lora|head`` (issue 27).

- ``full``: every weight is updated (the assignment's fine-tuning).
- ``head``: the pre-trained encoder is frozen; only the classification head (DistilBERT's
  ``pre_classifier`` + ``classifier``, BERT's ``classifier``) learns.
- ``lora``: the encoder is frozen and small low-rank adapters (LoRA, via ``peft``) learn an update
  of the attention's query and value projections; the classification head is trained in full
  (``modules_to_save``). Before the model is saved the adapters are merged into the weights
  (:func:`save_trained`), so the model folder holds an ordinary Hugging Face classifier that
  evaluate, export, serve and deploy read unchanged; the adapter alone is kept in
  ``MODEL/adapter/`` to show how little a LoRA run has to store.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import ConfigError

ADAPTER_FOLDER = "adapter"  # MODEL/adapter: the LoRA adapter alone (peft's save_pretrained)
# The attention's query and value projections, by the names each architecture gives them.
LORA_TARGETS = (("query", "value"),  # BERT, MiniLM, RoBERTa, ELECTRA ...
                ("q_lin", "v_lin"),  # DistilBERT
                ("q_proj", "v_proj"))  # DeBERTa-v2 and most newer models


def lora_target_modules(model) -> list[str]:
    """The names of the query and value projections in ``model`` (one of :data:`LORA_TARGETS`)."""
    leaf_names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    for pair in LORA_TARGETS:
        if set(pair) <= leaf_names:
            return list(pair)
    raise ConfigError(f"--method lora: {type(model).__name__} has none of the attention projections LoRA is "
                      f"applied to ({', '.join('/'.join(p) for p in LORA_TARGETS)}); use --method full or head")


def head_modules(model) -> list[str]:
    """The top-level modules outside the pre-trained encoder that hold weights: the classification head."""
    encoder = model.base_model_prefix
    return [name for name, module in model.named_children()
            if name != encoder and any(True for _ in module.parameters())]


def freeze_encoder(model):
    """``--method head``: only the classification head keeps ``requires_grad``."""
    for parameter in getattr(model, model.base_model_prefix).parameters():
        parameter.requires_grad_(False)
    return model


def add_lora(model, config):
    """``--method lora``: a ``peft`` model with adapters on the query/value projections and the head in full."""
    from peft import LoraConfig, TaskType, get_peft_model

    lora = LoraConfig(task_type=TaskType.SEQ_CLS, r=config.lora_rank, lora_alpha=config.lora_alpha,
                      lora_dropout=config.lora_dropout, target_modules=lora_target_modules(model),
                      modules_to_save=head_modules(model))
    with warnings.catch_warnings():  # peft calls a transformers property deprecated in 5.x
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, lora)


def apply_method(model, config):
    """``model`` prepared for ``config.method`` (a model that already has adapters is left as it is)."""
    if config.method == "full" or is_peft(model):
        return model
    if config.method == "head":
        return freeze_encoder(model)
    if config.method == "lora":
        return add_lora(model, config)
    raise ConfigError(f"--method {config.method!r} is not one of full, lora, head")


def is_peft(model) -> bool:
    return hasattr(model, "peft_config") and hasattr(model, "merge_and_unload")


def parameter_counts(model) -> dict:
    """Trainable and total parameters (a LoRA model's total includes its adapters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    trained_bytes = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    return {"trainable": int(trainable), "total": int(total), "trainable_share": round(trainable / total, 6),
            "trainable_bytes": int(trained_bytes)}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def save_trained(trainer, out: Path):
    """Save the trained model into ``out`` as a plain classifier; returns (model, saved sizes).

    A LoRA model saves its adapter alone in ``out/adapter`` first, then is merged (the update
    ``B·A·alpha/r`` added to each projection) and saved whole, so no later stage needs ``peft``.
    """
    model = trainer.model
    sizes = {}
    if is_peft(model):
        adapter = out / ADAPTER_FOLDER
        model.save_pretrained(str(adapter))
        (adapter / "README.md").unlink(missing_ok=True)  # peft's empty template; the model card is MODEL/README.md
        sizes["adapter_bytes"] = folder_bytes(adapter)
        model = model.merge_and_unload()
        model.save_pretrained(str(out))
        trainer.processing_class.save_pretrained(str(out))
    else:
        trainer.save_model(str(out))  # model, config (NEGATIVE/POSITIVE labels) and tokenizer
    weights = [p for p in out.iterdir() if p.is_file() and p.suffix in (".safetensors", ".bin")]
    sizes["model_bytes"] = sum(p.stat().st_size for p in weights)
    return model, sizes
