# The commands of the README: `make run`, `make test` and `make bench` (docs/PERFORMANCE.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint messages stop-db clean bench load faults

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) -m config.devrun

# A run that had to start the embedded PostgreSQL (no DATABASE_URL, server not already up for
# `make run`) stops it again at the end, keeping pytest's exit status.
test: install
	@if [ -f var/pgdata/postmaster.pid ]; then $(PY) -m pytest; \
	else $(PY) -m pytest; status=$$?; $(PY) -m config.embedded_db stop; exit $$status; fi

# Seeds kam_bench_small and kam_bench_large on the PostgreSQL of BENCH_PG (default the local
# server, user postgres), serves them with gunicorn on loopback and measures; see docs/PERFORMANCE.md.
bench: install
	$(PY) -m bench.run

# 20 logged-in users for 5 minutes on kam_bench_large (seeded if missing); zero errors or it fails.
load: install
	$(PY) -m bench.load

# Redis stopped, PostgreSQL restarted, a worker SIGKILLed, two beats, a short visibility timeout:
# private Redis on 6390 and a private PostgreSQL cluster on 5499 (docs/RELIABILITY.md).
faults: install
	$(PY) -m bench.faults

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Refresh the catalogs after changing strings; needs GNU gettext (apt-get install gettext).
messages: install
	$(PY) manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

stop-db:
	$(PY) -m config.embedded_db stop

clean: stop-db
	rm -rf $(VENV) var
