# Confianza: `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format bench bench-load bench-faults check-python clean

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Confianza needs Python 3.12 or newer, and '$(PYTHON)' was not found. Install Python 3.12+ (for example with pyenv) and run make again."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Confianza needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) -c 'import platform; print(platform.python_version())'). Install 3.12+ or run: make PYTHON=python3.13 ..."; exit 1; }

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/). Ctrl-C stops."
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production stack on this machine: gunicorn + an export worker, on PostgreSQL and
# Redis when DATABASE_URL/REDIS_URL are given or found locally (see cms/serve.py).
serve: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) $(PY) -m cms.serve

# axe-core for the accessibility checks comes from the npm registry, when npm is here.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser accessibility checks will be skipped."; fi

test: $(VENV)/.installed-dev node_modules/.installed
	$(PY) manage.py compile_catalogues
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@touch $@

# Benchmarks: minutes each, never part of `make test`. Figures go in docs/BENCHMARKS.md.
bench: $(VENV)/.installed-bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The project and the peer under the same load (minutes; see docs/BENCHMARKS.md), and
# the fault scripts: a killed worker, a PostgreSQL restart, SQLite under 32 clients.
bench-load: $(VENV)/.installed-bench
	$(PY) bench/load_matrix.py

bench-faults: $(VENV)/.installed-bench
	$(PY) bench/faults.py

clean:
	rm -rf $(VENV) var static_collected .pytest_cache
