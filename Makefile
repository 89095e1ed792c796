# Trivsel+ — the two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: help demo test setup python-deps npm-deps system-deps browser lint bench clean

help:
	@echo "make demo   - installs what is needed, then runs Trivsel+ on http://127.0.0.1:8000"
	@echo "make test   - installs what is needed, then runs the whole test suite"

demo: setup
	$(PY) -m trivsel.launcher demo

test: setup browser
	$(PY) -m trivsel.launcher test $(PYTEST_ARGS)

setup: python-deps npm-deps system-deps

# The stamp is remade whenever pyproject.toml changes, so a second run installs nothing.
python-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# locust (the load benchmark's simulated users) only for `make bench`, not for the tests.
$(VENV)/.bench-installed: pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

# DKFDS (the Danish public-sector design system) comes from npm and is collected as static files.
npm-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: gettext compiles the translations.
system-deps:
	@bash scripts/apt-need.sh msgfmt gettext

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here);
# the PDF tests read the minutes back with pdftotext.
browser:
	@bash scripts/apt-need.sh chromium chromium pdftotext poppler-utils

lint: python-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# wrk (Debian) is the load generator of the throughput benchmark (bench/referrals.py); valgrind
# counts the instructions of every signed-in page's floor (bench/floor.py).
bench: setup $(VENV)/.bench-installed
	@bash scripts/apt-need.sh wrk wrk valgrind valgrind
	$(PY) -m trivsel.launcher run -- $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf .data node_modules $(VENV)
