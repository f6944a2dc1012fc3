"""The model folder being exported: checked, loaded, and a small reference batch run through it."""
from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExportError
from ..model_folder import ModelFolder

SAMPLE_TEXTS = (  # real reviews of the course's shop export (lines 13, 861 and 1343), of different lengths
    "This dress is perfection! so pretty and flattering.",
    "Great style!",
    "I'm so incredibly disappointed. the dress is beautiful but the one i received is torn and has multiple strands "
    "of beads missing. poor quality control.",
)
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


@dataclass
class SourceModel:
    """A loaded classifier, its tokenizer and the inputs its ``forward`` accepts."""

    model_dir: Path
    model: object
    tokenizer: object
    input_names: list[str]

    @property
    def config(self):
        return self.model.config

    def attention_shape(self) -> tuple[int, int]:
        """(attention heads, hidden size), under BERT's or DistilBERT's config names."""
        config = self.config
        heads = getattr(config, "num_attention_heads", None) or getattr(config, "n_heads", None)
        hidden = getattr(config, "hidden_size", None) or getattr(config, "dim", None)
        if not heads or not hidden:
            raise ExportError(f"{self.model_dir}: config.json names no attention heads / hidden size "
                              f"({config.model_type} is not a BERT-family encoder)")
        return int(heads), int(hidden)

    def sample_batch(self, max_length: int) -> dict:
        """:data:`SAMPLE_TEXTS` tokenized (padded, so the mask matters) as int64 torch tensors."""
        encoded = self.tokenizer(list(SAMPLE_TEXTS), padding=True, truncation=True, max_length=max_length,
                                 return_tensors="pt")
        return {name: encoded[name] for name in self.input_names}

    def reference_logits(self, batch: dict):
        """PyTorch's logits for ``batch`` as a numpy array."""
        import torch

        with torch.inference_mode():
            return self.model(**batch).logits.float().numpy()


def check_model_dir(model_dir: str | os.PathLike) -> Path:
    """``model_dir`` as a Path, or an :class:`ExportError` naming what is missing (the folder,
    ``config.json``, the weights, ``tokenizer.json``: what the scoring script needs)."""
    return ModelFolder(model_dir).check_files(ExportError, tokenizer_json=True).path


def load_source(model_dir: str | os.PathLike) -> SourceModel:
    """Load the classifier with its plain ("eager") attention, the form ONNX Runtime's fusions recognise.

    The default SDPA attention of transformers 5 exports as a masked-gather graph that
    ONNX Runtime's BERT optimizer cannot fuse into its ``Attention`` operator.
    """
    folder = ModelFolder(model_dir)
    model, tokenizer = folder.load(eager_attention=True, error=ExportError, show_progress=False)
    accepted = list(inspect.signature(model.forward).parameters)  # in forward's order, as the tracer sees them
    produced = set(tokenizer.model_input_names) | {"input_ids", "attention_mask"}
    names = [n for n in accepted if n in INPUT_NAMES and n in produced]
    return SourceModel(folder.path, model.eval(), tokenizer, names)
