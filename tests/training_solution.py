"""Lesson 02's exercise solved, as the instructor's notebook writes it: tests only, never shipped.

The student package holds no written-out answer (``coursekit release`` checks the copy for
the solutions' lines); the tests build this Trainer to show the ✅ Check passes it.
"""
from __future__ import annotations

from pathlib import Path

from coursekit.defaults import DEFAULT_SEED
from coursekit.exercises.training import ASSIGNMENT_ARGUMENTS


def reference_trainer(tokenized, model_dir, *, model_name: str, epochs: float = 3, seed: int = DEFAULT_SEED):
    """The Trainer the exercise asks for, as the instructor's notebook writes it."""
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

    from coursekit.data import padding_collator
    from coursekit.metrics import classification_metrics
    from coursekit.models import load_classifier, load_tokenizer

    set_seed(seed)
    tokenizer = load_tokenizer(model_name)
    args = TrainingArguments(
        output_dir=str(Path(model_dir) / "checkpoints"), **dict(ASSIGNMENT_ARGUMENTS, num_train_epochs=epochs),
        per_device_eval_batch_size=64, save_strategy="epoch", logging_strategy="epoch", load_best_model_at_end=True,
        metric_for_best_model="loss", save_total_limit=2, train_sampling_strategy="group_by_length", seed=seed,
        report_to="none",
    )
    return Trainer(model=load_classifier(model_name), args=args, train_dataset=tokenized["train"],
                   eval_dataset=tokenized["validation"], processing_class=tokenizer,
                   data_collator=padding_collator(tokenizer), compute_metrics=classification_metrics(),
                   callbacks=[EarlyStoppingCallback(early_stopping_patience=2)])
