# Two commands do all the set-up on a fresh machine with Python 3.11 and pip:
#   make demo   - create/reuse .venv, install, run the offline demo (fine-tune on a sample of a shop's real reviews)
#   make test   - create/reuse .venv, install, run the unit tests and execute every notebook on both tiers
#   make lock   - upgrade .venv within pyproject.toml's ranges and rewrite constraints.txt
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
TORCH_VERSION := 2.13.0
STAMP  := $(VENV)/.coursekit-installed
CONSTRAINTS := constraints.txt

.PHONY: demo test unit notebooks notebooks-full install browser-deps lock clean-venv help

NBVAL := --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider
# The notebooks on the full tier (DistilBERT + IMDB) against a local stand-in of the Hub (tests/hub_standin).
NBVAL_FULL := PYTHONPATH=tests $(VENV)/bin/python -m pytest notebooks -p hub_standin.plugin --full-tier $(NBVAL)

help:
	@echo "make demo   - set up and run the offline demo"
	@echo "make test   - set up and run every test (unit tests, notebooks, browser)"
	@echo "make notebooks - the notebooks on the offline tier (nbval)"
	@echo "make notebooks-full - the notebooks on the full tier against a local stand-in of the Hub"
	@echo "make lock   - upgrade the dependencies within pyproject.toml's ranges and rewrite $(CONSTRAINTS)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# torch first, pinned: an open range would pull a multi-GB CUDA build. Then the project
# with every dependency at the exact version in constraints.txt (the tested set).
$(STAMP): $(PY) pyproject.toml $(CONSTRAINTS)
	$(PIP) install --quiet "torch==$(TORCH_VERSION)"
	$(PIP) install --quiet -c $(CONSTRAINTS) -e ".[all]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coursekit demo --overwrite   # an earlier demo is moved aside (results/demo.old-TIME), not deleted

browser-deps: install
	bash scripts/install_browser.sh
	bash scripts/install_widget_assets.sh

# Both tiers, each notebook executed once per tier: the offline tier's notebooks run top to bottom in
# tests/test_student_walkthrough.py (the released student copy, every exercise answered wrongly and then
# rightly, every quiz submitted); nbval then executes the four notebooks on the full tier (DistilBERT + IMDB)
# against the Hub stand-in. Both runs always happen; either failing fails the target.
# CI sizes (CI must finish in 15 minutes on 2 cores): lesson 03 cross-validates with 2 folds instead of the
# CPU default of 3, lesson 04 times each engine 3 times instead of 10. Students run the defaults.
# PYTEST_ARGS: more pytest options for the unit tests, e.g. make test PYTEST_ARGS="--durations=50".
test: install browser-deps
	export COURSEKIT_LATENCY_REPEATS=3 COURSEKIT_CV_FOLDS=2; status=0; \
	$(VENV)/bin/python -m pytest tests -p no:cacheprovider --durations=15 $(PYTEST_ARGS) || status=$$?; \
	$(NBVAL_FULL) --durations=5 || status=$$?; \
	exit $$status

unit: install
	$(VENV)/bin/python -m pytest tests -m "not browser"

notebooks: install
	$(VENV)/bin/python -m pytest notebooks $(NBVAL)

notebooks-full: install
	$(NBVAL_FULL) --durations=5

# Upgrade: the newest versions pyproject.toml admits (torch stays pinned), then re-pin.
lock: $(PY)
	$(PIP) install --quiet --upgrade --upgrade-strategy eager "torch==$(TORCH_VERSION)" -e ".[all]"
	$(PY) scripts/lock_constraints.py --write
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
