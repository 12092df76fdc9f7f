# tracker: one command each. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: install migrate seed run test bench clean translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The development secret key: random, made once, kept in instance/ (never committed). A
# TRACKER_SECRET_KEY in the environment takes precedence (production).
DEV_KEY := instance/secret_key
$(DEV_KEY):
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@
DEV    := TRACKER_SECRET_KEY_FILE=$(DEV_KEY)

migrate: install $(DEV_KEY)  ## create or upgrade the database schema
	$(DEV) $(FLASK) db upgrade

seed: migrate     ## load the sample directories and seed plans (idempotent)
	$(DEV) $(FLASK) seed

run: seed         ## the app on the embedded default (SQLite), with the scheduler and a mail catcher
	$(DEV) $(FLASK) dev --host $(HOST) --port $(PORT)

test: install     ## the whole suite; PostgreSQL tests run when TRACKER_TEST_DATABASE_URL is set
	$(PY) -m pytest

bench: install    ## benchmarks (PostgreSQL too when TRACKER_TEST_DATABASE_URL is set)
	$(PY) bench/import.py
	$(PY) bench/feeds.py
	$(PY) bench/reminders.py
	$(PY) bench/reading_quality.py

translations: install  ## refresh the catalogue from the code, then compile it (commit both)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o tracker/translations/messages.pot .
	$(VENV)/bin/pybabel update -N -i tracker/translations/messages.pot -d tracker/translations
	$(VENV)/bin/pybabel compile -d tracker/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
