"""Length-grouped batches whose order depends only on the seed and the epoch.

transformers' ``LengthGroupedSampler`` draws each epoch's order from the global torch
RNG at the moment the epoch starts. A run resumed mid-epoch (after a preemption) starts
a fresh process, draws a different order for the rest of that epoch and so ends
somewhere else than the uninterrupted run. Seeding the order with ``seed + epoch`` makes
the resumed run see exactly the batches the uninterrupted one saw.
"""
from __future__ import annotations

from transformers import Trainer
from transformers.trainer_pt_utils import LengthGroupedSampler, get_length_grouped_indices

from ..defaults import DEFAULT_SEED


class EpochSeededLengthGroupedSampler(LengthGroupedSampler):
    """``LengthGroupedSampler`` with a per-epoch seeded generator (``set_epoch`` is called by accelerate)."""

    def __init__(self, *args, seed: int = DEFAULT_SEED, **kwargs):
        super().__init__(*args, **kwargs)
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __iter__(self):
        import torch

        generator = torch.Generator()
        generator.manual_seed(self.seed + self.epoch)
        return iter(get_length_grouped_indices(self.lengths, self.batch_size, generator=generator))


class ResumableTrainer(Trainer):
    """The Hugging Face ``Trainer`` with a resumable length-grouped batch order (nothing else changes)."""

    def _get_train_sampler(self, train_dataset=None):
        sampler = super()._get_train_sampler(train_dataset)
        if isinstance(sampler, LengthGroupedSampler) and not isinstance(sampler, EpochSeededLengthGroupedSampler):
            seeded = EpochSeededLengthGroupedSampler(sampler.batch_size, lengths=sampler.lengths,
                                                     seed=self.args.data_seed or self.args.seed)
            return seeded
        return sampler
