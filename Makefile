# Every command a contributor needs. Runs under plain sh; finds Python 3.12+ by itself.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format migrations messages compile-messages check e2e worker screenshots clean fuzz bench

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py seed_demo_reviews
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest

install: $(STAMP)

$(PY):
	@python=$$(sh bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e

# Every form and htmx endpoint with 250 fuzzed inputs each (over 20,000 requests; `make test`
# sends 10 each). On PostgreSQL: DATABASE_URL=postgres://... make fuzz
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/security/test_fuzz.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations: $(STAMP)
	$(PY) manage.py makemigrations

check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Needs GNU gettext (msgfmt, xgettext); a fresh clone does not, the .mo files are committed.
messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages --no-obsolete --no-location -l pt_BR -l es -i ".venv/*" -i ".venv-bench/*" -i "bench/*" -i "tests/*"

compile-messages: $(STAMP)
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=.venv-bench

worker: $(STAMP)
	DEBUG=true TASK_BACKEND=database $(PY) manage.py db_worker

# The pages under gunicorn against the floor, then the load test, at each size (bench/README.md).
# Needs PostgreSQL (BENCH_DATABASE_URL) and wrk; builds a database per size unless KEEP=1.
BENCH_SIZES ?= 100 1000 5000
BENCH_STAMP := .venv-bench/.installed
bench: $(STAMP) $(BENCH_STAMP)
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/serve.py $(foreach n,$(BENCH_SIZES),--clients $(n)) --load $(if $(KEEP),--keep)

# locust and py-spy, in a venv of their own: locust brings a pytest plugin the suite must not load.
$(BENCH_STAMP): bench/requirements.txt bench/constraints.txt
	@python=$$(sh bin/find-python) || exit 1; "$$python" -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -c bench/constraints.txt -r bench/requirements.txt
	touch $(BENCH_STAMP)

# README's pictures (docs/screenshots/), from the demo in a throwaway database; needs Chromium.
screenshots: $(STAMP)
	$(PY) bin/screenshots.py

clean:
	rm -rf $(VENV) .venv-bench db.sqlite3 staticfiles artifacts
