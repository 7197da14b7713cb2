# Each target does its own set-up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Running needs only the package; tests, linters and benchmarks add the dev extras.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: run test bench lint sandbox clean i18n

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/houqin db upgrade
	$(BIN)/houqin run

sandbox: $(RUN_STAMP)
	$(BIN)/houqin sandbox

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# -rs: every skipped test says why (no TEST_DATABASE_URL, no Chromium).
test: lint
	$(BIN)/pytest -q -rs

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

i18n: $(STAMP)
	$(BIN)/python tools/update_catalogs.py
