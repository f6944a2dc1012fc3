"""The reference training run the preemption and distributed tests compare with (the ``reference_run`` fixture).

``coursekit train``'s pipeline, in this process, uninterrupted, seed 42, on 200 reviews of the shop
slice: 160 train / 20 validation / 20 test, batch 16, so 10 steps per epoch and 2 epochs, with a
checkpoint (and an evaluation) every 3 steps.
"""
from __future__ import annotations

from pathlib import Path

from shop_slice import CLI_OPTIONS, OPTIONS, SLICE

SAMPLES, MAX_LENGTH, EPOCHS, LEARNING_RATE, BATCH, SAVE_STEPS = 200, 48, 2, 2e-4, 16, 3
STEPS_PER_EPOCH = 10
# The same settings on the command line (without the batch size and the checkpoint steps, which differ by test).
CLI_ARGS = ["--max-samples", str(SAMPLES), "--max-length", str(MAX_LENGTH), "--epochs", str(EPOCHS),
            "--lr", str(LEARNING_RATE), "--patience", "0", *CLI_OPTIONS]


def train_reference(folder: Path) -> None:
    """Train the reference run into ``folder / "model"``."""
    from coursekit.profiles import get_profile
    from coursekit.train import TrainConfig, prepare_splits, train_model

    splits = prepare_splits(SLICE, max_samples=SAMPLES, seed=42, **OPTIONS)
    config = TrainConfig.from_profile(get_profile("offline"), folder / "model", max_length=MAX_LENGTH,
                                      epochs=EPOCHS, learning_rate=LEARNING_RATE, batch_size=BATCH,
                                      save_steps=SAVE_STEPS, early_stopping_patience=0)  # 0 = off (None: default)
    train_model(splits, config)
