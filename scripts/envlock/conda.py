"""environment.yml and the endpoint's conda file, rendered from the lock (``make lock`` writes them)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .lockfile import CUDA_LOCK, ENDPOINT_LOCK, ROOT, read_lock
from .project import CPU_PYTHON, linux_environment, pins_for

ENVIRONMENT_FILE = ROOT / "environment.yml"
ENDPOINT_CONDA_FILE = ROOT / "coursekit" / "serving" / "endpoint-conda.yml"

_ENVIRONMENT_HEADER = """\
# Conda environment for students on an Azure ML compute instance, and the conda file of the
# Azure ML training environment (azureml/environment-train.yml).
# Generated from lock/cuda.txt by `make lock`: do not edit. Every package is pinned at the
# version CI tests (Python {python}, Linux x86-64); torch is its CUDA build from PyPI with the
# NVIDIA libraries it loads, which also runs on a CPU-only instance.
#   conda env create -f environment.yml && conda activate coursekit
#   pip install --no-deps -e .        # the course package itself
#   python -m ipykernel install --user --name coursekit --display-name "Python (coursekit)"
# The notebooks ask for the kernel named `coursekit`: once it is installed they open with it.
"""
_ENDPOINT_HEADER = """\
# Environment of the scoring container (Azure ML managed online endpoint) and of
# `coursekit serve`: what coursekit/serving/score.py imports and what that needs (lock/endpoint.in;
# gunicorn because the deployment's GUNICORN_CMD_ARGS uses its options), no torch, no
# transformers, so the image stays small and starts fast.
# Generated from lock/endpoint.txt by `make lock`: do not edit. Versions as CI tests them.
"""


@dataclass(frozen=True)
class CondaFile:
    """A generated conda file: where it goes and how it is made."""

    path: Path
    name: str
    lock: Path
    header: str

    def pins(self) -> dict[str, str]:
        """``{name: version}`` of the lock for CPython 3.11 on Linux x86-64."""
        chosen = pins_for(read_lock(self.lock), linux_environment(CPU_PYTHON))
        return {name: pin.version for name, pin in sorted(chosen.items())}

    def render(self) -> str:
        pins = "".join(f"      - {name}=={version}\n" for name, version in self.pins().items())
        return (self.header.format(python=CPU_PYTHON) + f"name: {self.name}\nchannels:\n  - conda-forge\n"
                f"dependencies:\n  - python={CPU_PYTHON}\n  - pip\n  - pip:\n" + pins)

    def stale(self) -> bool:
        return not self.path.is_file() or self.path.read_text(encoding="utf-8") != self.render()

    def write(self) -> None:
        text = self.render()
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)


CONDA_FILES = (
    CondaFile(ENVIRONMENT_FILE, "coursekit", CUDA_LOCK, _ENVIRONMENT_HEADER),
    CondaFile(ENDPOINT_CONDA_FILE, "coursekit-endpoint", ENDPOINT_LOCK, _ENDPOINT_HEADER),
)
