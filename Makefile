# make run: the platform with demo data on a fresh machine. make test: the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= advocacy.settings.local
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=test-artifacts

.PHONY: install install-dev catalogs messages run worker beat test test-sqlite lint format migrations-check reset-local-db bench-lookup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt constraints.txt
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed catalogs

# The TypeScript client checks (tests/api_client/test_typescript_client.py): the npm packages exactly as locked.
TS_CLIENT := clients/typescript
$(TS_CLIENT)/node_modules/.installed: $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --silent
	touch $@

install-dev: $(VENV)/.installed-dev $(TS_CLIENT)/node_modules/.installed catalogs

# The Spanish catalog, compiled from locale/es/LC_MESSAGES/django.po with Babel (pure Python).
catalogs: $(VENV)/.installed
	$(BIN)/python -m advocacy.catalogs

# After changing a marked string: extract them again (needs GNU gettext's xgettext), then fill in
# the Spanish in the .po; tests/test_i18n.py fails while an entry is missing, empty or fuzzy.
messages: install
	$(BIN)/python manage.py makemessages -l es --no-obsolete $(MAKEMESSAGES_IGNORE)
	$(BIN)/python -m advocacy.catalogs

var:
	mkdir -p var/celery/queue var/celery/processed var/celery/control var/cache

run: install var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

worker: install var
	$(BIN)/celery -A advocacy worker --loglevel=INFO

beat: install var
	$(BIN)/celery -A advocacy beat --loglevel=INFO

# With DATABASE_URL set (PostgreSQL, as in CI) and no PYTEST_ARGS, the whole suite is followed by
# `make test-sqlite`: the tallies' SQL has a PostgreSQL path and a SQLite path, and both must run.
test: install-dev
	DJANGO_SETTINGS_MODULE=advocacy.settings.test $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ] && [ -z "$(PYTEST_ARGS)" ]; then $(MAKE) --no-print-directory test-sqlite; fi

# The SQLite half alone (make run's database); tests that need PostgreSQL, Redis or Chromium are left out.
SQLITE_TESTS ?= tests/tallies tests/campaigns tests/targetlists tests/reminders tests/rally tests/test_sqlite.py
test-sqlite: install-dev
	env -u DATABASE_URL -u REDIS_URL DJANGO_SETTINGS_MODULE=advocacy.settings.test \
		$(BIN)/pytest $(SQLITE_TESTS) -m "not postgres and not redis and not browser" $(PYTEST_ARGS)

# No product function over cyclomatic complexity 20 (radon's grade C or better). --ignore names
# directories xenon never enters, at any depth; --exclude patterns match paths from the top.
# tests/test_lint_complexity.py reads this line and runs the same check.
COMPLEXITY_ARGS := --max-absolute C --ignore ".venv,node_modules,migrations" --exclude "tests/*,bench/*,clients/*,var/*" .

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/xenon $(COMPLEXITY_ARGS)

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

reset-local-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	rm -rf var/celery var/cache
