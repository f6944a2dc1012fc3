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
