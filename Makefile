# The one way to do each thing. Every target sets up what it needs on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := graph schema loaders api
DATASET ?= dataset

.PHONY: help install run run-neo4j test lint format bench bench-imports bench-loader bench-serving neo4j-start neo4j-stop neo4j-status clean

help:
	@echo "make run     set up, load the bundled dataset, serve GraphQL at http://127.0.0.1:8000/graphql"
	@echo "make test    lint, type-check and run every test (provisions a test Neo4j itself)"
	@echo "make run-neo4j   the same on a local Neo4j server (scripts/neo4j)"
	@echo "make lint    ruff and mypy (strict) only"
	@echo "make bench   benchmarks, JSON results in bench/results/"
	@echo "make bench-imports   the BACI importer on a generated 1M-row file"
	@echo "make bench-serving   the serving benchmark only (about 3 min)"
	@echo "make neo4j-start | neo4j-stop | neo4j-status   the local Neo4j server (scripts/neo4j)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "supplygraph needs Python 3.11+; set PYTHON=python3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The embedded store (a file under .state/) needs no server: Python is all make run needs.
run: install
	$(BIN)/supplygraph load $(DATASET) && exec $(BIN)/supplygraph serve

# The same on a local Neo4j server, provisioned from Maven Central (Java 17 + Maven).
run-neo4j: install neo4j-start
	eval "$$(scripts/neo4j env)" && $(BIN)/supplygraph load $(DATASET) && exec $(BIN)/supplygraph serve

test: lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check $(PACKAGES) bench tests
	$(BIN)/ruff format --check $(PACKAGES) bench tests
	$(BIN)/mypy

format: install
	$(BIN)/ruff format $(PACKAGES) bench tests
	$(BIN)/ruff check --fix $(PACKAGES) bench tests

# Benchmarks at 10k, 100k and 1M edges on both stores (about 20 min; starts its own Neo4j).
# Results: bench/results/latest.json. BENCH_ARGS="--sizes 10k,100k" for a shorter run.
bench: install bench-imports bench-loader
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.serving $(SERVING_ARGS)

# Requests per second of the GraphQL API against a bare Starlette route returning the same
# bytes, and a 60 s soak at 8 clients. Results: bench/results/serving-latest.json.
# SERVING_ARGS="--baseline-tree DIR" also measures an older checkout side by side.
bench-serving: install
	$(BIN)/python -m bench.serving $(SERVING_ARGS)

# The BACI importer on a generated 1M-row file (target >= 100k rows/s parsed; about 20 s).
# Results: bench/results/imports.json.
bench-imports: install
	$(BIN)/python -m bench.imports

# Loader: time and peak memory to validate a 100k- and a 1M-row file (about 2 min).
# Results: bench/results/loader.json. LOADER_BENCH_ARGS="--sizes 10k,100k" for a shorter run.
bench-loader: install
	$(BIN)/python -m bench.loader $(LOADER_BENCH_ARGS)

neo4j-start:
	scripts/neo4j start

neo4j-stop:
	scripts/neo4j stop

neo4j-status:
	scripts/neo4j status

clean:
	-scripts/neo4j stop
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
