# PyWebRank. Quick start: `make run` (serve the site) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: run install install-dev migrate seed translations test test-fast lint format messages bench lighthouse cluster-check soak clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PyWebRank needs Python 3.11+; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.run-deps

install: $(VENV)/.run-deps
install-dev: $(VENV)/.dev-deps

translations: install
	$(PY) manage.py compile_translations

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

seed: migrate
	$(PY) manage.py load_seed

run: seed translations
	@echo ""
	@echo "PyWebRank on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "To become a curator: $(PY) manage.py createsuperuser   then open http://$(HOST):$(PORT)/admin/"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: install-dev translations
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) tests/browser/ensure_browser.py
	$(PY) -m pytest $(PYTEST_ARGS)

messages: install-dev
	$(PY) manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete --no-location
	$(PY) manage.py compile_translations --fill-source en
	@echo "Now translate the new or fuzzy entries in config/locale/zh_Hans/LC_MESSAGES/django.po"

bench: install-dev seed translations
	$(PY) tests/bench/run.py

# Two gunicorn servers on one PostgreSQL and one Redis (see tests/deploy/cluster_check.py); the
# database named by CLUSTER_DATABASE_URL is recreated and the CLUSTER_REDIS_URL database cleared.
cluster-check: install-dev translations
	$(PY) -m tests.deploy.cluster_check

# 10 minutes of mixed traffic from 32 clients against gunicorn on PostgreSQL (tests/deploy/soak.py);
# SOAK_SECONDS, SOAK_CLIENTS, SOAK_DATABASE_URL, SOAK_REDIS_URL … change it. Not part of CI.
soak: install-dev translations
	$(PY) -m tests.deploy.soak

# Lighthouse (mobile) on four pages served by gunicorn in production settings; needs Node and npm.
lighthouse: install-dev
	$(PY) tests/lighthouse/run.py

clean:
	rm -rf $(VENV) staticfiles .lighthouse
