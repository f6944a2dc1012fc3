"""Everything one fine-tuning run needs to know, with the assignment's values as defaults."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..profiles import Profile


@dataclass
class TrainConfig:
    """A fine-tuning run. Defaults are the assignment's (lr 2e-5, batch 16, 3 epochs, wd 0.01)."""

    model: str
    output_dir: str
    learning_rate: float = 2e-5
    batch_size: int = 16
    eval_batch_size: int = 64
    epochs: float = 3
    weight_decay: float = 0.01
    max_length: int = 256
    seed: int = 42
    max_steps: int | None = None  # stop after this many optimizer steps (quick runs)
    save_steps: int | None = None  # evaluate/checkpoint every N steps instead of every epoch
    early_stopping_patience: int = 2  # evaluations without improvement; 0 disables
    resume: bool = False  # continue from the last checkpoint in output_dir/checkpoints
    # The fast path (each a flag the Part 2 notebook explains):
    pad_to_max_length: bool = False  # the literal setup pads every text to max_length
    group_by_length: bool = True  # batches of similar lengths waste less padding
    pad_to_multiple_of: int | None = None  # round batch lengths up; None = 64 on a GPU, off on CPU; 1 = off
    mixed_precision: str = "auto"  # "auto" = bf16/fp16 on a GPU, fp32 on CPU; or "bf16", "fp16", "no"
    fused_adamw: bool = True
    torch_compile: bool = False
    dataloader_workers: int | None = None  # None = 2 on a GPU, 0 on CPU
    show_progress: bool | None = None  # None = only in a terminal
    extras: dict = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Profile, output_dir: str | Path, **overrides) -> "TrainConfig":
        """The tier's model and hyperparameters; ``None`` overrides are ignored."""
        base = dict(
            model=profile.model,
            output_dir=str(output_dir),
            learning_rate=profile.learning_rate,
            batch_size=profile.batch_size,
            epochs=profile.epochs,
            weight_decay=profile.weight_decay,
            max_length=profile.max_length,
        )
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)

    @property
    def checkpoint_dir(self) -> Path:
        return Path(self.output_dir) / "checkpoints"

    def to_dict(self) -> dict:
        return asdict(self)
