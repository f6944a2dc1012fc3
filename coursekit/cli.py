"""``coursekit`` command line: a thin layer over the library.

Each stage module contributes its own sub-commands through an ``add_parser(subparsers)``
function listed in :data:`COMMAND_MODULES`; this file only wires them together, and turns
errors meant for people into one line and exit status 2: every
:class:`~coursekit.errors.CoursekitError`, and an ``OSError`` about a named file (a
read-only folder, a full disk: see :func:`file_system_message`). Anything else is a bug
and keeps its traceback.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

# module path -> the sub-commands it adds (kept here so `--help` needs no heavy imports)
COMMAND_MODULES = [
    "coursekit.commands.train_cmd",
    "coursekit.commands.runs_cmd",
    "coursekit.commands.release_cmd",
    "coursekit.commands.evaluate_cmd",
    "coursekit.commands.render_cmd",
    "coursekit.commands.quiz_cmd",
    "coursekit.commands.export_cmd",
    "coursekit.commands.serve_cmd",
    "coursekit.commands.monitor_cmd",
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
        exc = _named_extra(exc)
        known = getattr(exc, "user_facing", False)
        message = str(exc) if known else file_system_message(exc)
        if message is None or (not known and os.environ.get(TRACEBACK_ENV)):
            raise
        print(f"coursekit {args.command}: error: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)  # 2, or e.g. 75 after a preemption checkpoint


def _named_extra(exc: Exception) -> Exception:
    """A module of an optional extra that is missing becomes the one line naming ``coursekit[EXTRA]``."""
    from .errors import MissingExtra, extra_for_module

    extra = extra_for_module(exc.name) if isinstance(exc, ModuleNotFoundError) else None
    if extra is None:
        return exc
    return MissingExtra(f"needs the module {exc.name}, which plain `pip install coursekit` leaves out: "
                        f"pip install 'coursekit[{extra}]'")


# Set to 1 to see the traceback behind a one-line file-system error (for bug reports).
TRACEBACK_ENV = "COURSEKIT_TRACEBACK"

# What the disk or a folder refusing means for the person running the command.
_FILE_SYSTEM_HINTS = {
    errno.EACCES: "the folder is read-only or not yours: fix its permissions or choose another --output",
    errno.EPERM: "the folder is read-only or not yours: fix its permissions or choose another --output",
    errno.EROFS: "the file system is read-only: choose another --output",
    errno.ENOSPC: "the disk is full: free some space or choose another --output",
    errno.EDQUOT: "the disk quota is used up: free some space or choose another --output",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    errno.EISDIR: "a folder is in the way where a file goes: check the path",
    errno.EEXIST: "something is already there: choose another path",
    errno.ENOENT: "it does not exist (or was removed while the command ran): check the path",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter path",
}


def file_system_message(exc: BaseException) -> str | None:
    """One line for an ``OSError`` about a named file (a read-only folder, a full disk...), else ``None``.

    Such errors come from the machine, not from a bug: a folder made read-only or a disk
    filling up while a command runs. Atomic writes (:mod:`coursekit.fileio`) leave what was
    saved before intact, so the line says what happened and what to do.
    """
    if not isinstance(exc, OSError) or exc.errno not in _FILE_SYSTEM_HINTS or not exc.filename:
        return None
    names = " -> ".join(str(n) for n in (exc.filename, exc.filename2) if n)
    return f"{names}: {exc.strerror or os.strerror(exc.errno)}; {_FILE_SYSTEM_HINTS[exc.errno]}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
