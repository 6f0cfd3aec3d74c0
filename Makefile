# Shenbao — two commands on a fresh machine:  `make run`  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The address printed in PDFs (the verification QR code and link): this server, unless told otherwise.
SITE_URL ?= http://127.0.0.1:$(PORT)
# libreoffice-calc: one test converts the generated xlsx with LibreOffice to check the Chinese columns.
# nginx: tests/shenbao/test_deploy_configs.py checks deploy/nginx/shenbao.conf with `nginx -t` (no daemon is
# started: see system-deps).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-wqy-zenhei poppler-utils libreoffice-calc nginx
export DJANGO_SETTINGS_MODULE := shenbao.settings

.PHONY: setup setup-dev system-deps run dev serve test test-sqlite test-postgres lint format lock bench clean messages

# Runtime only (requirements.lock); the development tools (requirements-dev.lock) come with setup-dev.
setup: $(VENV)/.installed-runtime static/vendor/htmx.min.js static/vendor/echarts.min.js var/fonts/.built
# node_modules also holds axe-core, which the accessibility browser test injects (never served by the app).
setup-dev: setup $(VENV)/.installed-dev node_modules/.package-lock.json

# System packages the PDFs and browser tests need (Debian). Installed only when missing and when
# we may (root); otherwise say what is missing instead of failing later in a confusing way.
# Debian starts a service it installs (nginx on port 80): where no policy-rc.d forbids that already (container
# images have one), one is put in place for the install and removed after, so nothing is started.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages: $$missing"; \
	    policy=/usr/sbin/policy-rc.d; own_policy=; \
	    if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' >$$policy && chmod 755 $$policy && own_policy=1; fi; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    status=$$?; if [ -n "$$own_policy" ]; then rm -f $$policy; fi; [ $$status = 0 ] || exit $$status; \
	  else echo "WARNING: missing system packages (install with apt-get): $$missing"; fi; \
	fi

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# One stamp per lock file: a changed lock reinstalls what it pins, and nothing else.
$(VENV)/.installed-runtime: requirements.lock | $(PY)
	$(PY) -m pip install -q -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed-runtime
	$(PY) -m pip install -q -r requirements-dev.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# The dashboards' charts (reports/), Apache ECharts from npm, served from our own static files.
static/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js

# Derived fonts are built once at install time, never per request (see docs/performance.md).
var/fonts/.built: $(VENV)/.installed-runtime core/fonts.py $(wildcard templates/applications/pdf/*) $(wildcard programmes/templates/programmes/*)
	@mkdir -p var/fonts
	@if [ -f core/fonts.py ]; then $(PY) -m core.fonts var/fonts; fi
	touch $@

messages:
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py makemessages -d djangojs -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

# The embedded default as it would be served: DEBUG off (settings' default), static files by whitenoise, a
# secret key generated once into var/secret_key. No control socket: its default path is one per user, so a
# second server on this machine would take over the first one's.
run: system-deps setup
	mkdir -p var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v0
	SITE_URL='$(SITE_URL)' $(VENV)/bin/gunicorn shenbao.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	  --no-control-socket --access-logfile -

# For development: Django's debug pages and autoreload.
dev: system-deps setup
	mkdir -p var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	DEBUG=1 SITE_URL='$(SITE_URL)' $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Runs every test on SQLite, then again on PostgreSQL when DATABASE_URL is set.
test: system-deps setup-dev
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi

# Two workers (pytest-xdist) on CI's two cores, one test file per worker at a time so that module fixtures are
# built once; PYTEST_WORKERS=0 runs everything in this process (for a debugger).
PYTEST_WORKERS ?= 2
# The coverage report comes from the SQLite run; the PostgreSQL run, over the same code, goes without the tracer.
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -p no:cacheprovider

test-sqlite:
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(PYTEST) --cov --cov-report=term:skip-covered

test-postgres:
	@echo "== tests on PostgreSQL ($$DATABASE_URL) =="
	$(PYTEST)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Re-pin both locks to what is installed (nothing is upgraded): runtime closure vs the development rest.
lock: | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip freeze | $(PY) tools/split_lock.py
	$(PY) -m pip check

bench: setup-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var/static var/fonts .pytest_cache .coverage htmlcov
