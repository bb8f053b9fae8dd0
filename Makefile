# Every target installs what it needs into .venv first, so each is one line on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=
# Checkov, the independent judge of Kubernetes manifests in the tests (tests/checkov.py), in its own
# venv: it is a test tool, never a project requirement, and its dependency tree would clash.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .checkov-venv
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

.PHONY: install test fuzz preflight lint bench bench-compare docs policy-config new-stack checkov

$(STAMP): requirements.txt requirements-dev.txt policies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r policies/requirements.txt
	touch $(STAMP)

install: $(STAMP)

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
bench-compare: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/python bench/compare.py $(ARGS)

docs: $(STAMP)
	$(BIN)/python policies/gen_docs.py
	$(BIN)/python policies/gen_compliance.py

# Derive stacks/$(STACK).policy.json from stacks/Pulumi.$(STACK).yaml (keeps suppressions and approvals).
policy-config: $(STAMP)
	$(BIN)/python -m components.stack_files policy-config --stack $(STACK)

# A commented stack file for an offer and region of the catalogue, and its policy config.
new-stack: $(STAMP)
	$(BIN)/python -m components.stack_files new-stack --stack $(STACK) --offer $(OFFER) --region $(REGION) $(if $(ENVIRONMENT),--environment $(ENVIRONMENT))

checkov: $(CHECKOV_STAMP)

$(CHECKOV_STAMP):
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	touch $(CHECKOV_STAMP)
