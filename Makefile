# Rebuild the Japan smart-city initiatives dataset. `make help` lists the targets.
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
PIPELINE := $(PY) -m pipeline
# Where the sources are archived and the dataset is published (relative to this folder), and
# OFFLINE=1 to never contact the network: every pipeline target passes them on.
RAW_DIR ?= raw
OUT_DIR ?= processed
PIPELINE_ARGS = --raw-dir '$(RAW_DIR)' --out-dir '$(OUT_DIR)' $(if $(OFFLINE),--offline)
# Every package comes from a hashed lockfile in requirements/ (`make lock` refreshes them);
# each install level has its own stamp, so `make` never installs the test or figure tools.
INSTALL := $(PY) -m pip install --quiet --require-hashes --no-compile
STAMP   := $(VENV)/.installed-base
COMPAT  := .cache/compat/duckdb-1.1
UV_VERSION := 0.13.9
# make serve: Datasette on 127.0.0.1:8001 unless told otherwise
HOST ?= 127.0.0.1
PORT ?= 8001

.DEFAULT_GOAL := all
.PHONY: all fetch build sources check test test-fast lint bench layouts report dist sql shell serve screenshots lock clean distclean help

# The pipeline's own commands are not echoed: what they print is the output.
all: $(STAMP) ## fetch what can be fetched, then build and publish processed/
	@$(PIPELINE) all $(PIPELINE_ARGS)

fetch: $(STAMP) ## download the sources into raw/ (archived, checksummed; offline fails fast)
	@$(PIPELINE) fetch $(PIPELINE_ARGS)

build: $(STAMP) ## extract, validate and publish from raw/ only, no network
	@$(PIPELINE) build $(PIPELINE_ARGS)

sources: $(STAMP) ## list every source, what raw/ holds of it, and the official source of each announced list
	@$(PIPELINE) sources $(PIPELINE_ARGS)

check: $(STAMP) ## strict build: fails if a source is missing or anything fails validation
	@$(PIPELINE) check $(PIPELINE_ARGS)

test: $(VENV)/.installed-dev $(VENV)/.installed-serve $(COMPAT)/.installed ## run the whole test suite (no network needed)
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed-dev ## the tests not marked slow (under a minute); make test runs them all
	$(PY) -m pytest -q -m "not slow"

lint: $(VENV)/.installed-dev ## ruff
	$(VENV)/bin/ruff check pipeline schemas tests benchmarks

report: $(VENV)/.installed-report ## draw the figures into processed/report/ (PNG + README.md)
	@$(PIPELINE) report $(PIPELINE_ARGS)

dist: $(STAMP) ## zip a versioned release bundle into dist/ (with SHA256SUMS)
	@$(PIPELINE) dist $(PIPELINE_ARGS)

# The query reaches the CLI untouched, in an environment variable: pasted into the recipe, the
# shell would read its quotes, $ and parentheses ($(value Q): make leaves its $ alone too).
sql: export JP_SMARTCITY_QUERY = $(value Q)
sql: $(STAMP) ## run a query: make sql Q="select * from programs"
	@$(PIPELINE) sql $(PIPELINE_ARGS)

shell: $(STAMP) ## interactive DuckDB SQL shell on processed/smartcity.duckdb (read-only)
	@if [ ! -f '$(OUT_DIR)/smartcity.duckdb' ]; then \
	  echo '$(OUT_DIR)/smartcity.duckdb does not exist yet: run make first' >&2; exit 2; fi
	@$(VENV)/bin/duckdb -readonly '$(OUT_DIR)/smartcity.duckdb'

serve: $(VENV)/.installed-serve ## browse processed/ in a web browser (Datasette); Ctrl-C stops it
	@$(PIPELINE) serve $(PIPELINE_ARGS) --host $(HOST) --port $(PORT)

# Always the committed raw/ into a temporary folder (not RAW_DIR/OUT_DIR): the README's pictures
# show what a fresh clone builds, whatever the user has downloaded.
screenshots: $(VENV)/.installed-serve ## redo the README screenshots (docs/img/) from a fresh offline build, in headless Chromium
	@$(PY) -m pipeline.screenshots

bench: $(VENV)/.installed-dev ## extraction speed and memory, and the no-op make's time (writes benchmarks/results/)
	$(PY) benchmarks/bench_extract.py

# make layouts: N samples per list kind (KIND=members|mlit_model|cao|smc|all), seeds SEED.. (random
# when not given), the PDFs kept in KEEP=dir if given, JOBS processes (one per CPU when not given);
# fails when a wrong list was published.
N    ?= 500
KIND ?= all
layouts: $(VENV)/.installed-dev ## generated list layouts read by the extractors: K of N exact, refused, WRONG
	$(PY) -m tests.layouts.run --kind $(KIND) --n $(N) $(if $(SEED),--seed $(SEED)) $(if $(KEEP),--keep $(KEEP)) $(if $(JOBS),--jobs $(JOBS))

lock: ## refresh the hashed lockfiles in requirements/ from pyproject.toml (needs PyPI)
	$(PYTHON) -m pip install --quiet --target .cache/lock-tools uv==$(UV_VERSION)
	$(PYTHON) requirements/lock.py .cache/lock-tools/bin/uv $(if $(UPGRADE),--upgrade)

clean: ## remove the publication and caches (raw/, .venv and your own files in processed/ are kept)
	@if [ -x $(PY) ]; then $(PIPELINE) clean $(PIPELINE_ARGS); \
	elif [ -d '$(OUT_DIR)' ]; then echo "$(OUT_DIR)/ kept: without $(VENV) the publication's own files are not known (run make first)"; fi
	rm -rf .cache dist build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

# The publishing level: the dependencies from the lock, then the project itself, without
# letting pip resolve anything (--no-deps; setuptools, its build backend, is in the lock).
$(STAMP): requirements/base.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(INSTALL) -r requirements/base.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The other levels (dev: make test, report: make report, ...) on top of the publishing one.
$(VENV)/.installed-%: requirements/%.txt $(STAMP)
	$(INSTALL) -r $<
	touch $@

# The oldest DuckDB the published file must open in, kept apart from .venv for the tests.
$(COMPAT)/.installed: requirements/compat-duckdb-1.1.txt $(STAMP)
	rm -rf $(COMPAT)
	$(INSTALL) --target $(COMPAT) -r $<
	touch $@

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV)
