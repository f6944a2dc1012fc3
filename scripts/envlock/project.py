"""pyproject.toml's requirements: what ``coursekit[all]`` asks for, its floors, marker environments."""
from __future__ import annotations

from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from .lockfile import ROOT, Pin, canonical

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = ROOT / "pyproject.toml"
# The Pythons the CUDA lock covers (requires-python) and the one the CPU lock is for; the
# patch level 0 stands for every patch release (uv's --python-version 3.11 means 3.11.0).
PYTHONS = ("3.10", "3.11", "3.12")
CPU_PYTHON = "3.11"


def requirements(path: Path = PYPROJECT) -> list[Requirement]:
    """``coursekit[all]``: the dependencies and every extra (the self-references left out)."""
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    return [req for req in map(Requirement, lines) if canonical(req.name) != "coursekit"]


def requires_python(path: Path = PYPROJECT) -> str:
    return tomllib.loads(path.read_text(encoding="utf-8"))["project"]["requires-python"]


def linux_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values of CPython ``python`` (e.g. ``"3.11"``) on Linux x86-64."""
    return {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def applies(marker: str | Marker | None, environment: dict[str, str]) -> bool:
    return marker is None or Marker(str(marker)).evaluate(environment)


def pins_for(pins: list[Pin], environment: dict[str, str]) -> dict[str, Pin]:
    """The lock's entries that pip installs in ``environment``, by name."""
    chosen: dict[str, Pin] = {}
    for pin in pins:
        if applies(pin.marker, environment):
            if pin.name in chosen:
                raise ValueError(f"two entries of {pin.name} apply to Python {environment['python_version']}")
            chosen[pin.name] = pin
    return chosen


def floor(req: Requirement) -> str | None:
    """The ``>=`` bound of a requirement (None when it has none)."""
    bounds = [spec.version for spec in req.specifier if spec.operator == ">="]
    return bounds[0] if len(bounds) == 1 else None


def floor_pins(path: Path = PYPROJECT) -> list[str]:
    """Each requirement at its floor, as pip constraints (``make test-oldest``)."""
    lines = []
    for req in requirements(path):
        bound = floor(req)
        if bound is None:
            raise ValueError(f"pyproject.toml: {req} has no single >= floor")
        marker = f" ; {req.marker}" if req.marker else ""
        lines.append(f"{req.name}=={bound}{marker}")
    return lines
