"""Write constraints.txt: the exact version of every distribution that coursekit[all]
pulls in, read from the environment this script runs in (the tested .venv).

    .venv/bin/python scripts/lock_constraints.py            # print
    .venv/bin/python scripts/lock_constraints.py --write    # replace constraints.txt
    .venv/bin/python scripts/lock_constraints.py --check    # exit 1 if it disagrees

`make lock` upgrades the .venv within pyproject's ranges (torch stays pinned) and then
runs `--write`; `make` installs with `pip install -c constraints.txt`. Local version
labels are dropped (torch 2.13.0+cpu is pinned as 2.13.0: pip's CPU or CUDA build of
the same release both satisfy it).
"""
from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
PROJECT = "coursekit"
EXTRAS = ("all",)
HEADER = """\
# Exact versions of coursekit[all] and everything it pulls in, as tested (Linux, CPython 3.11).
# `make` installs with `pip install -c constraints.txt`; `make lock` upgrades within
# pyproject.toml's ranges and rewrites this file (scripts/lock_constraints.py). Do not edit by hand.
"""


def _requirements(dist, extras: set[str]) -> list[Requirement]:
    wanted = []
    for line in dist.requires or []:
        req = Requirement(line)
        if req.marker is None:
            wanted.append(req)
        elif any(req.marker.evaluate({"extra": extra}) for extra in (extras or {""})):
            wanted.append(req)
    return wanted


def dependency_closure(project: str = PROJECT, extras: tuple[str, ...] = EXTRAS) -> dict[str, str]:
    """``{canonical name: installed version}`` of every distribution ``project[extras]``
    needs in this environment (the project itself excluded); extras of dependencies
    (``coursekit[offline,...]`` inside ``all``) are followed too."""
    seen: dict[str, str] = {}
    queue = [(project, frozenset(extras))]
    done: set[tuple[str, frozenset]] = set()
    while queue:
        name, wanted_extras = queue.pop()
        key = (canonicalize_name(name), wanted_extras)
        if key in done:
            continue
        done.add(key)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            raise SystemExit(f"lock_constraints: {name} is required but not installed; run `make install` first")
        canonical = canonicalize_name(dist.metadata["Name"])
        if canonical != canonicalize_name(project):
            seen[canonical] = dist.version
        for req in _requirements(dist, set(wanted_extras)):
            queue.append((req.name, frozenset(req.extras)))
    return seen


def public_version(version: str) -> str:
    return Version(version).public


def render(closure: dict[str, str]) -> str:
    return HEADER + "".join(f"{name}=={public_version(closure[name])}\n" for name in sorted(closure))


def read_constraints(path: Path = CONSTRAINTS) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"replace {CONSTRAINTS.name}")
    mode.add_argument("--check", action="store_true", help=f"exit 1 when {CONSTRAINTS.name} disagrees")
    args = parser.parse_args(argv)
    text = render(dependency_closure())
    if args.write:
        tmp = CONSTRAINTS.with_suffix(".txt.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(CONSTRAINTS)
        print(f"lock_constraints: wrote {text.count('==')} pins to {CONSTRAINTS.name}")
    elif args.check:
        if not CONSTRAINTS.is_file() or CONSTRAINTS.read_text(encoding="utf-8") != text:
            print(f"lock_constraints: {CONSTRAINTS.name} does not match this environment; run `make lock`",
                  file=sys.stderr)
            return 1
        print(f"lock_constraints: {CONSTRAINTS.name} matches this environment")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
