"""What a newcomer meets first: `coursekit --version`, a description on every sub-command,
package metadata that builds without warnings. (Cloud commands checking the cheap things
before the slow ones: tests/test_azure_commands.py.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own TOML reader
    import tomli as tomllib

import pytest

import coursekit
from coursekit.cli import build_parser, main, subcommand_parsers

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"coursekit {coursekit.__version__}"


def test_package_version_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert coursekit.__version__ == project["version"]


def test_every_subcommand_has_a_one_line_help_and_a_description():
    found = list(subcommand_parsers(build_parser()))
    names = {name for name, _, _ in found}
    # the walk reaches nested sub-commands too
    assert {"coursekit demo", "coursekit evaluate", "coursekit quiz grade", "coursekit azure deploy"} <= names
    for name, parser, help_line in found:
        assert help_line and "\n" not in help_line, f"{name} has no one-line help in `coursekit --help`"
        assert parser.description, f"`{name} --help` has no description"
        assert parser.format_help().count(parser.description.split()[0]) >= 1


def test_demo_help_describes_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    assert "usage: coursekit demo" in out and "real reviews" in " ".join(out.split("options:")[0].split())


def test_license_is_an_spdx_expression_with_its_file():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    assert project["license"] == "MIT"  # a string: the TOML table form is deprecated in setuptools
    assert all((ROOT / pattern).is_file() for pattern in project["license-files"])
    requires = " ".join(data["build-system"]["requires"])
    assert "setuptools>=77" in requires  # the first setuptools that reads SPDX license strings
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_building_the_package_prints_no_setuptools_warning(tmp_path):
    """What `pip install -e .` runs (no network: the installed setuptools): no deprecation
    warning about the licence, none about the editable-install import hook."""
    script = ("import setuptools.build_meta as b, sys; sys.argv[0] = 'setup.py'; "
              f"b.prepare_metadata_for_build_wheel({str(tmp_path)!r}); "
              f"b.build_editable({str(tmp_path / 'wheel')!r})")
    run = subprocess.run([sys.executable, "-W", "always", "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    output = run.stdout + run.stderr
    for notice in ("Warning", "deprecated", "InformationOnly", "Please be careful", "!!"):  # setuptools' banners
        assert notice not in output, output[-2000:]
    metadata = next(tmp_path.glob("*.dist-info/METADATA")).read_text()
    assert "License-Expression: MIT" in metadata
