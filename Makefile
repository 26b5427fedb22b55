# AI 뉴스 보드 — `make run` starts the demo site, `make test` runs every test.
# The first of python3, python3.13, python3.12, python3.11 that is 3.11–3.13 (Django 5.2 and our
# dependencies support these); `make PYTHON=/path/to/python` picks another.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the browser tests (package.json); npm writes this file on every `npm ci`.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install run serve test lint seed bench clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed (python3 --version); or run make PYTHON=/path/to/python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests will be left out (apt-get install -y npm)"; fi

install: $(STAMP) $(NODE_STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The production settings (DEBUG off, hashed and compressed static files from WhiteNoise,
# gunicorn) over plain HTTP on 127.0.0.1; see docs/deploy.md for the real thing. Uploads
# under /media/ are served by Django here (DJANGO_SERVE_MEDIA=1): local use only, a real
# deployment serves them from nginx or object storage.
SERVE_ENV := DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SERVE_MEDIA=1 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-$$(hostname)-not-for-production-use-0123456789}

serve: $(STAMP)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(PY) manage.py seed_demo
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# The browser tests (tests/browser) run where /usr/bin/chromium is installed
# (apt-get install -y chromium fonts-nanum); elsewhere the run says they were left out.
test: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Page speed at 100,000 posts (not a test): SQLite, and PostgreSQL when DATABASE_URL is set.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

seed: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules tests/browser/output
