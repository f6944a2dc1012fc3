# Two commands do all the set-up on a fresh machine with Python 3.11 and pip:
#   make demo   - create/reuse .venv, install, run the offline demo (fine-tune on the sample reviews)
#   make test   - create/reuse .venv, install, run the unit tests and execute every notebook (nbval)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
TORCH_VERSION := 2.13.0
STAMP  := $(VENV)/.coursekit-installed

.PHONY: demo test unit notebooks notebooks-full install browser-deps clean-venv help

# The notebooks once more on the full tier (DistilBERT + IMDB) against a local stand-in of the Hub (tests/hub_standin).
NBVAL_FULL := PYTHONPATH=tests $(VENV)/bin/python -m pytest notebooks -p hub_standin.plugin --full-tier \
	--nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider --durations=5

help:
	@echo "make demo   - set up and run the offline demo"
	@echo "make test   - set up and run every test (unit tests, notebooks, browser)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# torch first, pinned: an open range would pull a multi-GB CUDA build.
$(STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet "torch==$(TORCH_VERSION)"
	$(PIP) install --quiet -e ".[all]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/coursekit demo

browser-deps: install
	bash scripts/install_browser.sh
	bash scripts/install_widget_assets.sh

test: install browser-deps
	$(VENV)/bin/python -m pytest tests notebooks --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider --durations=15
	$(NBVAL_FULL)

unit: install
	$(VENV)/bin/python -m pytest tests -m "not browser"

notebooks: install
	$(VENV)/bin/python -m pytest notebooks --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg

notebooks-full: install
	$(NBVAL_FULL)

clean-venv:
	rm -rf $(VENV)
