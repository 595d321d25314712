# Two commands on a fresh machine with only Python >= 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz-thorough install install-test migrate content demo-accounts bench bench-documents reliability lint check format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The official Västerbotten content, plus example follow-ups and an example survey, each labelled as an example,
# and their PDFs made before the first visitor asks (they print SITE_URL: the address `make run` serves).
content run bench-documents: export SITE_URL ?= http://$(HOST):$(PORT)
content: migrate
	$(BIN)/python manage.py load_content --with-examples
	$(BIN)/python manage.py load_example_survey
	$(BIN)/python manage.py render_documents

# Demo-only accounts with public passwords (README); the command refuses to run with DEBUG off.
demo-accounts: content
	$(BIN)/python manage.py create_demo_accounts

run: demo-accounts
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# One pytest worker per core (pytest-xdist); PYTEST_WORKERS=0 runs everything in this process (for pdb). A worker
# that runs out of tests takes some from the other's queue (worksteal), so the suite never ends on one busy core.
PYTEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The fuzz tests (tests/portal/test_fuzz_*.py) with the thorough hypothesis profile (tests/fuzzing.py): 25 times
# their examples, every phase, a failure shrunk to its smallest input. In one process, for a long run by hand or at
# night (docs/reliability.md has how long it takes); PYTEST_ARGS as for `make test`, e.g. "-k forms".
fuzz-thorough: install-test
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -p no:xdist tests/portal/test_fuzz_public_urls.py tests/portal/test_fuzz_public_forms.py $(PYTEST_ARGS)

# Every figure of issue 17 (cached pages under load, every page for one visitor, first PDF, survey posts, stampede,
# Redis bound) on SQLite and PostgreSQL with the synthetic nation, beside the TechEmpower Fortunes app and plaintext
# (bench/fortunes/) measured in the same run; writes docs/performance.md (bench/run.py; installs wrk with apt).
# A trial: make bench BENCH_ARGS="--databases sqlite --quick"; all options: .venv/bin/python bench/run.py --help
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A load test and a fault test (PostgreSQL stopped under load) with Locust, on a PostgreSQL cluster of its own;
# writes docs/reliability.md (bench/reliability.py; needs PostgreSQL's server programs and Redis).
reliability: $(VENV)/.installed-load
	$(BIN)/python bench/reliability.py

$(VENV)/.installed-load: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[load]"
	touch $@

# First and repeated PDF requests on the Västerbotten content; writes docs/performance.md.
bench-documents: content
	$(BIN)/python -m bench documents

# English: collect new and changed strings into locale/en and compile the .mo (committed). Never for sv: see the
# header of locale/en/LC_MESSAGES/django.po. Then translate what is new; tests/portal/test_languages.py fails
# while any entry is untranslated or fuzzy.
messages: install
	$(BIN)/python manage.py makemessages -l en --add-location=file --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Fails when a model changed without its migration; writes nothing.
check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info
