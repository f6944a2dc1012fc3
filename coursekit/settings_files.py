"""Small settings files (YAML or JSON) read safely: size-limited, UTF-8, no YAML aliases, bounded nesting.

A neutral home for the one reader that the command line's ``--config`` files
(:mod:`coursekit.options`) and the data stage's ``--label-map`` files
(:mod:`coursekit.data.labelmap`) share, so the data stage never imports the command line.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import ConfigError
from .fileio import read_small_text

# A --config file is a short list of settings: read it within limits, so a crafted file
# cannot hang or exhaust memory (the same rules as quiz files, coursekit.quiz.loading).
MAX_CONFIG_BYTES = 100_000
MAX_CONFIG_DEPTH = 20


def load_settings_file(path: str | Path, option: str = "--config", error: type[Exception] = ConfigError):
    """The parsed content of a small YAML or JSON file, read safely.

    At most :data:`MAX_CONFIG_BYTES`, UTF-8, no YAML aliases, bounded nesting; any failure is
    one line of ``error`` that starts with ``option PATH``.
    """
    path = Path(path)
    is_json = path.suffix.lower() == ".json"
    text = read_small_text(path, limit=MAX_CONFIG_BYTES, what="a settings file", error=error, prefix=f"{option} {path}")
    try:
        return _parse_json(text) if is_json else _parse_yaml(text)
    except ConfigError as exc:
        raise error(f"{option} {path}: {exc}") from exc
    except RecursionError as exc:
        raise error(f"{option} {path}: nested too deeply to be a settings file") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault, said in one line
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]
        raise error(f"{option} {path}: not valid {'JSON' if is_json else 'YAML'} ({first}); "
                    "fix the file") from exc


def _parse_json(text: str):
    def no_constants(name: str):
        raise ConfigError(f"{name} is not a number JSON allows")

    return json.loads(text, parse_constant=no_constants)


def _parse_yaml(text: str):
    import yaml

    class ConfigLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise ConfigError(f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                                  "allowed; write the value out")
            return super().compose_node(parent, index)

        def fetch_flow_collection_start(self, TokenClass):
            if self.flow_level >= MAX_CONFIG_DEPTH:  # refuse [[[[... at once, not after scanning it all
                raise ConfigError(f"line {self.line + 1}: nested deeper than {MAX_CONFIG_DEPTH} levels")
            return super().fetch_flow_collection_start(TokenClass)

    return yaml.load(text, Loader=ConfigLoader)  # noqa: S506 - a SafeLoader subclass
