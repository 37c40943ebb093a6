# Jiceng: `make run` serves the site and the task worker; `make test` runs ruff and the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=

.PHONY: run test install install-dev lint migrate demo bench browser clean help

help:
	@echo "make run     install, migrate, load the demo if empty, serve on http://$${HOST:-127.0.0.1}:$${PORT:-8000}"
	@echo "make test    ruff + the whole pytest suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make bench   the benchmarks under bench/ (not part of make test)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	@bin/run

test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

migrate: install
	$(PY) manage.py migrate

demo: install
	$(PY) manage.py load_demo --if-empty

bench: install-dev
	$(PY) bench/run_all.py

# Debian's chromium for the browser tests (CI calls this; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

clean:
	rm -rf $(VENV) var/static
