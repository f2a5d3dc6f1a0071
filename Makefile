# Community governance portal: one entry point for developers and CI.
#
#   make run      development server on http://127.0.0.1:8000 (PORT=8001 for another; SQLite in var/, demo data)
#   make test     full test suite against throwaway PostgreSQL 15 + Redis (ARGS=... for pytest)
#   make stack    production shape: PostgreSQL, Redis, gunicorn, Celery worker + beat (DEBUG=0)
#   make lint     ruff
#   make messages compile translations (.mo files are committed)
#   make clean    remove build output (keeps .venv and node_modules; see clean-all)

SHELL := /bin/bash
PY := .venv/bin/python
SCALE ?= 0.01
ARGS ?=
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help venv assets run test stack lint messages clean clean-all

help:
	@sed -n '3,9p' Makefile | sed 's/^# *//'

# Reinstall only when the requirements change: the stamp is newer than both files otherwise.
.venv/.installed: requirements.txt requirements-dev.txt
	bash scripts/venv.sh
	touch $@

venv: .venv/.installed

# Front-end packages served by Django from node_modules/*/dist (no CDN).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/vendor/.copied: node_modules/.installed scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh
	touch $@

assets: static/vendor/.copied

run: venv assets
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty --scale $(SCALE)
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv assets
	bash scripts/test.sh $(ARGS)

stack: venv assets
	bash scripts/stack.sh

lint: venv
	.venv/bin/ruff check .

messages: venv
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules'

clean:
	rm -rf staticfiles test-results .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

clean-all: clean
	rm -rf .venv node_modules
