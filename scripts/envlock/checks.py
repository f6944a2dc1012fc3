"""Do the lock, pyproject.toml and the generated files agree? Each check returns its problems
(one line each, naming the fix); an empty list means yes."""
from __future__ import annotations

from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

from .conda import CONDA_FILES
from .lockfile import LOCK_DIR, Pin, canonical
from .project import CPU_PYTHON, PYTHONS, applies, floor, linux_environment, pins_for

RELOCK = "run `make lock` and commit lock/ with the files it writes"
CUDA_ONLY_PREFIXES = ("nvidia-", "cuda-", "triton")


def input_pins(name: str) -> list[Requirement]:
    """A lock input such as ``lock/torch-cuda.in`` (one requirement a line)."""
    lines = (LOCK_DIR / name).read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in (l.split("#", 1)[0].strip() for l in lines) if line]


def _pinned_version(req: Requirement) -> Version:
    """The release an ``==`` requirement names (its local label dropped)."""
    return Version(Version(next(iter(req.specifier)).version).public)


def lock_agrees_with_project(pins: list[Pin], requirements: list[Requirement], pythons=PYTHONS) -> list[str]:
    """Every requirement is locked at a version it admits, on every Python the lock covers,
    and every entry the lock says pyproject.toml asks for is still asked for."""
    problems = []
    for python in pythons:
        environment = linux_environment(python)
        chosen = pins_for(pins, environment)
        wanted = set()
        for req in requirements:
            if not applies(req.marker, environment):
                continue
            name = canonical(req.name)
            wanted.add(name)
            pin = chosen.get(name)
            if pin is None:
                problems.append(f"Python {python}: pyproject.toml asks for {req}, the lock has no {name}; {RELOCK}")
            elif not req.specifier.contains(pin.version, prereleases=True):
                problems.append(f"Python {python}: pyproject.toml's {req} does not admit the locked "
                                f"{name}=={pin.version}; {RELOCK}")
        for name, pin in sorted(chosen.items()):
            if pin.direct and name not in wanted:
                problems.append(f"Python {python}: {name}=={pin.version} is locked for pyproject.toml, "
                                f"which no longer asks for it; {RELOCK}")
    return sorted(set(problems))


def cpu_lock_matches_cuda_lock(cpu: list[Pin], cuda: list[Pin]) -> list[str]:
    """The CPU lock is the CUDA lock on Python 3.11 with torch's CPU build and without the
    CUDA libraries: every other pin is the same."""
    environment = linux_environment(CPU_PYTHON)
    cpu_pins, cuda_pins = pins_for(cpu, environment), pins_for(cuda, environment)
    problems = []
    for name, pin in sorted(cpu_pins.items()):
        other = cuda_pins.get(name)
        if other is None:
            problems.append(f"cpu.txt locks {name}=={pin.version}, cuda.txt does not lock {name}; {RELOCK}")
        elif Version(other.version).public != Version(pin.version).public:
            problems.append(f"{name}: cpu.txt {pin.version}, cuda.txt {other.version}; {RELOCK}")
    for name in sorted(set(cuda_pins) - set(cpu_pins)):
        if not name.startswith(CUDA_ONLY_PREFIXES):
            problems.append(f"cuda.txt locks {name}, cpu.txt does not; {RELOCK}")
    return problems


def torch_builds(cpu: list[Pin], cuda: list[Pin]) -> list[str]:
    """torch as lock/torch-*.in ask: the CPU build in cpu.txt, the CUDA build (with its
    nvidia-* libraries) in cuda.txt, the same release on every Python."""
    problems = []
    for pins, source, pythons in ((cpu, "torch-cpu.in", (CPU_PYTHON,)), (cuda, "torch-cuda.in", PYTHONS)):
        wanted = input_pins(source)[0]
        for python in pythons:
            torch = pins_for(pins, linux_environment(python)).get("torch")
            if torch is None or not wanted.specifier.contains(torch.version, prereleases=True):
                problems.append(f"Python {python}: lock/{source} asks for {wanted}, the lock has "
                                f"{torch.version if torch else 'no torch'}; {RELOCK}")
    if _pinned_version(input_pins("torch-cpu.in")[0]) != _pinned_version(input_pins("torch-cuda.in")[0]):
        problems.append("lock/torch-cpu.in and lock/torch-cuda.in name different torch releases")
    if any(pin.name.startswith("nvidia-") for pin in cpu):
        problems.append("cpu.txt locks nvidia-* libraries: torch's CPU build needs none")
    if not any(pin.name.startswith("nvidia-") for pin in pins_for(cuda, linux_environment(CPU_PYTHON)).values()):
        problems.append("cuda.txt locks no nvidia-* library: is torch its CUDA build?")
    return problems


def endpoint_lock(endpoint: list[Pin], cuda: list[Pin]) -> list[str]:
    """endpoint.txt holds what endpoint.in names, at cuda.txt's versions, and no torch."""
    environment = linux_environment(CPU_PYTHON)
    pins, cuda_pins = pins_for(endpoint, environment), pins_for(cuda, environment)
    problems = [f"lock/endpoint.in names {req.name}, endpoint.txt does not lock it; {RELOCK}"
                for req in input_pins("endpoint.in") if canonical(req.name) not in pins]
    for name, pin in sorted(pins.items()):
        if name in ("torch", "transformers"):
            problems.append(f"endpoint.txt locks {name}: the scoring image must stay small")
        elif name not in cuda_pins or cuda_pins[name].version != pin.version:
            problems.append(f"endpoint.txt {name}=={pin.version} is not cuda.txt's version; {RELOCK}")
    return problems


def generated_files() -> list[str]:
    """environment.yml and endpoint-conda.yml are what the lock renders."""
    return [f"{conda.path.name} is not what {conda.lock.name} renders; run `make lock`"
            for conda in CONDA_FILES if conda.stale()]


def installed_at_floors(requirements: list[Requirement]) -> list[str]:
    """In this environment every requirement is installed at exactly its floor (make test-oldest)."""
    environment = {**default_environment(), "extra": ""}
    problems = []
    for req in requirements:
        if not applies(req.marker, environment):
            continue
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{req.name} is not installed")
            continue
        if Version(Version(installed).public) != Version(floor(req) or "0"):
            problems.append(f"{req.name} {installed} is installed, its floor is {floor(req)}")
    return problems
