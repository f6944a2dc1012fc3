"""Shared test set-up: every test runs with a temporary HOME (jupyter, matplotlib,
azure-identity and Hugging Face all write there) and fully offline."""
from __future__ import annotations

import os

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
    yield home


def pytest_configure(config):
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
