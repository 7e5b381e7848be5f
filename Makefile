# Two entry points for newcomers: `make run` (demo night end to end) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench ui dashboard bench-dashboard clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

# The dashboard's browser test runs Debian's chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update && sudo apt-get install -y chromium; \
	else echo "$(CHROMIUM) is missing: install Debian's chromium package as root (apt-get install chromium)"; exit 1; fi

setup: $(STAMP) $(CHROMIUM)

run: $(STAMP)
	$(BIN)/support-warehouse demo

# The SQL lint is one of the tests (tests/test_sql_style.py), so it runs beside the others.
test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	SW_WAREHOUSE_PATH=:memory: $(BIN)/sqlfluff lint models analyses

bench: $(STAMP)
	$(BIN)/support-warehouse bench --tickets $${TICKETS:-1000000} --repeat $${REPEAT:-1}

ui: $(STAMP)
	$(BIN)/support-warehouse ui

dashboard: $(STAMP)
	$(BIN)/support-warehouse dashboard

bench-dashboard: $(STAMP)
	$(BIN)/support-warehouse bench-dashboard

clean:
	rm -rf target logs data
