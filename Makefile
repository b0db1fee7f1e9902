# make run   - set up and serve the portal with demo data (SQLite, tasks inline, e-mail to the console)
# make test  - set up and run the whole test suite against PostgreSQL and Redis; every request and task fails on an
#              N+1 (django-zeal, tests/n_plus_one.py); the bench runs once at small scale (tests/test_bench_smoke.py)
# make serve - the production shape on this machine: gunicorn, a Celery worker and beat on PostgreSQL and Redis,
#              with the commands docker-compose.yml runs (scripts/serve-*); local values in var/serve.env (README)
# make lint  - ruff and bandit
# make bench - the busiest pages under load (gunicorn, wrk) at SCALE=large (default) or small: one table
# make storm - 200 submissions and transitions while its own Redis is stopped and its own worker killed twice
# make backup  - dump the database and MEDIA_ROOT into var/backups/<timestamp>/ (or BACKUP_DIR)
# make restore BACKUP=var/backups/<timestamp> - restore them into an empty database (FORCE=1 replaces)

# The venv's interpreter: Debian's Python 3.11, built with profile-guided and link-time optimisation like the
# python:3.11 image that docker-compose.yml runs, when the machine has it; else the first python3 on the PATH. An
# interpreter built without them (pyenv's default) served the portal's pages about 15 % slower (issue 15).
# `make PYTHON=/path/to/python3.11 ...` chooses another; an existing .venv keeps the one it was made with.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_PACKAGES := python3-venv gettext
SERVE_PACKAGES := $(RUN_PACKAGES) libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PACKAGES := $(SERVE_PACKAGES) chromium poppler-utils wrk
TEST_ENV := DATABASE_URL=postgres://postgres@127.0.0.1:5432/fachkraefte TEST_REDIS_URL=redis://127.0.0.1:6379/0

.PHONY: run serve test lint bench storm system-run system-serve system-test messages backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

system-run:
	./scripts/system-packages $(RUN_PACKAGES)

system-serve:
	./scripts/system-packages $(SERVE_PACKAGES)

system-test:
	./scripts/system-packages $(TEST_PACKAGES)

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: system-run $(VENV)/.installed messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

serve: system-serve $(VENV)/.installed
	./scripts/serve-local

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -ll -c pyproject.toml -r fachkraefte partnerships applications placements

test: system-test $(VENV)/.installed-dev messages lint
	./scripts/start-services
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist worksteal

bench: $(VENV)/.installed-dev messages
	./scripts/system-packages wrk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
	./scripts/start-services
	$(BIN)/python bench/run.py --scale $(or $(SCALE),large) $(if $(REUSE),--reuse)

storm: $(VENV)/.installed-dev messages
	./scripts/start-services
	$(BIN)/python bench/storm.py

backup:
	./scripts/backup

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp> [FORCE=1]" >&2; exit 2; }
	./scripts/restore "$(BACKUP)" $(if $(FORCE),--force)
