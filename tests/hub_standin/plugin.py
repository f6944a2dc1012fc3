"""pytest plugin: run a session on the ``full`` tier against the Hub stand-in (used for the notebooks).

    PYTHONPATH=tests python -m pytest notebooks -p hub_standin.plugin --full-tier --nbval-lax ...

With ``--full-tier`` it builds the stand-in once in a temporary folder before nbval
starts any kernel, and sets what the kernels inherit: the stand-in's Hugging Face
variables (offline), ``COURSEKIT_PROFILE=full`` and the notebooks' small sizes
(:data:`hub_standin.NOTEBOOK_ENV`; a variable already set wins).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time


def pytest_addoption(parser):
    parser.addoption("--full-tier", action="store_true",
                     help="run on COURSEKIT_PROFILE=full against a local stand-in of the Hugging Face Hub")


def pytest_configure(config):
    if not config.getoption("--full-tier"):
        return
    from . import NOTEBOOK_ENV, build

    started = time.perf_counter()
    root = tempfile.mkdtemp(prefix="coursekit-hub-standin-")
    standin = build(root)
    os.environ.update(standin.env())
    os.environ["COURSEKIT_PROFILE"] = "full"
    for name, value in NOTEBOOK_ENV.items():
        os.environ.setdefault(name, value)
    config.add_cleanup(lambda: shutil.rmtree(root, ignore_errors=True))
    config._hub_standin_report = f"full tier against the Hub stand-in in {root} (built in {time.perf_counter() - started:.1f} s)"


def pytest_report_header(config):
    return getattr(config, "_hub_standin_report", None)
