"""The fast path, flag by flag: what each speed setting does, its default, and the literal setup.

One table for the Part 2 notebook (``fast_path_table()``), the ``coursekit train`` options
and the throughput benchmark, so the three never disagree. ``--literal`` / the benchmark's
``literal`` setup is the assignment's code as written for transformers 4.x.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpeedFlag:
    field: str  # TrainConfig field (its default is the fast path; its option comes from it too)
    literal: object  # the assignment's literal setup
    what: str
    why: str

    @property
    def _field(self):
        from dataclasses import fields

        from .config import TrainConfig

        return next(f for f in fields(TrainConfig) if f.name == self.field)

    @property
    def option(self) -> str:
        """The ``coursekit train`` option that changes it."""
        from .config import option_name

        return option_name(self._field)

    @property
    def fast(self):
        """The default: the fast path (``None`` where it depends on the device)."""
        default = self._field.default
        return None if self._field.metadata.get("default_text") else default


FAST_PATH = (
    SpeedFlag("pad_to_max_length", True,
              "pad each batch to its own longest text instead of every text to max_length",
              "short texts stop paying for padding: real reviews are far shorter than max_length"),
    SpeedFlag("pad_to_multiple_of", None,
              "round each batch's padded length up to a multiple of 64 on a GPU (off on CPU; 1 turns it off)",
              "a GPU pays a one-time cost for every new tensor shape: 8 shapes instead of hundreds"),
    SpeedFlag("group_by_length", False,
              "put texts of similar length in the same batch (shuffled groups, not a sorted order)",
              "with dynamic padding, a batch pads only up to lengths close to its own"),
    SpeedFlag("mixed_precision", "no",
              "bf16 (or fp16) autocast on a GPU; fp32 master weights keep the updates exact",
              "tensor cores run bf16 matrix products many times faster than fp32; no effect on CPU"),
    SpeedFlag("fused_adamw", False,
              "AdamW as one fused kernel (torch.optim.AdamW(fused=True)), on CPU and GPU",
              "one pass over the parameters instead of several; same maths"),
    SpeedFlag("dataloader_workers", None,
              "batches prepared by worker processes (default 2 on a GPU, 0 on CPU)",
              "the GPU never waits for the next batch; on CPU workers compete with training"),
    SpeedFlag("torch_compile", False,
              "compile the model with torch.compile (optional: minutes of compiling first)",
              "fewer, fused kernels; pays off on long GPU runs, rarely on short or CPU ones"),
)


def literal_overrides() -> dict:
    """``TrainConfig`` overrides that turn the fast path into the assignment's literal setup."""
    return {flag.field: flag.literal for flag in FAST_PATH if flag.literal != flag.fast}


def fast_path_table() -> str:
    """A Markdown table of the flags, for the notebook."""
    lines = ["| setting | option | fast path (default) | literal setup | what it does | why it is faster |",
             "| --- | --- | --- | --- | --- | --- |"]
    for f in FAST_PATH:
        lines.append(f"| `{f.field}` | `{f.option}` | {f.fast!r} | {f.literal!r} | {f.what} | {f.why} |")
    return "\n".join(lines)
