"""constraints.txt pins the tested environment: every distribution coursekit[all] pulls in
is installed at exactly the pinned version, and pyproject.toml's ranges admit every pin.
When this fails after a dependency change, run `make lock` (README, Quickstart)."""
from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _lock_module():
    spec = importlib.util.spec_from_file_location("lock_constraints", ROOT / "scripts" / "lock_constraints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lock = _lock_module()


def test_constraints_file_is_well_formed():
    lines = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    names = [line.split("==")[0] for line in lines]
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][0-9A-Za-z.!+-]*", line) for line in lines), lines
    assert names == sorted(set(names)), "sorted, one pin per distribution"
    assert "coursekit" not in names and "torch" in names
    assert all("+" not in line for line in lines), "no local version labels (torch's +cpu)"


def test_installed_dependencies_match_the_constraints_exactly():
    pins = lock.read_constraints()
    installed = lock.dependency_closure()
    unpinned = sorted(set(installed) - set(pins))
    assert not unpinned, f"installed but not in constraints.txt (run `make lock`): {unpinned}"
    wrong = {name: (Version(version).public, pins[name]) for name, version in installed.items()
             if Version(version).public != pins[name]}
    assert not wrong, f"installed vs pinned (run `make install`, or `make lock` to re-pin): {wrong}"
    stale = sorted(set(pins) - set(installed))
    assert not stale, f"pinned but no longer needed (run `make lock`): {stale}"


def test_pyproject_ranges_admit_every_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pins = lock.read_constraints()
    checked = 0
    for line in declared:
        req = Requirement(line)
        if canonicalize_name(req.name) == "coursekit":
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is a dependency in pyproject.toml but not pinned"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req} does not admit the pin {pins[name]}"
        checked += 1
    assert checked >= 25


def test_torch_pin_agrees_with_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    torch = re.search(r"^TORCH_VERSION\s*:?=\s*(\S+)", makefile, re.M).group(1)
    assert lock.read_constraints()["torch"] == torch
    install = re.search(r"^\$\(STAMP\):.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert "-c $(CONSTRAINTS)" in install and "CONSTRAINTS := constraints.txt" in makefile
