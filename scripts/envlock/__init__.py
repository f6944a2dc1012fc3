"""The dependency lock and the files generated from it.

``lock/`` holds three requirement files that ``uv pip compile`` writes (``make lock``), every
line pinned with its hashes:

- ``cuda.txt``: Linux x86-64, CPython 3.11 and 3.12, torch's CUDA build from PyPI with every
  ``nvidia-*`` library it needs: Azure GPU compute, ``environment.yml``, Python 3.12;
- ``cpu.txt``: Linux x86-64, CPython 3.11, torch's CPU build, compiled with ``cuda.txt`` as
  constraints (so every other pin is the same): CI and laptops (``make install``);
- ``endpoint.txt``: what the scoring container needs (``endpoint.in``), also constrained by
  ``cuda.txt``: the Azure endpoint's conda file.

This package reads them (standard library only, so a bare venv can extract torch's line),
renders ``environment.yml`` and ``coursekit/serving/endpoint-conda.yml`` from them, and checks
that the lock, ``pyproject.toml`` and the generated files agree. Command line:
``python -m scripts.envlock --help``.
"""
