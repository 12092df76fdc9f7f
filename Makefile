# tracker: one command each. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: install migrate seed run test lint format typecheck bench bench-pg clean translations

# What the app needs to run (make run) ...
$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Cài thư viện để chạy ứng dụng / installing the runtime libraries (requirements.txt) ..."
	$(VENV)/bin/pip install --disable-pip-version-check --progress-bar off -r requirements.txt | grep -v "^Requirement already satisfied" || true
	@$(PY) -c "import flask, sqlalchemy, icalendar, apscheduler" && touch $@

# ... and what the tests and benchmarks need besides (make test, make bench).
$(VENV)/.installed: $(VENV)/.runtime requirements-dev.txt
	@echo "Cài công cụ kiểm thử / installing the test tools (requirements-dev.txt) ..."
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The development secret key: random, made once, kept in instance/ (never committed). A
# TRACKER_SECRET_KEY in the environment takes precedence (production).
DEV_KEY := instance/secret_key
$(DEV_KEY):
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@
DEV    := TRACKER_SECRET_KEY_FILE=$(DEV_KEY)

migrate: $(VENV)/.runtime $(DEV_KEY)  ## create or upgrade the database schema
	$(DEV) $(FLASK) db upgrade

seed: migrate     ## load the sample directories and seed plans (idempotent)
	$(DEV) $(FLASK) seed

# DEMO_TODAY=2017-06-15: see the seed plans as if today were that day (the clock runs from it).
DEMO_TODAY ?=
run: seed         ## the app on the embedded default (SQLite), with the scheduler and a mail catcher
	$(DEV) TRACKER_DEMO_TODAY=$(DEMO_TODAY) $(FLASK) dev --host $(HOST) --port $(PORT)

test: install lint typecheck  ## lint and typecheck, then the whole suite; PostgreSQL tests run when TRACKER_TEST_DATABASE_URL is set
	$(PY) -m pytest

LINTED := tracker tests bench migrations wsgi.py
lint: install     ## ruff: pyflakes, pycodestyle, bugbear, pyupgrade, import order (pyproject.toml)
	$(VENV)/bin/ruff check $(LINTED)

format: install   ## apply what lint can fix by itself (import order, modern syntax)
	$(VENV)/bin/ruff check --fix $(LINTED)

typecheck: install  ## mypy over the application package (no errors; run by make test)
	$(VENV)/bin/mypy tracker

bench: install    ## benchmarks (PostgreSQL too when TRACKER_TEST_DATABASE_URL is set)
	$(PY) bench/import.py
	$(PY) bench/feeds.py
	$(PY) bench/reminders.py
	$(PY) bench/sender.py
	$(PY) bench/reading_quality.py

bench-pg: install  ## the PostgreSQL benchmarks; TRACKER_BENCH_DATABASE_URL names a database they may wipe
	@test -n "$$TRACKER_BENCH_DATABASE_URL" || { echo "set TRACKER_BENCH_DATABASE_URL=postgresql+psycopg://user@host/db (it is wiped)"; exit 2; }
	$(PY) bench/reminders.py --assignments 10000
	$(PY) bench/reminders.py --assignments 100000 --no-sender
	$(PY) bench/sender.py
	TRACKER_TEST_DATABASE_URL="$$TRACKER_BENCH_DATABASE_URL" $(PY) bench/import.py

translations: $(VENV)/.runtime  ## refresh the catalogue from the code, then compile it (commit both)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o tracker/translations/messages.pot .
	$(VENV)/bin/pybabel update -N -i tracker/translations/messages.pot -d tracker/translations
	$(VENV)/bin/pybabel compile -d tracker/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis  # instance/ holds the dev key, database and caught mail
