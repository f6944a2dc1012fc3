"""``coursekit`` command line: a thin layer over the library.

Each stage module contributes its own sub-commands through an ``add_parser(subparsers)``
function listed in :data:`COMMAND_MODULES`; this file only wires them together.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# module path -> the sub-commands it adds (kept here so `--help` needs no heavy imports)
COMMAND_MODULES = [
    "coursekit.commands.train_cmd",
    "coursekit.commands.release_cmd",
    "coursekit.commands.evaluate_cmd",
    "coursekit.commands.render_cmd",
    "coursekit.commands.quiz_cmd",
    "coursekit.commands.export_cmd",
    "coursekit.commands.serve_cmd",
    "coursekit.commands.azure_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursekit",
        description="Fine-tune, evaluate, quiz, export and deploy a sentiment classifier.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).add_parser(subparsers)
    describe_subcommands(parser)
    return parser


def installed_version() -> str:
    """The installed distribution's version (the package's own when run from a source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coursekit")
    except PackageNotFoundError:
        from coursekit import __version__

        return __version__


def subcommand_parsers(parser: argparse.ArgumentParser):
    """Yield ``(name, sub-parser, one-line help)`` for every sub-command, nested ones included."""
    for action in parser._actions:  # argparse keeps sub-parsers only here
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield sub.prog, sub, helps.get(name)
                yield from subcommand_parsers(sub)


def describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """A sub-command without its own description shows its one-line help under ``--help``."""
    for _, sub, help_line in subcommand_parsers(parser):
        if not sub.description and help_line:
            sub.description = help_line[0].upper() + help_line[1:] + "."


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a clear one-line error for the user
        known = getattr(exc, "user_facing", False)
        if not known:
            raise
        print(f"coursekit {args.command}: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)  # 2, or e.g. 75 after a preemption checkpoint


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
