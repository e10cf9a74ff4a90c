# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Install, migrate, load the catalogue and the demo organisation, print the logins, serve on :8000.
run: install
	$(BIN)/openisms demo

## Install what the tests need, lint, then run the whole suite (SQLite, or DATABASE_URL).
test: install-test browser
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/pytest

## Debian's chromium for the Playwright tests (never `playwright install`), and LibreOffice
## (headless Writer and Calc) so the tests can prove exported DOCX/XLSX files open and convert.
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
browser:
	@{ test -x /usr/bin/chromium && test -x /usr/bin/soffice && test -x /usr/bin/pdftotext; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else sudo apt-get install -y -qq $(SYSTEM_PACKAGES); fi; }

lint:
	$(BIN)/ruff check src tests $(wildcard benchmarks)

format:
	$(BIN)/ruff format src tests $(wildcard benchmarks)
	$(BIN)/ruff check --fix src tests $(wildcard benchmarks)

clean:
	rm -rf $(VENV) var build src/*.egg-info
