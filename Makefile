# LTC CRM. `make run` and `make test` do all the set-up on a fresh clone.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTHON ?= python3
STAMP  := $(VENV)/.installed
ASSETS := static/vendor/.built
HOST   ?= 127.0.0.1:8000

.PHONY: run test install assets messages migrate seed worker beat serve bench bench-kpis bench-http loadtest lint format check clean backup restore

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Front-end assets come from the npm registry and are served by the app (whitenoise).
$(ASSETS): package.json package-lock.json scripts/vendor-assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	sh scripts/vendor-assets.sh
	touch $(ASSETS)

assets: $(ASSETS)

messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py kpi_rollup --months 13 --if-empty

# A failing demo seed is reported but never keeps the server from starting.
run: install assets messages migrate
	$(PY) manage.py seed_demo || echo "Demo seeding failed (see above); serving anyway."
	$(PY) manage.py kpi_rollup --months 13 --if-empty || echo "KPI backfill failed (see above); serving anyway."
	sh scripts/serve.sh $(HOST)

serve: install assets
	sh scripts/serve.sh $(HOST)

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info -Q celery,notifications,rollups,imports

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info

test: install assets messages
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

bench-kpis: install
	$(PY) bench/kpis.py $(BENCH_ARGS)

# Lists and home page over HTTP: gunicorn, production settings, demo data on PostgreSQL.
# DATABASE_URL=postgres://... make bench-http BENCH_HTTP_ARGS="--requests 50"
bench-http: install
	$(PY) bench/httpbench.py $(BENCH_HTTP_ARGS)

# Backups of DATABASE_URL (SQLite or PostgreSQL) and the uploaded files, in BACKUP_DIR.
backup: install
	$(PY) manage.py db_backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/ltc-....sqlite3|.pgdump"; exit 2; }
	$(PY) manage.py db_restore --yes "$(FILE)"

# Typed code: the workflow engine and every app's services and selectors.
MYPY_PATHS = $(sort $(wildcard ltc/*.py */services.py */selectors.py))

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(MYPY_PATHS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .celery-queue db.sqlite3

# Load test (locust, dev extra): gunicorn with production settings on PostgreSQL + Redis.
# DATABASE_URL=postgres://... REDIS_URL=redis://... make loadtest LOADTEST_ARGS="--users 20"
loadtest: install
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)
