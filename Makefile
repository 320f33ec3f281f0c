# Everyday commands. The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes side by side (pytest-xdist): one per CPU core by default; 0 runs in this process.
# Work stealing: a process that runs out takes tests queued for the other, so one long test
# (a browser journey, a migration walk) does not leave the other core idle at the end.
TEST_PROCESSES ?= auto
# The app with no services: SQLite and the embedded (filesystem) Celery broker.
DEV_ENV := DEBUG=1

.PHONY: run test setup install-dev browser check lint fmt frontend worker clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo

## Set up and run the app with demo data: web on http://127.0.0.1:$(PORT)/ plus a Celery worker (with beat).
run: setup
	@mkdir -p var
	@echo "Starting the worker (log: var/worker.log) and the web server on http://127.0.0.1:$(PORT)/"
	@$(DEV_ENV) $(PY) -m celery -A amhe worker --beat --loglevel info --concurrency 2 > var/worker.log 2>&1 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
	  $(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: $(VENV)/.installed
	$(DEV_ENV) $(PY) -m celery -A amhe worker --beat --loglevel info

## Install Debian's Chromium for the browser tests where we can (root with apt); Playwright's own download does not work here.
browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else echo "No Chromium: browser tests will skip (install the chromium package, or set CHROMIUM_PATH)"; fi

check: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(PY) manage.py check --fail-level WARNING
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  AMHE_PSEUDONYM_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=amhe.example.nhs.uk $(PY) manage.py check --deploy --fail-level WARNING

## Run every check and the whole test suite (uses DATABASE_URL / REDIS_URL when set).
test: $(VENV)/.installed browser check
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal

lint: check

fmt: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Rebuild static/ from the npm versions pinned in package.json (needs Node.js and npm).
frontend:
	sh scripts/build-frontend.sh

clean:
	rm -rf $(VENV) var staticfiles node_modules

## Update the translation catalogues (locale/pl, locale/ur) from the code and templates, then compile them. Needs GNU gettext.
.PHONY: messages
messages: $(VENV)/.installed
	mkdir -p locale
	$(DEV_ENV) $(PY) manage.py makemessages -l pl -l ur --no-obsolete \
	  --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=var --ignore=tests
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv
