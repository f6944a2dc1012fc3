"""The stand-in's model repositories: the real architectures and config formats, small sizes.

- ``distilbert-base-uncased``: a DistilBERT (``DistilBertForMaskedLM`` checkpoint, no
  ``token_type_ids``, DistilBERT module names, 384 wide instead of 768) whose weights are the
  offline tier's pre-trained MiniLM BERT, renamed, plus one layer that pools every token into
  [CLS]. A *random* encoder could not pass the lessons' checks (test accuracy, clear-cut
  reviews) at the assignment's learning rate of 2e-5 in the few dozen steps CI can afford.
  Vocabulary and tokenizer: the same 30,522-token uncased WordPiece.
- ``sentence-transformers/all-MiniLM-L6-v2``: the very model the offline tier ships, linked.
- ``google/vit-base-patch16-224-in21k``: a tiny random ``ViTModel`` (224-pixel images, 16-pixel
  patches) with the repository's original ``preprocessor_config.json``.
- ``gpt2``: a tiny random ``GPT2LMHeadModel`` with the committed byte-level BPE tokenizer.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import gpt2_tokenizer
from .layout import link_or_copy, snapshot, write_json

# BERT parameter names -> DistilBERT parameter names, per layer (DistilBERT was initialised from BERT this way).
_LAYER_RENAMES = {
    "attention.self.query": "attention.q_lin",
    "attention.self.key": "attention.k_lin",
    "attention.self.value": "attention.v_lin",
    "attention.output.dense": "attention.out_lin",
    "attention.output.LayerNorm": "sa_layer_norm",
    "intermediate.dense": "ffn.lin1",
    "output.dense": "ffn.lin2",
    "output.LayerNorm": "output_layer_norm",
}


def _bert_to_distilbert(bert: dict, n_layers: int) -> dict:
    """DistilBERT weights from a BERT state dict: its ``n_layers`` layers, token type 0 folded in."""
    weights = {
        # BERT adds token_type_embeddings[0] to every token of a single text; DistilBERT has no token types.
        "distilbert.embeddings.word_embeddings.weight":
            bert["embeddings.word_embeddings.weight"] + bert["embeddings.token_type_embeddings.weight"][0],
        "distilbert.embeddings.position_embeddings.weight": bert["embeddings.position_embeddings.weight"],
        "distilbert.embeddings.LayerNorm.weight": bert["embeddings.LayerNorm.weight"],
        "distilbert.embeddings.LayerNorm.bias": bert["embeddings.LayerNorm.bias"],
    }
    for layer in range(n_layers):
        for old, new in _LAYER_RENAMES.items():
            for kind in ("weight", "bias"):
                weights[f"distilbert.transformer.layer.{layer}.{new}.{kind}"] = \
                    bert[f"encoder.layer.{layer}.{old}.{kind}"]
    return weights


# Length of the [CLS] vector over sqrt(dim): about twice MiniLM's own, so that the fresh head learns in a few
# dozen steps at 2e-5, and small enough that it is still unsure before training (lesson 01 checks both).
OUTPUT_SCALE = 0.7


def _pooling_layer(layer: int, dim: int, hidden_dim: int) -> dict:
    """A last layer that adds the mean of every token to each token, [CLS] included.

    MiniLM was trained for mean pooling, and its own [CLS] vector says little about a text;
    DistilBERT classifies from [CLS]. In this layer every query is zero, so attention is
    uniform over the text's tokens; values and output are the identity, the feed-forward
    part adds nothing; the last layer norm sets the vectors' length (:data:`OUTPUT_SCALE`).
    """
    import torch

    prefix = f"distilbert.transformer.layer.{layer}"
    zeros, eye = torch.zeros, torch.eye
    return {
        f"{prefix}.attention.q_lin.weight": zeros(dim, dim), f"{prefix}.attention.q_lin.bias": zeros(dim),
        f"{prefix}.attention.k_lin.weight": zeros(dim, dim), f"{prefix}.attention.k_lin.bias": zeros(dim),
        f"{prefix}.attention.v_lin.weight": eye(dim), f"{prefix}.attention.v_lin.bias": zeros(dim),
        f"{prefix}.attention.out_lin.weight": eye(dim), f"{prefix}.attention.out_lin.bias": zeros(dim),
        f"{prefix}.sa_layer_norm.weight": torch.ones(dim), f"{prefix}.sa_layer_norm.bias": zeros(dim),
        f"{prefix}.ffn.lin1.weight": zeros(hidden_dim, dim), f"{prefix}.ffn.lin1.bias": zeros(hidden_dim),
        f"{prefix}.ffn.lin2.weight": zeros(dim, hidden_dim), f"{prefix}.ffn.lin2.bias": zeros(dim),
        f"{prefix}.output_layer_norm.weight": torch.full((dim,), OUTPUT_SCALE), f"{prefix}.output_layer_norm.bias": zeros(dim),
    }


def build_distilbert(cache: Path, repo_id: str, source: Path) -> Path:
    import torch
    from safetensors.torch import load_file, save_file
    from transformers import DistilBertConfig, DistilBertForMaskedLM

    bert_config = json.loads((source / "config.json").read_text())
    dim, hidden_dim, bert_layers = (bert_config[k] for k in ("hidden_size", "intermediate_size", "num_hidden_layers"))
    config = {  # the fields and format of the real distilbert-base-uncased config.json
        "activation": "gelu", "architectures": ["DistilBertForMaskedLM"], "attention_dropout": 0.1,
        "dim": dim, "dropout": 0.1, "hidden_dim": hidden_dim,
        "initializer_range": 0.02, "max_position_embeddings": 512, "model_type": "distilbert",
        "n_heads": bert_config["num_attention_heads"], "n_layers": bert_layers + 1, "pad_token_id": 0,
        "qa_dropout": 0.1, "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": False, "tie_weights_": True,
        "vocab_size": bert_config["vocab_size"],
    }
    weights = _bert_to_distilbert(load_file(str(source / "model.safetensors")), bert_layers)
    weights.update(_pooling_layer(bert_layers, dim, hidden_dim))
    generator = torch.Generator().manual_seed(0)  # the masked-LM head (unused by the course): random
    weights.update({
        "vocab_transform.weight": torch.randn(dim, dim, generator=generator) * 0.02,
        "vocab_transform.bias": torch.zeros(dim),
        "vocab_layer_norm.weight": torch.ones(dim), "vocab_layer_norm.bias": torch.zeros(dim),
        "vocab_projector.bias": torch.zeros(config["vocab_size"]),  # its weight is tied to the word embeddings
    })
    with torch.device("meta"):
        expected = set(DistilBertForMaskedLM(DistilBertConfig(**config)).state_dict())
    assert set(weights) == expected - {"vocab_projector.weight"}, set(weights) ^ expected
    folder = snapshot(cache, repo_id)
    save_file({k: v.contiguous() for k, v in weights.items()}, str(folder / "model.safetensors"),
              metadata={"format": "pt"})
    write_json(folder, "config.json", config)
    write_json(folder, "tokenizer_config.json", {"do_lower_case": True, "model_max_length": 512})
    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["truncation"] = tokenizer["padding"] = None  # the offline copy pads to 128; the Hub's does not
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    link_or_copy(source / "vocab.txt", folder / "vocab.txt")
    return folder


def build_sentence_model(cache: Path, repo_id: str, source: Path) -> Path:
    """The offline tier's all-MiniLM-L6-v2 folder is this repository: link every file."""
    folder = snapshot(cache, repo_id)
    for path in source.rglob("*"):
        if path.is_file():
            link_or_copy(path, folder / path.relative_to(source))
    return folder


def build_vit(cache: Path, repo_id: str) -> Path:
    import torch
    from transformers import ViTConfig, ViTModel

    config = {
        "architectures": ["ViTModel"], "attention_probs_dropout_prob": 0.0, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0, "hidden_size": 32, "image_size": 224, "initializer_range": 0.02,
        "intermediate_size": 64, "layer_norm_eps": 1e-12, "model_type": "vit", "num_attention_heads": 2,
        "num_channels": 3, "num_hidden_layers": 2, "patch_size": 16, "qkv_bias": True,
    }
    torch.manual_seed(0)
    folder = snapshot(cache, repo_id)
    ViTModel(ViTConfig(**config)).save_pretrained(folder)
    write_json(folder, "config.json", config)
    write_json(folder, "preprocessor_config.json", {  # the repository's own (legacy feature-extractor format)
        "do_normalize": True, "do_resize": True, "feature_extractor_type": "ViTFeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "resample": 2, "size": 224,
    })
    return folder


def build_gpt2(cache: Path, repo_id: str) -> Path:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    vocab, merges = gpt2_tokenizer.vocab_and_merges()
    eos = gpt2_tokenizer.end_of_text_id()
    config = {
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
        "bos_token_id": eos, "embd_pdrop": 0.1, "eos_token_id": eos, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 256, "n_head": 4,
        "n_layer": 2, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": None,
        "summary_first_dropout": 0.1, "summary_proj_to_labels": True, "summary_type": "cls_index",
        "summary_use_proj": True, "vocab_size": len(vocab),
    }
    torch.manual_seed(0)
    folder = snapshot(cache, repo_id)
    GPT2LMHeadModel(GPT2Config(**config)).save_pretrained(folder)
    write_json(folder, "config.json", config)
    write_json(folder, "generation_config.json", {"bos_token_id": eos, "eos_token_id": eos})
    write_json(folder, "tokenizer_config.json", {"model_max_length": 1024})
    write_json(folder, "vocab.json", vocab)
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    link_or_copy(gpt2_tokenizer.FIXTURE, folder / "tokenizer.json")
    return folder
