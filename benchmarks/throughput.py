"""Measure fine-tuning speed instead of assuming it: samples/s, tokens/s, memory, FLOP/s.

:class:`ThroughputMeter` attaches to a ``Trainer`` and counts what each optimizer step
really processed (samples, real tokens, padded tokens), timing from the end of a few
warm-up steps to the end of the last step. The other helpers make a workload shaped
like IMDB when the data itself is not at hand (speed does not depend on the words) and
turn token counts into FLOPs and into a projected wall time for a full run.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field

from transformers import TrainerCallback

# Dense tensor-core peaks (TFLOP/s, no sparsity) from NVIDIA's data sheets, and the plain
# FP32 (CUDA core) peak that an fp32 run without TF32 is bound by.
GPU_PEAK_TFLOPS = {
    "H200": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},
    "H100 PCIe": {"bf16": 756.0, "fp16": 756.0, "tf32": 378.0, "fp32": 51.2},
    "H100": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},  # SXM
    "A100": {"bf16": 312.0, "fp16": 312.0, "tf32": 156.0, "fp32": 19.5},
}


def gpu_peak_tflops(device_name: str, precision: str) -> float | None:
    """The card's peak for ``precision`` ("bf16", "fp16", "tf32", "fp32"), or ``None`` if unknown."""
    for card, peaks in GPU_PEAK_TFLOPS.items():  # "H100 PCIe" is tried before "H100"
        if all(part in device_name for part in card.split()):
            return peaks.get(precision)
    return None


def imdb_like_lengths(n: int, seed: int = 0, median: float = 230.0, sigma: float = 0.75,
                      max_length: int = 512, min_length: int = 16) -> list[int]:
    """Token counts distributed like IMDB reviews under a BERT uncased WordPiece tokenizer.

    IMDB reviews average about 230 words, median about 175, with a long tail; in
    WordPiece tokens that is a median near 230 and a mean near 300, and roughly one
    review in seven longer than 512. A log-normal with median 230 and sigma 0.75 has
    mean 230 * exp(0.75**2 / 2) = 305 and P(length > 512) = 14%. Lengths are clipped to
    ``[min_length, max_length]``: longer reviews are truncated, as the pipeline does.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    lengths = rng.lognormal(mean=math.log(median), sigma=sigma, size=n)
    return [int(x) for x in np.clip(np.rint(lengths), min_length, max_length)]


def synthetic_reviews(lengths: list[int], vocab_size: int = 30522, seed: int = 0, pad_to: int | None = None,
                      cls_id: int = 101, sep_id: int = 102, pad_id: int = 0) -> list[dict]:
    """Encoded examples with the given lengths: ``[CLS] random word pieces [SEP]`` and a random label.

    ``pad_to`` pads every example to that length up front (the literal setup); otherwise
    examples keep their own length and the collator pads each batch.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    examples = []
    for length in lengths:
        body = rng.integers(1996, vocab_size, size=length - 2).tolist()  # skip [PAD]/[unused]/specials
        ids = [cls_id, *body, sep_id]
        mask = [1] * length
        if pad_to:
            ids += [pad_id] * (pad_to - length)
            mask += [0] * (pad_to - length)
        examples.append({"input_ids": ids, "attention_mask": mask, "label": int(rng.integers(0, 2))})
    return examples


def non_embedding_parameters(model) -> int:
    """Parameters that take part in matrix products (everything but the embedding tables)."""
    import torch

    embedding = {id(p) for m in model.modules() if isinstance(m, torch.nn.Embedding) for p in m.parameters()}
    return sum(p.numel() for p in model.parameters() if id(p) not in embedding)


def training_flops(model, tokens: int, sequence_length: float) -> float:
    """FLOPs of forward + backward over ``tokens`` tokens in sequences of ``sequence_length``.

    ``6 * N * tokens`` (N = non-embedding parameters: 2 FLOPs per weight per token
    forward, 4 backward; Kaplan et al. 2020) plus the attention products that have no
    weights, ``12 * layers * hidden * sequence_length`` per token (QK^T and AV, forward
    and backward). Padded positions count: the hardware computes them.
    """
    config = model.config
    layers = getattr(config, "num_hidden_layers", None) or getattr(config, "n_layers", 0)
    hidden = getattr(config, "hidden_size", None) or getattr(config, "dim", 0)
    per_token = 6 * non_embedding_parameters(model) + 12 * layers * hidden * sequence_length
    return per_token * tokens


class PeakRss:
    """Highest resident memory of this process while the ``with`` block runs (sampled every 20 ms)."""

    def __init__(self, interval_s: float = 0.02):
        import psutil

        self._process = psutil.Process()
        self._interval = interval_s
        self._stop = threading.Event()
        self.peak_bytes = 0

    def _sample(self):
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._process.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self):
        self.start_bytes = self._process.memory_info().rss
        self.peak_bytes = self.start_bytes
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._process.memory_info().rss)


@dataclass
class Throughput:
    """What the measured steps processed, and how fast."""

    steps: int = 0
    samples: int = 0
    tokens: int = 0  # real (non-padding) tokens
    padded_tokens: int = 0  # every position computed, padding included
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    @property
    def padding_share(self) -> float:
        return 1 - self.tokens / self.padded_tokens if self.padded_tokens else 0.0

    @property
    def mean_padded_length(self) -> float:
        return self.padded_tokens / self.samples if self.samples else 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        extra = out.pop("extra")
        out.update(samples_per_s=self.samples_per_s, tokens_per_s=self.tokens_per_s,
                   padded_tokens_per_s=self.padded_tokens / self.seconds if self.seconds else 0.0,
                   padding_share=self.padding_share, mean_padded_length=self.mean_padded_length)
        out.update(extra)
        return out


class ThroughputMeter(TrainerCallback):
    """Count and time the optimizer steps of a ``Trainer`` after ``warmup_steps`` of them.

    Warm-up steps are left out (first-call allocations, kernel selection, compilation).
    Counting happens in the main process on the batches the model receives, so it is
    right with dataloader workers too; on a GPU the counts stay on the device until the
    end so that measuring adds no synchronisation to the steps.
    """

    def __init__(self, warmup_steps: int = 2):
        self.warmup_steps = warmup_steps
        self.result = Throughput()
        self._calls = 0
        self._started = None
        self._token_sum = None
        self._cuda = False

    def attach(self, trainer) -> "ThroughputMeter":
        original = trainer.training_step

        def measured_training_step(model, inputs, *args, **kwargs):
            self._before_step(inputs)
            return original(model, inputs, *args, **kwargs)

        trainer.training_step = measured_training_step
        trainer.add_callback(self)
        self._cuda = trainer.args.device.type == "cuda"
        if self._cuda:
            import torch

            torch.cuda.reset_peak_memory_stats()
        return self

    def _sync(self):
        if self._cuda:
            import torch

            torch.cuda.synchronize()

    def _before_step(self, inputs):
        self._calls += 1
        if self._calls == self.warmup_steps + 1:
            self._sync()
            self._started = time.perf_counter()
        if self._started is None:
            return
        ids = inputs["input_ids"]
        mask = inputs.get("attention_mask")
        real = mask.sum() if mask is not None else ids.new_tensor(ids.numel())
        self._token_sum = real if self._token_sum is None else self._token_sum + real
        self.result.steps += 1
        self.result.samples += int(ids.shape[0])
        self.result.padded_tokens += int(ids.numel())

    def on_step_end(self, args, state, control, **kwargs):
        if self._started is not None and state.global_step >= state.max_steps:
            self._stop()

    def on_train_end(self, args, state, control, **kwargs):
        if self._started is not None and not self.result.seconds:
            self._stop()

    def _stop(self):
        self._sync()
        self.result.seconds = time.perf_counter() - self._started
        self.result.tokens = int(self._token_sum.item()) if self._token_sum is not None else 0
        if self._cuda:
            import torch

            self.result.extra["peak_memory_bytes"] = int(torch.cuda.max_memory_allocated())
            self.result.extra["memory_kind"] = "torch.cuda.max_memory_allocated"


def projected_wall_time_s(samples_per_s: float, reviews: int = 25_000, epochs: int = 3,
                          validation_reviews: int = 0, eval_speedup: float = 3.0) -> dict:
    """Wall time of ``epochs`` over ``reviews`` at a measured training speed.

    Validation after each epoch is estimated as a forward pass only, ``eval_speedup``
    times faster per sample than a training step (forward ~1/3 of forward+backward).
    """
    train_s = epochs * reviews / samples_per_s
    eval_s = epochs * validation_reviews / (samples_per_s * eval_speedup)
    return {"reviews": reviews, "epochs": epochs, "validation_reviews": validation_reviews,
            "train_s": train_s, "validation_s": eval_s, "total_s": train_s + eval_s,
            "total_min": (train_s + eval_s) / 60}
