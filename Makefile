# Two entry points for people: `make book` (build, `make serve` to view) and `make test`.
# Every target sets up its own environment from the lock files.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
UV_VERSION := 0.13.9
ENV_STAMP := $(VENV)/.portal-env
NPM_STAMP := node_modules/.portal-npm
VENDOR_STAMP := book/_vendor/.portal-vendor
PORT ?= 8000
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

LIVE_ENV := .binder-env
LAB_PORT ?= 8888

.PHONY: env book serve test test-fast test-live live-env lab lint bench fuzz weight clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Python environment from the lock, with bytecode compiled (these machines set PYTHONDONTWRITEBYTECODE).
$(ENV_STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	UV_COMPILE_BYTECODE=1 $(UV) pip sync --quiet --python $(PY) requirements.lock
	UV_COMPILE_BYTECODE=1 $(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

# Browser assets (MathJax, unused while maths is MathML; axe-core for the browser tests) from the npm lock.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP) scripts/vendor_assets.py | $(ENV_STAMP)
	$(PY) scripts/vendor_assets.py
	touch $@

env: $(ENV_STAMP) $(VENDOR_STAMP)

# The environment a practitioner gets on Binder, built the way repo2docker builds it (repo2docker's
# base pins, then binder/requirements.txt, then binder/postBuild). Rebuilt only when its inputs
# change (the script keeps a stamp keyed on them).
live-env:
	bash scripts/build_live_env.sh $(LIVE_ENV)

# The calculators in JupyterLab, in the same environment as Binder (Ctrl-C stops).
lab: live-env
	@echo "JupyterLab on http://127.0.0.1:$(LAB_PORT)/ (the address with its token follows)"
	env -u MPLBACKEND -u PYTHONHASHSEED $(LIVE_ENV)/bin/jupyter lab --ip=127.0.0.1 \
	  --port=$(LAB_PORT) --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/book/tools \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

# jupyter-cache keys on code cells only: scripts/exec_cache.py drops the cached execution of each
# page whose inputs changed (the lock, the portal_tools modules it imports, transitively, and the
# package's data files), so the build re-runs those pages and reuses the rest.
book: env
	@mkdir -p book/_build
	$(PY) scripts/exec_cache.py book
	$(VENV)/bin/jupyter-book build book --all -W -n --keep-going
	@echo "Site built in book/_build/html (make serve to view it)."

serve: book
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory book/_build/html

lint: env
	$(VENV)/bin/ruff check src tests scripts benchmarks
	$(VENV)/bin/ruff format --check src tests scripts benchmarks
	$(VENV)/bin/mypy

# Every test: lint and types, unit/property, CLI, the strict book build (executes every page
# once; a failing assertion cell fails it, nb_execution_raise_on_error in book/_config.yml),
# internal link check, browser tests in Chromium, the practitioner route live in JupyterLab
# (Binder-like environment, Chromium), and the benchmarks (measured, not asserted).
test: env
	bash scripts/ensure_chromium.sh
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest tests/unit
	$(MAKE) --no-print-directory book
	$(VENV)/bin/pytest tests/site
	bash scripts/build_live_env.sh $(LIVE_ENV)
	$(VENV)/bin/pytest tests/live
	$(VENV)/bin/pytest benchmarks --benchmark-only --benchmark-columns=min,median,max,rounds --benchmark-sort=name

# The practitioner route alone: every calculator page opened by its launch link in JupyterLab.
test-live: book live-env
	$(VENV)/bin/pytest tests/live

# The schema-driven fuzzer of issue 16 with 2 000 cases per calculator (make test runs 100).
fuzz: env
	PORTAL_FUZZ_EXAMPLES=2000 $(VENV)/bin/pytest tests/unit/test_fuzz.py -p no:cacheprovider

bench: env
	$(VENV)/bin/pytest benchmarks --benchmark-only

# Bytes each built page downloads against the bare theme's search page (a report, not a test).
weight: book
	$(PY) scripts/page_weight.py

clean:
	rm -rf book/_build build book/_vendor
