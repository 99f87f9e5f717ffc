# The two commands of the README: `make run` and `make test`. `make bench` comes later.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint messages stop-db clean

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

test: install
	$(PY) -m pytest

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
