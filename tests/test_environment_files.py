"""environment.yml (conda, Azure ML) and pyproject.toml (pip) must list the same packages."""
from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PINNED_TORCH = Version("2.13.0")


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        reqs += [r for r in items if not r.startswith("coursekit")]
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def _environment_requirements() -> dict[str, Requirement]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {Requirement(r).name.lower(): Requirement(r) for r in pip_section}


def test_same_packages_in_both_files():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert sorted(set(py) - set(env)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(env) - set(py)) == [], "in environment.yml but not pyproject.toml"


def test_same_version_ranges():
    py, env = _pyproject_requirements(), _environment_requirements()
    for name, req in py.items():
        if name == "torch":
            continue
        assert str(env[name].specifier) == str(req.specifier), f"{name}: {env[name]} vs {req}"


def test_torch_is_pinned_to_the_local_build_everywhere():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert str(env["torch"].specifier) == f"=={PINNED_TORCH}"
    assert PINNED_TORCH in py["torch"].specifier
    makefile = (ROOT / "Makefile").read_text()
    assert f"TORCH_VERSION := {PINNED_TORCH}" in makefile


def test_environment_names_python_and_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    plain = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("python=") for d in plain) and "pip" in plain
