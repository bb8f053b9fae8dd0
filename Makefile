# Every target installs what it needs into .venv first, so each is one line on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: test fuzz preflight lint bench bench-compare docs

$(STAMP): requirements.txt requirements-dev.txt policies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r policies/requirements.txt
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# The fuzz suite's long profile (tests/fuzz/conftest.py): about 100x the cases `make test` runs.
fuzz: $(STAMP)
	SLZ_FUZZ=long $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz

preflight: $(STAMP)
	$(BIN)/python -m preflight $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy components preflight review_tables s3hardening statebackend policies/sovereign_guard

bench: $(STAMP)
	$(BIN)/python bench/bench_preflight.py $(ARGS)

# Preflight against Checkov on the same synthetic landing zone; Checkov goes into .checkov-venv.
bench-compare: $(STAMP)
	$(BIN)/python bench/compare.py $(ARGS)

docs: $(STAMP)
	$(BIN)/python policies/gen_docs.py
