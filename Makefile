# accueil — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test install install-dev system-deps system-deps-dev lint check serve bench clean

run: install  ## install everything, migrate + seed ./var/accueil.sqlite3, serve http://127.0.0.1:8000
	$(BIN)/accueil serve

test: install-dev  ## install dev dependencies and run the whole suite (lint + tests)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

install: system-deps $(STAMP_RUN)
install-dev: system-deps-dev $(STAMP_DEV)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

system-deps:  ## Debian packages the product needs (deploy/apt-run.txt)
	@scripts/apt-install.sh deploy/apt-run.txt

system-deps-dev: system-deps  ## Debian packages the tests and benchmarks need (deploy/apt-dev.txt)
	@scripts/apt-install.sh deploy/apt-dev.txt

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

check: lint test

bench: install-dev  ## run the benchmarks (results under bench/results/)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) var .pytest_cache
