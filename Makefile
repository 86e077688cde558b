# One command each to run mailrep and to test it, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint

$(BIN)/mailrep: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/mailrep

run: install
	$(BIN)/mailrep serve

test: install
	scripts/test

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy bounce_parser blacklist_checks
