"""Stage 6: serve the exported model with Azure ML's own inference server.

``score.py`` is the deployment's entry script (no torch anywhere in its imports), with its
modules ``score_request``, ``score_text``, ``score_model``, ``score_features``,
``score_collect`` and ``http_guard`` (the deployment uploads this folder);
``endpoint-conda.yml`` is its small environment; :mod:`.settings` holds the processes,
threads, deadlines and request limits the endpoint and the local server share;
:mod:`.local_server` runs it locally in ``azmlinfsrv``, bound to loopback
(:mod:`.export_dir`: which folder and graph; :mod:`.run_dir`: its temporary folder). Nothing here imports torch, so the package can be used
from an environment without it.
"""
from pathlib import Path

SCORE_SCRIPT = Path(__file__).with_name("score.py")
ENDPOINT_CONDA_FILE = Path(__file__).with_name("endpoint-conda.yml")

__all__ = ["SCORE_SCRIPT", "ENDPOINT_CONDA_FILE"]
