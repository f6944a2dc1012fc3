"""Shared test set-up (tests/ and notebooks/): every test runs with a temporary HOME (jupyter, matplotlib,
azure-identity and Hugging Face all write there) and fully offline."""
from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("MPLCONFIGDIR", str(home / "mpl"))
    monkeypatch.setenv("IPYTHONDIR", str(home / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(home / "jupyter-runtime"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("COURSEKIT_PROFILE", "offline")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", (home / "mlruns").as_uri())  # each test's own run store
    # The notebook kernels get these process-wide (pytest_configure); unit tests set their own.
    for name in ("COURSEKIT_SUBMISSIONS_DIR", "COURSEKIT_STUDENT_ID", "COURSEKIT_RESULTS"):
        monkeypatch.delenv(name, raising=False)
    yield home


def pytest_configure(config):
    """Process-wide settings, inherited by the notebook kernels nbval starts."""
    import tempfile

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    home = tempfile.mkdtemp(prefix="coursekit-test-home-")
    # Removed when the session ends: a run writes models and exports here (the notebooks' results),
    # and leftovers from earlier runs once filled the disk of the machine CI shares.
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))
    for name, sub in (("HOME", ""), ("HF_HOME", "hf"), ("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("COURSEKIT_SUBMISSIONS_DIR", "submissions")):
        os.environ[name] = os.path.join(home, sub) if sub else home
    os.environ.setdefault("COURSEKIT_RESULTS", os.path.join(home, "results"))
    os.environ.setdefault("COURSEKIT_PROFILE", "offline")
    os.environ.setdefault("COURSEKIT_STUDENT_ID", "ci-student")
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[name] = "1"
    _share_the_cores()


def _share_the_cores() -> None:
    """Under pytest-xdist, each worker's PyTorch (and the kernels and processes it starts) gets its
    share of the cores, not all of them. Two workers each running 2 OpenMP threads on 2 cores keep
    every thread waiting for a core at every layer: the walk-through's Part 2 training alone took 1,008 s
    beside the other worker's tests, where the whole lesson took 343 s in one process. ``OMP_NUM_THREADS``
    set by hand wins."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if workers < 2 or "OMP_NUM_THREADS" in os.environ:
        return
    share = max(1, (os.cpu_count() or 1) // workers)
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(share)
    import sys

    if "torch" in sys.modules:  # imported already (a plugin): set its pool too
        sys.modules["torch"].set_num_threads(share)
