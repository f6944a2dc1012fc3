"""Command-line options derived from the settings dataclasses, and a ``--config`` file reader.

``transformers.HfArgumentParser`` does this for one flat parser; coursekit's command line
is a tree of sub-commands (``coursekit train``, ``coursekit azure train ...``) whose
parsers argparse creates itself, and its options keep the course's spellings
(``--output``, ``--lr``, ``--no-clean``). So the few lines that map a field to an option
live here, and every option, default and help text still comes from the dataclass.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import MISSING, fields
from pathlib import Path

from .errors import ConfigError


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


def read_config_file(path: str | Path, *classes) -> dict:
    """Settings from a YAML or JSON file whose keys are field names of ``classes``."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: unreadable config file ({exc.__class__.__name__}); check --config") from exc
    try:
        loaded = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} ({first}); "
                          "fix the file given with --config") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping of setting: value; fix the file given with --config")
    known = {f.name: f for cls in classes for f in fields(cls)}
    values = {}
    for key, value in loaded.items():
        name = str(key).replace("-", "_")
        if name not in known or not known[name].metadata.get("cli"):
            raise ConfigError(f"{path}: unknown setting {key!r}; the settings are the long options of "
                              "`coursekit train --help` with '_' for '-'")
        values[name] = value
    return values


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
                        help="tier: 'full' (Hub model + IMDB, GPU) or 'offline' (MiniLM + sample reviews); "
                             "default: $COURSEKIT_PROFILE, else offline")


def resolve_profile(args, announce: bool = True, data: str | None = None):
    """The tier for this command: --profile, then $COURSEKIT_PROFILE, then offline; printed once."""
    from .profiles import get_profile

    return get_profile(getattr(args, "profile", None), announce=announce, data=data)
