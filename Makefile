# Two commands do all the set-up on a fresh machine with Python 3.11 and pip (Linux x86-64):
#   make demo   - create/reuse .venv, install from the lock (hashes checked), run the offline demo (fine-tune on a sample of a shop's real reviews)
#   make test   - create/reuse .venv, install from the lock, run the unit tests and execute every notebook on both tiers
# The dependencies (README, "Dependencies"): lock/ is written by uv, environment.yml and the Azure
# conda files are generated from it.
#   make lock          - re-resolve lock/ after editing pyproject.toml (the other pins stay) and regenerate the files
#   make upgrade       - the same with every package at the newest version pyproject.toml allows
#   make test-pythons  - the unit tests on Python 3.10 and 3.12 (lock/cuda.txt, a venv each under .venvs/; CI tests 3.11)
#   make test-oldest   - the unit tests with every dependency at its floor in pyproject.toml
#   make test-latest   - the unit tests with the newest versions pyproject.toml allows (before each term)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.coursekit-installed
LOCK_CPU      := lock/cpu.txt
LOCK_CUDA     := lock/cuda.txt
LOCK_ENDPOINT := lock/endpoint.txt
# Where torch's CPU build comes from when it is not beside pip already: a folder or page of wheels
# (pip's find-links where one is set, else PyTorch's own index page of torch).
TORCH_CPU_LINKS ?= $(or $(PIP_FIND_LINKS),https://download.pytorch.org/whl/cpu/torch/)
# The venvs of the lock tools and of the other test runs (git-ignored).
VENVS  ?= .venvs
UV_VERSION := 0.13.9
UV     := $(VENVS)/tools/bin/uv

.PHONY: demo test unit notebooks notebooks-full install browser-deps lock upgrade clean-venv help \
        test-pythons test-oldest test-latest

# --nbval-current-env: the kernel runs this venv's Python, whatever kernel the notebooks name (they ask for
# `coursekit`, the kernel students install on a compute instance; make install registers it in .venv too).
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider
# The notebooks on the full tier (DistilBERT + IMDB) against a local stand-in of the Hub (tests/hub_standin).
NBVAL_FULL := PYTHONPATH=tests $(VENV)/bin/python -m pytest notebooks -p hub_standin.plugin --full-tier $(NBVAL)

help:
	@echo "make demo   - set up and run the offline demo"
	@echo "make test   - set up and run every test (unit tests, notebooks, browser)"
	@echo "make notebooks - the notebooks on the offline tier (nbval)"
	@echo "make notebooks-full - the notebooks on the full tier against a local stand-in of the Hub"
	@echo "make lock   - re-resolve lock/ after a change to pyproject.toml; regenerate environment.yml and the Azure conda file"
	@echo "make upgrade - make lock with every dependency at the newest version pyproject.toml allows"
	@echo "make test-pythons - the unit tests on Python 3.10 and 3.12 (make test: 3.11)"
	@echo "make test-oldest - the unit tests with every dependency at its floor"
	@echo "make test-latest - the unit tests with the newest versions pyproject.toml allows (before each term)"

$(PY):
	@$(PYTHON) -c 'import platform, sys; sys.exit(sys.version_info[:2] != (3, 11) or platform.machine() != "x86_64" or sys.platform != "linux")' \
	  || { echo "make: $(LOCK_CPU) is for CPython 3.11 on Linux x86-64; run make PYTHON=python3.11 (README, Dependencies)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Everything from the lock, every file checked against its hash. torch first, exactly the locked CPU
# build (an open range would pull a multi-GB CUDA build). Then the project itself, without
# dependencies, and the `coursekit` kernel the notebooks ask for.
$(STAMP): $(PY) pyproject.toml $(LOCK_CPU)
	$(PY) -m scripts.envlock torch $(LOCK_CPU) > $(VENV)/torch-lock.txt
	$(PIP) install --quiet --require-hashes --no-deps -r $(VENV)/torch-lock.txt 2>/dev/null \
	  || $(PIP) install --quiet --require-hashes --no-deps -r $(VENV)/torch-lock.txt --find-links $(TORCH_CPU_LINKS)
	$(PIP) install --quiet --require-hashes --no-deps -r $(LOCK_CPU)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name coursekit --display-name "Python (coursekit)" > /dev/null
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coursekit demo --overwrite   # an earlier demo is moved aside (results/demo.old-TIME), not deleted

browser-deps: install
	bash scripts/install_browser.sh
	bash scripts/install_widget_assets.sh

# Both tiers, each notebook executed once per tier: the offline tier's notebooks run top to bottom in
# tests/test_student_walkthrough.py (the released student copy, every exercise answered wrongly and then
# rightly, every quiz submitted); nbval executes the five notebooks, at the same time, on the full tier (DistilBERT + IMDB)
# against the Hub stand-in. Both runs always happen; either failing fails the target.
# CI sizes (CI must finish in 15 minutes on 2 cores): lesson 03 cross-validates with 2 folds instead of the
# CPU default of 3, lesson 04 times each engine 3 times instead of 10. Students run the defaults.
# The unit tests run on $(TEST_WORKERS) pytest-xdist workers, a test file per worker at a time (--dist loadfile:
# a file's module fixtures and its order stay whole); the files that take longest start first (tests/conftest.py).
# Folders many tests read (a classifier, its export, a reference run) are built once for both workers.
# PYTEST_ARGS: more pytest options for the unit tests, e.g. make test PYTEST_ARGS="--durations=50";
# TEST_WORKERS=0 runs them in one process.
# The full-tier notebooks run beside the unit tests (their output is printed when both are done), every
# process with one PyTorch thread (conftest.py: two processes with two OpenMP threads each on two cores
# keep every thread waiting for a core); TEST_SERIAL=1 runs them one after the other, as before.
TEST_WORKERS ?= 2
test: install browser-deps
	export COURSEKIT_LATENCY_REPEATS=3 COURSEKIT_CV_FOLDS=2; status=0; \
	full_log=$$(mktemp); full_status=0; \
	if [ -z "$(TEST_SERIAL)" ]; then \
	  (OMP_NUM_THREADS=1 $(NBVAL_FULL) --durations=5 > $$full_log 2>&1; echo $$? > $$full_log.status) & \
	fi; \
	$(VENV)/bin/python -m pytest tests -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15 \
	  $(PYTEST_ARGS) || status=$$?; \
	if [ -z "$(TEST_SERIAL)" ]; then \
	  wait; echo "---- the full-tier notebooks (nbval), run beside the unit tests ----"; cat $$full_log; \
	  full_status=$$(cat $$full_log.status); \
	else \
	  $(NBVAL_FULL) --durations=5 || full_status=$$?; \
	fi; \
	rm -f $$full_log $$full_log.status; \
	[ "$$full_status" = 0 ] || status=$$full_status; \
	exit $$status

unit: install
	$(VENV)/bin/python -m pytest tests -m "not browser"

notebooks: install
	$(VENV)/bin/python -m pytest notebooks $(NBVAL)

notebooks-full: install
	$(NBVAL_FULL) --durations=5

# ---- The lock (README, "Dependencies") ---------------------------------------------------------------
# uv resolves pyproject.toml's coursekit[all]: cuda.txt for every Python requires-python allows (torch's
# CUDA build from PyPI, nvidia-* pinned), cpu.txt for CPython 3.11 with torch's CPU build and cuda.txt as
# constraints (every other pin the same), endpoint.txt for the scoring image; hashes for every file.
# Existing pins are kept unless pyproject.toml excludes them; `make upgrade` takes the newest instead.
UV_COMPILE = $(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" $(UV_UPGRADE)
LINUX_311  = --python-version 3.11 --python-platform x86_64-manylinux_2_28

$(UV):
	$(PYTHON) -m venv $(VENVS)/tools
	$(VENVS)/tools/bin/pip install --quiet "uv==$(UV_VERSION)" packaging

lock: $(UV)
	$(UV_COMPILE) pyproject.toml --extra all --universal --python-version 3.10 -c lock/torch-cuda.in -o $(LOCK_CUDA)
	$(UV_COMPILE) pyproject.toml --extra all $(LINUX_311) -c lock/torch-cpu.in -c $(LOCK_CUDA) \
	  --find-links $(TORCH_CPU_LINKS) -o $(LOCK_CPU)
	$(UV_COMPILE) lock/endpoint.in $(LINUX_311) -c $(LOCK_CUDA) -o $(LOCK_ENDPOINT)
	$(VENVS)/tools/bin/python -m scripts.envlock write
	$(VENVS)/tools/bin/python -m scripts.envlock check

upgrade:
	$(MAKE) lock UV_UPGRADE=--upgrade

# ---- The unit tests in venvs of their own (under $(VENVS)/); the browser test and the tests that
# compare installed versions with the lock (marker `locked`) stay with make test ----------------------
UNIT = -m pytest tests -m "not browser and not locked" -p no:cacheprovider -q $(PYTEST_ARGS)
PYTHONS ?= 3.10 3.12

# One venv per Python from lock/cuda.txt (PyPI has torch's CUDA build only for Linux: ~3 GB each).
# The interpreter: python3.12 on PATH, or name it: make test-pythons PYTHON_3.12=/path/to/python3.12
$(VENVS)/py%/.installed: $(LOCK_CUDA) pyproject.toml
	rm -rf $(VENVS)/py$*
	$(or $(PYTHON_$*),python$*) -m venv $(VENVS)/py$*
	$(VENVS)/py$*/bin/pip install --quiet --upgrade pip
	$(VENVS)/py$*/bin/python -m scripts.envlock torch $(LOCK_CUDA) > $(VENVS)/py$*/torch-lock.txt
	$(VENVS)/py$*/bin/pip install --quiet --require-hashes --no-deps -r $(VENVS)/py$*/torch-lock.txt
	$(VENVS)/py$*/bin/pip install --quiet --require-hashes --no-deps -r $(LOCK_CUDA)
	$(VENVS)/py$*/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

test-python%: $(VENVS)/py%/.installed
	$(VENVS)/py$*/bin/python $(UNIT)

test-pythons: $(addprefix test-python,$(PYTHONS))

# Every requirement at its floor (torch included, first), the rest the newest they allow.
$(VENVS)/oldest/.installed: pyproject.toml
	rm -rf $(VENVS)/oldest
	$(PYTHON) -m venv $(VENVS)/oldest
	$(VENVS)/oldest/bin/pip install --quiet --upgrade pip packaging
	$(VENVS)/oldest/bin/python -m scripts.envlock floors > $(VENVS)/oldest/floors.txt
	$(VENVS)/oldest/bin/pip install --quiet -c $(VENVS)/oldest/floors.txt torch
	$(VENVS)/oldest/bin/pip install --quiet -c $(VENVS)/oldest/floors.txt -e ".[all]"
	$(VENVS)/oldest/bin/python -m scripts.envlock at-floors
	touch $@

test-oldest: $(VENVS)/oldest/.installed
	$(VENVS)/oldest/bin/python $(UNIT)

# The newest versions pyproject.toml allows, in a fresh venv each time; torch stays the locked build.
test-latest:
	rm -rf $(VENVS)/latest
	$(PYTHON) -m venv $(VENVS)/latest
	$(VENVS)/latest/bin/pip install --quiet --upgrade pip
	$(VENVS)/latest/bin/python -m scripts.envlock torch $(LOCK_CPU) > $(VENVS)/latest/torch-lock.txt
	$(VENVS)/latest/bin/pip install --quiet --require-hashes --no-deps -r $(VENVS)/latest/torch-lock.txt 2>/dev/null \
	  || $(VENVS)/latest/bin/pip install --quiet --require-hashes --no-deps -r $(VENVS)/latest/torch-lock.txt \
	     --find-links $(TORCH_CPU_LINKS)
	$(VENVS)/latest/bin/pip install --quiet -e ".[all]"
	@echo "Versions that moved since $(LOCK_CPU):"; $(VENVS)/latest/bin/python -m scripts.envlock moved $(LOCK_CPU)
	$(VENVS)/latest/bin/python $(UNIT)

clean-venv:
	rm -rf $(VENV) $(VENVS)
