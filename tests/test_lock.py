"""lock/ pins the tested environment (written by uv, a hash for every file): it agrees with
pyproject.toml on every Python it covers, its CPU and CUDA variants pin the same versions,
the endpoint's lock is a part of it, and `make install` installs from it checking hashes.
When a test here fails after a dependency change, run `make lock` (README, Dependencies)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from scripts.envlock import checks, lockfile, project

ROOT = Path(__file__).resolve().parents[1]
LOCKS = (lockfile.CUDA_LOCK, lockfile.CPU_LOCK, lockfile.ENDPOINT_LOCK)


@pytest.fixture(scope="module")
def cuda():
    return lockfile.read_lock(lockfile.CUDA_LOCK)


@pytest.fixture(scope="module")
def cpu():
    return lockfile.read_lock(lockfile.CPU_LOCK)


@pytest.mark.parametrize("path", LOCKS, ids=lambda p: p.name)
def test_each_lock_is_written_by_uv_with_hashes(path):
    assert lockfile.compile_command(path) == "make lock"
    pins = lockfile.read_lock(path)  # refuses an entry without --hash or a line that is not name==version
    assert len(pins) > 20 and all(pin.hashes for pin in pins)
    assert not re.search(r"(^|\s)/(work|opt|home|root|tmp)/", path.read_text()), "no machine paths in a lock"


def test_the_lock_agrees_with_pyproject_on_every_python(cuda, cpu):
    reqs = project.requirements()
    assert len(reqs) >= 40
    assert checks.lock_agrees_with_project(cuda, reqs) == []
    assert checks.lock_agrees_with_project(cpu, reqs, (project.CPU_PYTHON,)) == []


def test_requires_python_is_what_is_tested():
    """pyproject.toml admits exactly the Pythons the lock covers, and make tests each of them
    (CI: 3.11 with make test; make test-pythons: the others)."""
    admitted = SpecifierSet(project.requires_python())
    candidates = [f"3.{minor}" for minor in range(8, 16)]
    assert [python for python in candidates if admitted.contains(python)] == list(project.PYTHONS)
    others = re.search(r"^PYTHONS \?= (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert sorted(others + [project.CPU_PYTHON]) == sorted(project.PYTHONS)


def test_a_pyproject_change_without_make_lock_is_caught(cuda):
    reqs = project.requirements()
    numpy = next(pin.version for pin in cuda if pin.name == "numpy" and project.applies(
        pin.marker, project.linux_environment("3.12")))
    raised = [Requirement(f"numpy>{numpy}") if r.name == "numpy" else r for r in reqs]
    assert any("does not admit the locked numpy" in p for p in checks.lock_agrees_with_project(cuda, raised))
    added = reqs + [Requirement("rich-click>=1.0")]
    assert any("the lock has no rich-click" in p for p in checks.lock_agrees_with_project(cuda, added))
    dropped = [r for r in reqs if r.name != "jinja2"]
    assert any("jinja2" in p and "no longer asks" in p for p in checks.lock_agrees_with_project(cuda, dropped))
    linux_only = [r for r in reqs if r.name == "gunicorn"]  # a marker the lock evaluates per environment
    assert linux_only and str(linux_only[0].marker) == 'sys_platform != "win32"'


def test_cpu_and_cuda_locks_pin_the_same_versions(cuda, cpu):
    assert checks.cpu_lock_matches_cuda_lock(cpu, cuda) == []
    moved = [lockfile.Pin(p.name, "0.0.1", p.marker, p.hashes, p.via) if p.name == "pandas" else p for p in cpu]
    assert checks.cpu_lock_matches_cuda_lock(moved, cuda) == [
        f"pandas: cpu.txt 0.0.1, cuda.txt {next(p.version for p in cpu if p.name == 'pandas')}; {checks.RELOCK}"]


def test_torch_is_the_cpu_build_for_ci_and_the_cuda_build_for_azure(cuda, cpu):
    assert checks.torch_builds(cpu, cuda) == []
    (cpu_torch,) = [p for p in cpu if p.name == "torch"]
    assert cpu_torch.version.endswith("+cpu") and not any(p.name.startswith("nvidia-") for p in cpu)
    for python in project.PYTHONS:
        pins = project.pins_for(cuda, project.linux_environment(python))
        assert "+" not in pins["torch"].version
        nvidia = [name for name in pins if name.startswith("nvidia-")]
        assert len(nvidia) >= 5 and {"nvidia-cublas", "nvidia-cuda-runtime"} <= set(nvidia), nvidia
    assert lockfile.torch_requirement(lockfile.CPU_LOCK).startswith(f"torch=={cpu_torch.version} --hash=sha256:")


def test_the_endpoint_lock_is_part_of_the_cuda_lock(cuda):
    assert checks.endpoint_lock(lockfile.read_lock(lockfile.ENDPOINT_LOCK), cuda) == []


def test_environment_files_are_what_the_lock_renders():
    assert checks.generated_files() == []


def test_lock_parser_refuses_what_uv_does_not_write():
    with pytest.raises(lockfile.LockError, match="has no --hash"):
        lockfile.parse_lock("numpy==2.0.0\n    # via coursekit (pyproject.toml)\n")
    with pytest.raises(lockfile.LockError, match="line 1: not a pinned requirement"):
        lockfile.parse_lock("numpy>=2.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    (pin,) = lockfile.parse_lock("Jinja2==3.1.6 ; python_full_version < '3.11' \\\n    --hash=sha256:" + "a" * 64
                                 + "\n    # via\n    #   coursekit (pyproject.toml)\n    #   torch\n")
    assert (pin.name, pin.marker, pin.direct, pin.via) == ("jinja2", "python_full_version < '3.11'", True,
                                                           ("coursekit (pyproject.toml)", "torch"))


def test_make_install_and_ci_install_from_the_lock_checking_hashes():
    makefile = (ROOT / "Makefile").read_text()
    install = re.search(r"^\$\(STAMP\):.*?(?=^\S)", makefile, re.M | re.S).group(0)
    steps = [line.strip() for line in install.splitlines()[1:] if line.strip()]
    assert "scripts.envlock torch $(LOCK_CPU)" in steps[0], "torch first, its locked line"
    assert all("--require-hashes" in step for step in steps[1:4])
    assert "-r $(LOCK_CPU)" in steps[3] and "--no-deps" in steps[3]
    assert "--no-deps" in steps[4] and steps[4].endswith("-e .")
    assert "LOCK_CPU      := lock/cpu.txt" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
