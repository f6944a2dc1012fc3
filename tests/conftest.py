"""Session fixtures: what many tests READ, built once per test session (HOME and the offline settings come
from the conftest.py at the top of the project).

Tests that only read a fixture take it as it is; a test that writes into one copies it first
(``shutil.copytree(fixture, tmp_path / "x")``). Under pytest-xdist every worker is a session of its
own: ``built_once`` (``tests/fixture_cache.py``) makes the workers share one copy, built by the
first that asks while the others wait on a file lock.

The fixtures:

* ``offline_classifier``: the offline MiniLM with a fresh seeded 2-class head and its tokenizer,
  saved as training saves a model (no run card, no metrics);
* ``offline_export``: ``offline_classifier`` exported to ONNX (fp32 + int8, max_length 64);
* ``tiny_model``: a random one-layer BERT (hidden size 32) with the offline tokenizer and a real
  run card, for the command-line tests that need a model folder but not its answers;
* ``reference_run``: ``coursekit train``'s pipeline, uninterrupted, on 200 reviews of the shop
  slice (``tests/reference_run.py``); the preemption and distributed tests compare with it.

The Hub stand-in of the full tier stays a session fixture of ``tests/test_full_tier.py``, its only
user (the notebooks build their own, larger one: ``hub_standin.plugin``).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixture_cache import built_once


@pytest.fixture(scope="session")
def offline_classifier(tmp_path_factory) -> Path:
    """The offline MiniLM with a fresh seeded NEGATIVE/POSITIVE head and its tokenizer (read-only)."""
    import deploy_support

    return built_once(tmp_path_factory, "offline-classifier", deploy_support.build_classifier)


@pytest.fixture(scope="session")
def offline_export(offline_classifier, tmp_path_factory) -> Path:
    """``offline_classifier`` exported once (fp32 + int8, max_length 64; read-only)."""
    import deploy_support

    return deploy_support.export_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A random one-layer BERT (hidden size 32) with the offline tier's tokenizer and a real run card
    (read-only)."""
    from cli_errors_support import build_tiny_model

    return built_once(tmp_path_factory, "tiny-model", build_tiny_model) / "model"


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory) -> dict:
    """The uninterrupted single-process run of ``tests/reference_run.py`` (seed 42): its metrics.json.

    The model folder is under ``["output_dir"]`` (read-only)."""
    from reference_run import train_reference

    folder = built_once(tmp_path_factory, "reference-run", train_reference)
    metrics = json.loads((folder / "model" / "metrics.json").read_text())
    return {**metrics, "output_dir": str(folder / "model")}


# The test files that take longest (make test's --durations), longest first. They start first, so that
# under pytest-xdist (make test: two workers, a file each at a time, --no-loadscope-reorder so that
# xdist keeps this order instead of putting the files with the most tests first) no long file starts
# last while the other worker idles. xdist hands each worker two files at the start: the walk-through's
# worker gets a short file second (it waits until the walk-through ends), the other the next long ones.
# The order of the tests within a file stays as written.
LONGEST_FIRST = (
    "test_student_walkthrough.py", "test_full_tier.py", "test_architecture.py", "test_preemption.py",
    "test_train.py", "test_readme_commands.py", "test_distributed.py", "test_browser.py", "test_run_card.py",
    "test_export.py", "test_render.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: every other file keeps its place
