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

CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)

.PHONY: help run test lint fmt venv install install-test chromium migrate load clean

help:
	@echo "make run   - install, migrate, load the catalogue, serve on http://$(HOST):$(PORT)"
	@echo "make test  - install test tools (Chromium included), run ruff and the whole suite"
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
	$(PY) -m pip install --quiet -e .
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

load: migrate
	$(PY) manage.py loaddata catalogue

run: load
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install-test lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
