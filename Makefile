# Two entry points (README "Quick start"): `make demo` and `make test`.
# Both create the virtualenv on first use; nothing but python3 and make is needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test dev clean

demo: $(VENV)/.installed
	$(BIN)/opendata demo

# The whole suite on the machine's 2 cores, one test file per worker at a time (module fixtures run once);
# `pytest tests/some_file.py` stays serial (no -n in pyproject's addopts).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile

dev: $(VENV)/.installed
	$(BIN)/dagster dev -w workspace.yaml

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) open-data
