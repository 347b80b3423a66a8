# Rebuild the Japan smart-city initiatives dataset. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PIPELINE := $(PY) -m pipeline
# The serve extra (Datasette), installed for make serve and make test.
SERVE_STAMP := $(VENV)/.serve-installed
HOST ?= 127.0.0.1
PORT ?= 8001

.DEFAULT_GOAL := all
.PHONY: all fetch build check test lint bench report dist sql serve clean distclean help

all: $(STAMP) ## fetch what can be fetched, then build and publish processed/
	$(PIPELINE) all

fetch: $(STAMP) ## download the sources into raw/ (archived, checksummed; offline fails fast)
	$(PIPELINE) fetch

build: $(STAMP) ## extract, validate and publish from raw/ only, no network
	$(PIPELINE) build

check: $(STAMP) ## strict build: fails if a source is missing or anything fails validation
	$(PIPELINE) check

test: $(STAMP) $(SERVE_STAMP) ## run the whole test suite (no network needed)
	$(PY) -m pytest -q

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check pipeline schemas tests benchmarks

report: $(STAMP) ## draw the figures into processed/report/ (PNG + README.md)
	$(PIPELINE) report

dist: $(STAMP) ## zip a versioned release bundle into dist/ (with SHA256SUMS)
	$(PIPELINE) dist

sql: $(STAMP) ## run a query: make sql Q="select * from programs"
	$(PIPELINE) sql "$(Q)"

# --- serve: Datasette on the published SQLite copy (its own stamp: the serve extra) ---
serve: $(SERVE_STAMP) ## browse processed/ in a web browser (Datasette); Ctrl-C stops it
	$(PIPELINE) serve --host $(HOST) --port $(PORT)

$(SERVE_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[serve]'
	touch $@
# --- end serve ---

bench: $(STAMP) ## extraction speed and memory benchmark (prints ratios, writes benchmarks/results/)
	$(PY) benchmarks/bench_extract.py

clean: ## remove the publication and caches (raw/ and .venv are kept)
	rm -rf processed .cache dist build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

help: ## this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-7s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV)
