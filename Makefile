# Djoliba: `make run` serves the app on http://127.0.0.1:5000, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
MO_FILES := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-sqlite test-postgres install translations bench bench-full

install: $(BIN)/.installed $(MO_FILES) node_modules/.package-lock.json

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# bpmn-js for the modeler page comes from npm; node_modules is not in the repository.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

web/translations/%/LC_MESSAGES/messages.mo: web/translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o web/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching

# The scheduler (timers, reminders, escalations, the outbox) runs beside the web server and stops with it; the demo's
# SMS and e-mails go through the simulation (recorded, nothing sent) unless a gateway is configured.
run: install
	$(BIN)/djoliba init --demo
	@echo "Djoliba: http://127.0.0.1:5000"
	DJOLIBA_NOTIFY_SIMULATE=$${DJOLIBA_NOTIFY_SIMULATE:-1} $(BIN)/djoliba scheduler & scheduler=$$!; \
		trap 'kill $$scheduler' EXIT INT TERM; \
		$(BIN)/djoliba serve --port 5000

# Both databases at once, one per core; each log is printed whole once both are done.
test: install
	@$(MAKE) --no-print-directory test-sqlite > .test-sqlite.log 2>&1 & sqlite=$$!; \
	$(MAKE) --no-print-directory test-postgres > .test-postgres.log 2>&1; postgres=$$?; \
	wait $$sqlite; sqlite=$$?; \
	echo "== SQLite"; cat .test-sqlite.log; echo "== PostgreSQL"; cat .test-postgres.log; \
	test $$sqlite -eq 0 -a $$postgres -eq 0

# A full run also fails when a branch of a bundled diagram's gateway is taken by no test (tests/branches.py).
test-sqlite: install
	env -u DATABASE_URL DJOLIBA_CHECK_BRANCHES=1 $(BIN)/python -m pytest -q

# Runs when PostgreSQL answers; with REQUIRE_POSTGRES=1 (CI) a missing server is a failure.
test-postgres: install
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect('$(POSTGRES_URL)'.replace('+psycopg', ''), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(POSTGRES_URL) DJOLIBA_CHECK_BRANCHES=1 $(BIN)/python -m pytest -q; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL is required but not reachable at $(POSTGRES_URL)"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(POSTGRES_URL): PostgreSQL run skipped"; \
	fi

bench: install
	POSTGRES_URL=$(POSTGRES_URL) $(BIN)/python bench/run.py

bench-full: install
	POSTGRES_URL=$(POSTGRES_URL) $(BIN)/python bench/run.py --full
