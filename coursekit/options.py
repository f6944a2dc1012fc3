"""Command-line options derived from the settings dataclasses, and a ``--config`` file reader.

``transformers.HfArgumentParser`` does this for one flat parser; coursekit's command line
is a tree of sub-commands (``coursekit train``, ``coursekit azure train ...``) whose
parsers argparse creates itself, and its options keep the course's spellings
(``--output``, ``--lr``, ``--no-clean``). So the few lines that map a field to an option
live here, and every option, default and help text still comes from the dataclass.
"""
from __future__ import annotations

import argparse
from dataclasses import MISSING, fields
from pathlib import Path

from .errors import ConfigError
from .settings_files import load_settings_file  # the one safe YAML/JSON reader
from .train.config import option_name


def _default_text(f) -> str:
    if f.metadata.get("default_text"):
        return f.metadata["default_text"]
    default = f.default if f.default is not MISSING else None
    if isinstance(default, bool):
        return "on" if default else "off"
    if default in ("", None):
        return "none"
    return str(default)


def cli_fields(cls, groups: tuple[str, ...] | None = None):
    """The fields of ``cls`` that are command-line options (optionally of some groups only)."""
    return [f for f in fields(cls) if f.metadata.get("cli", False)
            and (groups is None or f.metadata.get("group") in groups)]


def add_options(parser, cls, groups: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> None:
    """Add one option per setting of ``cls``; unset options parse as ``None`` (= the default)."""
    titles = {"data": "data", "training": "training (the assignment's values by default)", "run": "the run",
              "method": "method (how much of the model training changes)",
              "speed": "speed (the fast path is the default; each flag turns one part of it off or on)"}
    sections: dict[str, argparse._ArgumentGroup] = {}
    for f in cli_fields(cls, groups):
        group_name = f.metadata.get("group", "training")
        target = sections.get(group_name)
        if target is None:
            target = sections[group_name] = parser.add_argument_group(titles.get(group_name, group_name))
        name = option_name(f)
        help_text = f.metadata["help"]
        if f.name not in required:
            help_text += f" (default: {_default_text(f)})"
        kwargs = dict(dest=f.name, default=None, help=help_text)
        if isinstance(f.default, bool):
            kwargs.update(action="store_const", const=not f.default if name.startswith("--no-") else True)
        else:
            kind = type(f.default) if f.default is not MISSING and f.default is not None else str
            metavar = "N" if kind is int else f.name.upper().split("_")[-1]
            kwargs.update(type=kind, choices=f.metadata.get("choices"),
                          metavar=None if f.metadata.get("choices") else metavar)
            if f.name in required:
                kwargs.update(required=True)
        target.add_argument(name, *f.metadata.get("aliases", ()), **kwargs)


def values_from_args(args: argparse.Namespace, cls) -> dict:
    """The settings of ``cls`` given on the command line (``None`` = not given)."""
    return {f.name: getattr(args, f.name) for f in cli_fields(cls)
            if getattr(args, f.name, None) is not None}


# Settings that must be above zero, and those that may be zero (a setting not listed takes any value).
POSITIVE = {"learning_rate", "epochs", "batch_size", "eval_batch_size", "max_length", "lora_rank", "lora_alpha"}
NON_NEGATIVE = {"weight_decay", "seed", "max_steps", "save_steps", "early_stopping_patience",
                "pad_to_multiple_of", "max_samples", "lora_dropout"}
AT_LEAST = {"dataloader_workers": -1}


def read_config_file(path: str | Path, *classes) -> dict:
    """Settings from a YAML or JSON file whose keys are field names of ``classes``.

    Read by :func:`~coursekit.settings_files.load_settings_file`: at most 100 kB, UTF-8, no YAML aliases (``*name``, the "billion
    laughs" expansion), bounded nesting; every value must
    have its setting's type and range. Each failure is a one-line :class:`ConfigError`.
    """
    path = Path(path)
    loaded = load_settings_file(path)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"--config {path}: expected a mapping of setting: value, found a "
                          f"{type(loaded).__name__}; fix the file")
    known = config_keys(*classes)
    values = {}
    for key, value in loaded.items():
        name = known.get(str(key).strip().lstrip("-").replace("-", "_"))
        if name is None:
            raise ConfigError(f"--config {path}: unknown setting {key!r}; the settings are the long options of "
                              "`coursekit train --help` with '_' for '-'")
        if name in values:
            raise ConfigError(f"--config {path}: setting {name!r} is given twice (as {key!r}); keep one")
        values[name] = value
    check_values(values, *classes, source=f"--config {path}")
    return values


def config_keys(*classes) -> dict[str, str]:
    """Key -> field name for a --config file: each setting's field name, and its option names
    (``lr``, ``output``, ``patience``...) except the ``--no-...`` switches."""
    keys = {}
    for cls in classes:
        for f in cli_fields(cls):
            keys[f.name] = f.name
            for option in (option_name(f), *f.metadata.get("aliases", ())):
                if not option.startswith("--no-"):
                    keys.setdefault(option.lstrip("-").replace("-", "_"), f.name)
    return keys


def check_values(values: dict, *classes, source: str | None = None) -> None:
    """Refuse a setting whose value has the wrong type or is out of range; the error names the
    option (``source=None``: the command line) or the file and key."""
    import math

    by_name = {f.name: f for cls in classes for f in fields(cls)}
    for name, value in values.items():
        f = by_name.get(name)
        if f is None or value is None:
            continue
        where = f"{source}: setting {name!r}" if source else option_name(f)
        kind = type(f.default) if f.default is not MISSING and f.default is not None else str
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = values[name] = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: expected {_kind_name(kind)}, got {value!r}")
        if kind is float and not math.isfinite(value):
            raise ConfigError(f"{where}: expected a finite number, got {value!r}")
        choices = f.metadata.get("choices")
        if choices and value not in choices:
            raise ConfigError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
        if name in POSITIVE and not value > 0:
            raise ConfigError(f"{where}: must be above 0, got {value!r}")
        if name in NON_NEGATIVE and value < 0:
            raise ConfigError(f"{where}: must be 0 or more, got {value!r}")
        if name in AT_LEAST and value < AT_LEAST[name]:
            raise ConfigError(f"{where}: must be {AT_LEAST[name]} or more, got {value!r}")


def _kind_name(kind) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text (quote it)"}.get(
        kind, kind.__name__)


def to_cli_arguments(values: dict, cls) -> list[str]:
    """``values`` (field name -> value) as the command-line options that set them."""
    out: list[str] = []
    by_name = {f.name: f for f in cli_fields(cls)}
    for name, value in values.items():
        f = by_name.get(name)
        if f is None or value is None:
            continue
        option = option_name(f)
        if isinstance(f.default, bool):
            wanted = not f.default if option.startswith("--no-") else True
            if value == wanted:
                out.append(option)
        else:
            out += [option, str(value)]
    return out


def add_profile_option(parser) -> None:
    """The one ``--profile`` option every tier-dependent command takes."""
    parser.add_argument("--profile", choices=["full", "offline"], default=None,
                        help="tier: 'full' (Hub model + IMDB, GPU) or 'offline' (MiniLM + a shop's real reviews); "
                             "default: $COURSEKIT_PROFILE, else offline")


def resolve_profile(args, announce: bool = True, data: str | None = None, max_samples: int | None = None):
    """The tier for this command: --profile, then $COURSEKIT_PROFILE, then offline; printed once
    with the data actually used (``data``, ``max_samples``: what the command was given)."""
    from .profiles import get_profile

    return get_profile(getattr(args, "profile", None), announce=announce, data=data, max_samples=max_samples)
