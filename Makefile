# Bazaar. `make run` serves the site on SQLite with no other service; `make test` runs the suite.
# Both create .venv and install the locked requirements (hash-checked) on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test test-fast eval-gate test-e2e screenshots lint format typecheck migrate seed worker benchmarks lock clean help

help:
	@echo "make run         serve http://127.0.0.1:$(PORT) (SQLite, eager tasks, offline model)"
	@echo "make test        run the test suite (without the browser tests)"
	@echo "make test-fast   the inner loop: the suite on every core, without the tests marked slow"
	@echo "make test-e2e    run the browser tests in Chromium (CHROMIUM_PATH, default /usr/bin/chromium)"
	@echo "make screenshots retake the screenshots in docs/img/ (needs Chromium too)"
	@echo "make lint        ruff check, ruff format --check, mypy, migrations check, lint-imports"
	@echo "make eval-gate   each AI feature's evaluation gate (what CI runs)"
	@echo "make lock        regenerate the hashed lock files from pyproject.toml's pins"
	@echo "docker compose up  the site in containers: docs/deploy.md"
	@echo "make benchmarks  run every benchmark (needs Postgres: see docs/benchmarks.md)"

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-gbstats.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-gbstats.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest

# The inner loop: pytest-xdist on every core, without the tests marked `slow` (each takes seconds:
# real servers, subprocesses, big simulations); `make test` and CI run them all.
test-fast: install
	$(PY) -m pytest -q -n auto -m "not e2e and not slow"

test-e2e: install
	$(PY) -m pytest -m e2e tests/e2e

screenshots: install
	$(PY) docs/screenshots.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed_demo

worker: install
	bin/start-worker

# The evaluation gate that CI runs: every AI feature with a gate (llm.Feature.gate) on its
# development dataset, in a fresh SQLite database with no listings (the offline model also learns
# from the site's listings, so an empty site scores the same on every run). With the offline model
# (the default) it tests the datasets, the scorers and the offline baseline, not the prompts'
# wording, and says so; with LLM_PROVIDER=openai and OPENAI_API_KEY set (a CI secret, say) the
# same target runs against that model. The thresholds sit just below the offline model's scores.
EVAL_DB := $(shell mktemp -u /tmp/bazaar-eval-XXXXXX.sqlite3)
eval-gate: install
	DATABASE_URL=sqlite:///$(EVAL_DB) REDIS_URL= $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=sqlite:///$(EVAL_DB) REDIS_URL= $(PY) manage.py eval_gate; status=$$?; \
		rm -f $(EVAL_DB); exit $$status

benchmarks: install
	$(PY) benchmarks/run_all.py

lock:
	bin/lock-requirements

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
