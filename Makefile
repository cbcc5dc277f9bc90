# One command for the standing checks: `make check` (lint, types, tests).
PY ?= .venv/bin/python
VENV_STAMP = .venv/.installed

.PHONY: install check lint types test serve build clean

$(VENV_STAMP): pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[app,dev,model,ftm]'
	touch $(VENV_STAMP)

install: $(VENV_STAMP)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types: install
	$(PY) -m mypy casegraph ingest api

test: install
	$(PY) -m pytest -n 2 -q

check: lint types test

build: install
	.venv/bin/casegraph build

serve: install
	.venv/bin/casegraph serve --build-if-empty

clean:
	rm -rf data/build .pytest_cache .mypy_cache .ruff_cache test-artifacts
