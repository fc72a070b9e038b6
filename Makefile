# One-word runners. `make run` and `make test` create the virtual environment when it is missing,
# so a newcomer needs nothing else. See docs/development.md.

VENV := .venv
BIN := $(VENV)/bin
# Re-install when a requirements file is newer than this stamp.
STAMP := $(VENV)/.installed
# The interpreter for a new venv: newest of 3.13/3.12, else python3 (Django 5.2 then).
VENV_PYTHON ?= $(shell scripts/python-for-venv)
# Extra arguments for pytest: make test ARGS="-k importing -x"
ARGS ?=

.PHONY: venv run test lint fmt migrations-check bench ci

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@if ! $(BIN)/python -c '' 2>/dev/null; then \
		echo "Creating $(VENV) with $(VENV_PYTHON)"; \
		$(VENV_PYTHON) -m venv --clear $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Development server on SQLite (unless DATABASE_URL says otherwise) with the demo data, and the
# task worker for background imports beside it (stopped when the server stops), unless
# MARGINALIA_TASKS_BACKEND=immediate runs tasks in the server itself.
run: export DJANGO_DEBUG = 1
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo "Open http://127.0.0.1:8000/ and sign in as demo / demo-pass-2026"
	@worker=; if [ "$${MARGINALIA_TASKS_BACKEND:-database}" = database ]; then \
		$(BIN)/python manage.py db_worker & worker=$$!; \
	fi; \
	trap '[ -z "$$worker" ] || { kill $$worker; wait $$worker; } 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite on SQLite, or on the PostgreSQL that DATABASE_URL names, with DEBUG off. In parallel:
# one pytest-xdist worker per CPU, each with a test database of its own (pyproject.toml's
# addopts). ARGS="-n 0" runs it in one process, for pdb or print debugging.
test: venv
	@if [ -n "$$DATABASE_URL" ]; then echo "Tests on PostgreSQL (DATABASE_URL)"; \
	else echo "Tests on SQLite"; fi
	env -u DJANGO_DEBUG $(BIN)/pytest $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

migrations-check: export DJANGO_DEBUG = 1
migrations-check: venv
	$(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks run with DEBUG off (as in production); a throwaway key lets Django start.
bench: export DJANGO_SECRET_KEY := $(or $(DJANGO_SECRET_KEY),bench-only-insecure-key)
bench: venv
	@set -e; for script in bench/*_bench.py; do \
		module=$$(basename "$$script" .py); \
		echo "== bench/$$module.py"; $(BIN)/python -m "bench.$$module"; \
	done

ci:
	bash .ci/run
