"""Command line of the lock tools (the Makefile's lock, install and test-oldest/latest targets).

    python -m scripts.envlock torch lock/cpu.txt   # torch's locked line with hashes (installed first)
    python -m scripts.envlock write                # environment.yml + endpoint-conda.yml from the lock
    python -m scripts.envlock check                # exit 1 when the lock, pyproject.toml or those files disagree
    python -m scripts.envlock floors               # pyproject.toml's floors as == constraints
    python -m scripts.envlock at-floors            # exit 1 unless this environment has every floor
    python -m scripts.envlock moved lock/cpu.txt   # installed versions that differ from the lock
"""
from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from .lockfile import CPU_LOCK, CUDA_LOCK, ENDPOINT_LOCK, LockError, read_lock, torch_requirement


def _check() -> list[str]:
    from . import checks
    from .project import CPU_PYTHON, requirements

    cpu, cuda, endpoint = read_lock(CPU_LOCK), read_lock(CUDA_LOCK), read_lock(ENDPOINT_LOCK)
    reqs = requirements()
    return (checks.lock_agrees_with_project(cuda, reqs) + checks.lock_agrees_with_project(cpu, reqs, (CPU_PYTHON,))
            + checks.cpu_lock_matches_cuda_lock(cpu, cuda) + checks.torch_builds(cpu, cuda)
            + checks.endpoint_lock(endpoint, cuda) + checks.generated_files())


def _moved(lock: Path) -> list[str]:
    """``name: locked -> installed`` for every locked distribution installed at another version."""
    from packaging.markers import default_environment

    from .project import applies

    environment = {**default_environment(), "extra": ""}
    lines = []
    for pin in read_lock(lock):
        if not applies(pin.marker, environment):
            continue
        try:
            installed = metadata.version(pin.name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != pin.version:
            lines.append(f"{pin.name}: locked {pin.version} -> {installed}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.envlock", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("torch", help="print torch's locked requirement").add_argument("lock", type=Path)
    commands.add_parser("write", help="write environment.yml and coursekit/serving/endpoint-conda.yml")
    commands.add_parser("check", help="exit 1 when the lock, pyproject.toml or the generated files disagree")
    commands.add_parser("floors", help="print pyproject.toml's floors as == constraints")
    commands.add_parser("at-floors", help="exit 1 unless every requirement is installed at its floor")
    commands.add_parser("moved", help="print installed versions that differ from a lock").add_argument("lock", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "torch":
            sys.stdout.write(torch_requirement(args.lock))
            return 0
        if args.command == "write":
            from .conda import CONDA_FILES

            for conda in CONDA_FILES:
                conda.write()
                print(f"envlock: wrote {conda.path.name} from lock/{conda.lock.name}")
            return 0
        if args.command == "floors":
            from .project import floor_pins

            print("\n".join(floor_pins()))
            return 0
        if args.command == "moved":
            print("\n".join(_moved(args.lock)) or f"envlock: every package is at its version in {args.lock}")
            return 0
        if args.command == "at-floors":
            from .checks import installed_at_floors
            from .project import requirements

            problems = installed_at_floors(requirements())
        else:
            problems = _check()
    except LockError as exc:
        print(f"envlock: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"envlock: {problem}", file=sys.stderr)
    if not problems:
        print(f"envlock: {args.command}: all agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
