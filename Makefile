# Two entry points (README): `make run` and `make test`; `make refresh` loads the official lists. Each makes its own virtual
# environment in .venv and installs the project with the pinned versions in requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test test-fast lint sample warehouse refresh serve bench clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

warehouse: $(BIN)/.installed
	$(BIN)/python -m etl run --sources data/sources.toml --db data/warehouse.duckdb

run: warehouse
	$(BIN)/python -m dashboard.serve --server.address $(HOST) --server.port $(PORT) --server.headless true

# The official lists: fetch every source of data/official.toml into the raw archive (data/raw/),
# then build the warehouse from the archive alone. A source whose fetch failed keeps its archived
# files and the run still loads them; the target then exits 1 so a scheduler sees the failure.
refresh: $(BIN)/.installed
	@fetched=0; $(BIN)/python -m etl fetch --sources data/official.toml || fetched=$$?; \
	$(BIN)/python -m etl run --sources data/official.toml --db data/warehouse.duckdb || exit $$?; \
	exit $$fetched

# Serve whatever warehouse is built (after `make refresh`), without rebuilding the sample.
serve: $(BIN)/.installed
	$(BIN)/python -m dashboard.serve --server.address $(HOST) --server.port $(PORT) --server.headless true

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The edit-test loop: everything but the tests marked slow (real processes, soak) and browser.
test-fast: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m core.sql
	$(BIN)/python -m etl.stage

sample: $(BIN)/.installed
	$(BIN)/python -m etl sample --out data/sample

bench: $(BIN)/.installed
	$(BIN)/python bench/bench_etl.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/warehouse.duckdb.lock  # never data/raw/: the archive only grows
