"""Everything one fine-tuning run needs to know: the one source of the training settings.

:class:`TrainConfig` (how to train) and :class:`DataConfig` (what to train on) are the
only place a training setting and its default are written down. The ``coursekit train``
options and their ``--help`` texts (:mod:`coursekit.options`), the Part 2 lesson's
speed table (:mod:`.fast_path`), a ``--config`` YAML/JSON file and the Azure ML job's
command line are all derived from these fields and their metadata.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..defaults import DEFAULT_SEED
from ..profiles import DEFAULT_MAX_LENGTH, TIER_MAX_LENGTH, Profile

METHODS = ("full", "lora", "head")  # every weight, LoRA adapters + classifier, the classifier only
ASSIGNMENT = {"learning_rate": 2e-5, "batch_size": 16, "epochs": 3, "weight_decay": 0.01}


def setting(default, help: str, *, option: str | None = None, aliases: tuple = (), choices=None,
            default_text: str | None = None, cli: bool = True, group: str = "training"):
    """A dataclass field with what the CLI needs to know about it."""
    meta = {"help": help, "option": option, "aliases": aliases, "choices": choices,
            "default_text": default_text, "cli": cli, "group": group}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class TrainConfig:
    """A fine-tuning run. Defaults are the assignment's (lr 2e-5, batch 16, 3 epochs, wd 0.01)."""

    model: str = setting("", "pre-trained model id or folder", default_text="the tier's")
    output_dir: str = setting("", "folder for the model, tokenizer, metrics.json and the run card", option="--output")
    learning_rate: float = setting(ASSIGNMENT["learning_rate"], "peak learning rate of AdamW", aliases=("--lr",))
    batch_size: int = setting(ASSIGNMENT["batch_size"], "training batch size per device")
    eval_batch_size: int = setting(64, "evaluation batch size per device")
    epochs: float = setting(ASSIGNMENT["epochs"], "training epochs (the most: early stopping may stop sooner)")
    weight_decay: float = setting(ASSIGNMENT["weight_decay"], "AdamW weight decay")
    max_length: int = setting(DEFAULT_MAX_LENGTH, "tokens per text; longer texts are truncated",
                              default_text="the tier's: " + ", ".join(f"{n} {tier}" for tier, n in
                                                                      TIER_MAX_LENGTH.items()))
    seed: int = setting(DEFAULT_SEED, "seed of the split, the classifier head, the data order and dropout")
    max_steps: int = setting(0, "stop after N optimizer steps (quick runs; 0 = no limit)")
    save_steps: int = setting(0, "evaluate and checkpoint every N steps instead of every epoch (0 = per epoch)")
    early_stopping_patience: int = setting(2, "stop after N evaluations without a lower validation loss "
                                              "(0 turns early stopping off)", option="--patience")
    resume: bool = setting(False, "continue from the last checkpoint in OUTPUT/checkpoints", group="run")
    overwrite: bool = setting(False, "OUTPUT holds a trained model: move it aside to OUTPUT.old-TIME and "
                                     "train afresh", group="run")
    keep_checkpoints: bool = setting(False, "keep every checkpoint (default: only the best and the last)",
                                     group="run")
    # The fast path (each a flag the Part 2 notebook explains):
    pad_to_max_length: bool = setting(False, "pad every text to --max-length (default: pad each batch to its "
                                             "longest text)", group="speed")
    group_by_length: bool = setting(True, "random batches instead of batches of similar lengths (which waste "
                                          "less padding)", default_text="batches of similar lengths", group="speed")
    pad_to_multiple_of: int = setting(0, "round batch lengths up to a multiple of N (1 = off)",
                                      default_text="64 on a GPU, off on CPU", group="speed")
    mixed_precision: str = setting("auto", "mixed precision on a GPU: auto = bf16 where supported, else fp16; "
                                           "fp32 on CPU", option="--precision",
                                   choices=("auto", "bf16", "fp16", "no"), group="speed")
    fused_adamw: bool = setting(True, "the unfused AdamW instead of the one fused kernel",
                                default_text="fused", group="speed")
    torch_compile: bool = setting(False, "compile the model with torch.compile", group="speed")
    dataloader_workers: int = setting(-1, "dataloader worker processes", option="--workers",
                                      default_text="2 on a GPU, 0 on CPU", group="speed")
    # How much of the model changes (issue 27; coursekit/train/methods.py):
    method: str = setting("full", "what training changes: full = every weight; lora = small low-rank adapters on "
                                  "the attention projections plus the classifier (merged into the weights when "
                                  "saved); head = the classifier only, the encoder frozen", choices=METHODS,
                          group="method")
    lora_rank: int = setting(8, "rank r of each LoRA adapter (--method lora)", group="method")
    lora_alpha: int = setting(16, "LoRA scaling: the adapters' update is multiplied by alpha / r", group="method")
    lora_dropout: float = setting(0.1, "dropout on the LoRA adapters' input", group="method")
    track: bool = setting(True, "do not log the run to MLflow (default: logged to $MLFLOW_TRACKING_URI, else the "
                                "local store RESULTS/mlruns; `coursekit runs` lists them)",
                          default_text="logged", group="run")
    show_progress: bool | None = setting(None, "progress bars (None: only in a terminal)", cli=False)
    extras: dict = setting({}, "free-form notes recorded with the run", cli=False)

    @classmethod
    def from_profile(cls, profile: Profile, output_dir: str | Path, **overrides) -> "TrainConfig":
        """The tier's model and max length with the assignment's hyperparameters; ``None`` overrides are ignored."""
        base = dict(model=profile.model, output_dir=str(output_dir), max_length=profile.max_length)
        base.update({k: v for k, v in overrides.items() if v is not None})
        unknown = sorted(set(base) - {f.name for f in fields(cls)})
        if unknown:
            from ..errors import ConfigError

            raise ConfigError(f"unknown training setting(s): {', '.join(unknown)}; "
                              f"see `coursekit train --help` for the settings")
        return cls(**base)

    @property
    def checkpoint_dir(self) -> Path:
        return Path(self.output_dir) / "checkpoints"

    def to_dict(self) -> dict:
        return asdict(self)

    def hyperparameters(self) -> dict:
        """The settings worth recording with a run (no paths or display switches)."""
        skip = {"extras", "show_progress", "output_dir", "resume", "overwrite", "track"}
        return {k: v for k, v in self.to_dict().items() if k not in skip}


@dataclass
class DataConfig:
    """What a run trains on and how it is read and cleaned (recorded in the run card)."""

    data: str = setting("", "CSV, TSV or JSONL with text and label columns, or 'imdb'",
                        default_text="the tier's data", group="data")
    text_column: str = setting("text", "column holding the review text, or several joined with ' + ' (e.g. "
                                       "'Title + Review Text')", default_text="text; the course's shop export: "
                                       "its own", group="data")
    label_column: str = setting("label", "column holding the label", group="data")
    has_header: bool = setting(True, "the file has no header row: text<TAB>label per line",
                               default_text="the first row names the columns", group="data")
    clean: bool = setting(True, "keep the texts as written (no removal of markup, URLs, special characters, "
                                "no lower-casing)", default_text="cleaned", group="data")
    max_samples: int = setting(0, "train on a seeded, stratified sample of N reviews (0 = every review); the "
                                  "reviews left out stay unseen by training", default_text="the tier's: 2000 offline, "
                                  "every review on full", group="data")
    label_map: str = setting("", "label spellings for the two classes, SPELLING=0|1 pairs, and VALUE=skip to drop "
                                 "rows with that label (counted in the summary), e.g. '1=0,2=0,3=skip,4=1,5=1' for "
                                 "star ratings; or a JSON/YAML file",
                             default_text="0/1, negative/positive, neg/pos; the course's shop export: its stars, "
                                          "1=0,2=0,3=skip,4=1,5=1", group="data")
    strict: bool = setting(False, "stop at the first junk row (empty after cleaning, duplicate, "
                                  "conflicting labels) instead of dropping it with a summary", group="data")

    def cleaning_config(self):
        """The cleaning steps ``clean`` stands for: every step of :class:`~coursekit.data.CleaningConfig`
        (its defaults), or ``None`` for ``--no-clean``."""
        from ..data.cleaning import CleaningConfig

        return CleaningConfig() if self.clean else None

    @classmethod
    def from_record(cls, record: dict, **changes) -> "DataConfig":
        """The data settings a run card recorded (its ``data``), each checked against its field's type,
        with ``changes`` applied (another path to the same file, say)."""
        from ..errors import RunCardError

        values = {}
        for f in fields(cls):
            if f.name in record:
                value, kind = record[f.name], type(f.default)
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise RunCardError(f"the run card's data setting {f.name!r} is {str(value)[:60]!r}, expected "
                                       f"a {kind.__name__}; retrain with `coursekit train --overwrite`")
                values[f.name] = value
        return cls(**{**values, **changes})


def option_name(f) -> str:
    """The option that sets field ``f`` (booleans that default to True are turned off with --no-...)."""
    if f.metadata.get("option"):
        return f.metadata["option"]
    name = f.name.replace("_", "-")
    if f.name == "has_header":
        return "--no-header"
    if isinstance(f.default, bool) and f.default is True:
        return f"--no-{name}"
    return f"--{name}"


def field_help(cls, name: str) -> str:
    """The help text of one setting (the lesson's tables quote it)."""
    return next(f.metadata["help"] for f in fields(cls) if f.name == name)
