# Backcare: two commands on a fresh machine — `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Django 6 needs Python 3.12 or newer; `python3` may be older (3.11 on our machines).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3; do \
	  command -v $$p >/dev/null 2>&1 || [ -x "$$p" ] || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

# The suite runs on both cores (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)

.PHONY: help run serve test test-sqlite test-postgres lint fmt venv install install-test validate \
	chromium migrate load-catalogue load attack bench clean test-redis

help:
	@echo "make run   - install, migrate, load the catalogue, serve on http://$(HOST):$(PORT)"
	@echo "make test  - install test tools (Chromium included), run ruff and the whole suite"
	@echo "make serve - the production setup locally: gunicorn, DEBUG off, compressed static"
	@echo "make load  - a bounded load test (50 users, loopback) against make serve's setup"
	@echo "make attack - make serve's setup attacked (slow clients, big bodies, floods…): PASS/FAIL"
	@echo "make bench - performance figures with PASS/FAIL targets"
	@echo "make test-sqlite - only the SQLite pass of the test suite"
	@echo "make serve-fresh - make serve on a fresh clone (SQLite, PostgreSQL): starts, stops, JSON"
	@echo "make test-cluster - 3 app processes, one PostgreSQL, one Redis, behind a proxy"
	@echo "make validate - check the shipped catalogue against the content rules"
	@echo "make fmt   - format and fix with ruff"

$(VENV)/.created:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Backcare needs Python 3.12 or newer (Django 6). None was found:"; \
	  echo "install python3.12+ or set PYTHON=/path/to/python3.12 and run make again."; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install --quiet -e '.[prod]'
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(VENV)/.created
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test chromium

# Playwright cannot download its own browser here: use Debian's Chromium.
chromium:
	@if [ -x "$(CHROMIUM)" ] || [ -x /usr/lib/chromium/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium from Debian's packages for the browser tests…"; \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else \
	  echo "The browser tests need Chromium: run 'sudo apt-get install chromium'"; \
	  echo "(or set CHROMIUM_PATH to a Chromium binary) and run make test again."; \
	  exit 1; fi

migrate: install
	$(PY) manage.py migrate --noinput

load-catalogue: migrate
	$(PY) manage.py seed_catalogue

run: load-catalogue
	$(PY) manage.py runserver $(HOST):$(PORT)

# ---- Production setup, locally (plain HTTP on loopback, so no HTTPS redirect) ----
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) + 1 )))
SERVE_ENV = DJANGO_DEBUG=0 BACKCARE_ORIGIN="$${BACKCARE_ORIGIN:-http://$(HOST):$(PORT)}" \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .serve-secret)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" \
	DJANGO_HSTS_SECONDS="$${DJANGO_HSTS_SECONDS:-0}"
# Worker class, limits, timeouts and JSON logs: backcare/server.py.
GUNICORN = $(VENV)/bin/gunicorn --config python:backcare.server backcare.wsgi \
	--bind $(HOST):$(PORT) --workers $(WORKERS)

.serve-secret: $(VENV)/.created
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve-prepare: install .serve-secret
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput -v0
	$(SERVE_ENV) $(PY) manage.py seed_catalogue --format json

.PHONY: serve-prepare serve-fresh test-cluster
# Every line it writes is one JSON object (log collectors read the stream): make echoes
# nothing, and what installing and preparing print becomes JSON records (backcare.logs).
serve:
	@$(or $(PYTHON),python3) -m backcare.logs --name backcare.serve.prepare -- \
	  $(MAKE) --no-print-directory -s serve-prepare
	@$(SERVE_ENV) exec $(GUNICORN)

# 50 simulated people share one address here: the per-client session limit is lifted.
load: serve-prepare $(VENV)/.installed-load
	$(SERVE_ENV) BACKCARE_SESSIONS_PER_MINUTE=1000000 BACKCARE_SESSIONS_PER_DAY=1000000 \
	  $(PY) -m tests.load.run --host $(HOST) --port $(PORT) -- $(GUNICORN)

# The production setup attacked over loopback, each case PASS/FAIL, /healthz timed throughout
# (about two minutes, 5,000 connections at once at its peak; its own throwaway database and
# servers, so it needs nothing from make serve), then a burst of 600 requests on PostgreSQL.
attack: install
	$(PY) -m tests.attack.run --workers $(WORKERS)
	@status=0; tests/with_postgres.sh $(PY) -m tests.attack.burst --workers $(WORKERS) \
	  || status=$$?; \
	if [ $$status = 75 ]; then echo "PostgreSQL burst skipped: no server could be started."; \
	elif [ $$status != 0 ]; then exit $$status; fi

# Performance figures with PASS/FAIL targets (not part of make test: it takes minutes).
bench: install-test
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && \
	   apt-get install -y -qq wrk >/dev/null)); } || echo "wrk unavailable: no HTTP figures"
	@status=0; tests/with_redis.sh $(PY) -m tests.bench.run || status=$$?; \
	if [ $$status = 75 ]; then $(PY) -m tests.bench.run; elif [ $$status != 0 ]; then exit $$status; fi

$(VENV)/.installed-load: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[load]'
	@touch $@

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: test-sqlite test-postgres test-redis serve-fresh test-cluster

# Three app processes sharing one PostgreSQL and one Redis behind a round-robin proxy: nothing
# one keeps is needed by another (tests/test_cluster.py; both servers started and removed).
test-cluster: install-test
	@status=0; tests/with_postgres.sh tests/with_redis.sh \
	  $(PY) -m pytest -p no:cacheprovider -n 0 -m cluster tests/test_cluster.py $(PYTEST_ARGS) \
	  || status=$$?; \
	if [ $$status = 75 ]; then echo "Cluster test skipped: no PostgreSQL or Redis server here."; \
	elif [ $$status != 0 ]; then exit $$status; fi

# make serve on a fresh clone of HEAD, on SQLite and on an empty PostgreSQL: /healthz answers,
# it stops on Ctrl-C and SIGTERM, and every line it writes is JSON (about a minute).
serve-fresh:
	@status=0; tests/with_postgres.sh $(or $(PYTHON),python3) tests/fresh_serve.py || status=$$?; \
	if [ $$status = 75 ]; then $(or $(PYTHON),python3) tests/fresh_serve.py; \
	elif [ $$status != 0 ]; then exit $$status; fi

test-sqlite: install-test lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite again on a real PostgreSQL server that the script starts and removes: all but the
# browser tests, which drive the same views and don't depend on the database engine, the
# `slow` ones, which serve from a SQLite file of their own whatever DATABASE_URL says, and the
# `engine_free` ones (no database, or plans composed from the catalogue once it is read).
test-postgres: install-test
	@status=0; tests/with_postgres.sh $(PY) -m pytest -p no:cacheprovider \
	  -n $(PYTEST_WORKERS) -m "not browser and not slow and not engine_free" $(PYTEST_ARGS) \
	  || status=$$?; \
	if [ $$status = 75 ]; then echo "PostgreSQL pass skipped: no server could be started."; \
	elif [ $$status != 0 ]; then exit $$status; fi

# The catalogue cache's tests again with the cache in a real Redis server (as several hosts
# would share it), started and removed by the script. One process: they share the server.
test-redis: install-test
	@status=0; tests/with_redis.sh \
	  $(PY) -m pytest -p no:cacheprovider -n 0 tests/test_catalogue_cache.py \
	  tests/test_cache_across_workers.py $(PYTEST_ARGS) || status=$$?; \
	if [ $$status = 75 ]; then echo "Redis pass skipped: no server could be started."; \
	elif [ $$status != 0 ]; then exit $$status; fi

# The shipped catalogue, loaded into a throwaway database, against the content rules.
validate: install
	@d=$$(mktemp -d); export DATABASE_URL="sqlite:///$$d/validate.sqlite3"; \
	$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py seed_catalogue -v0 && \
	$(PY) manage.py validate_catalogue; status=$$?; rm -rf "$$d"; exit $$status

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache .serve-secret
