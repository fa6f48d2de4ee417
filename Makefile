# ankle-course: two commands for a fresh machine with Python 3.11 and make.
#   make lab   - create .venv, install the course, open it in JupyterLab
#   make test  - create .venv with the test extras, install system packages, run every check

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: lab test check lint typecheck pytest venv-deps system-deps node-version hub-deps browser-deps bench clean help

help:
	@echo "make lab    - open the course in JupyterLab (sets everything up first)"
	@echo "make test   - set up and run lint, type checks and the full test suite"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(BIN)/python: | venv-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed-lab

lab: $(VENV)/.installed-lab
	$(BIN)/ankle-course lab

# `python -m venv` needs ensurepip, which Debian ships in python3-venv.
venv-deps:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "Installing Debian package python3-venv"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv; }

# Debian packages the suite drives for real: Chromium (browser tests) and PostgreSQL
# (gradebook tests). Installed with apt-get when missing (sudo when not root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# configurable-http-proxy for the JupyterHub tests (pinned in deploy/hub/package-lock.json)
CHP := deploy/hub/node_modules/.bin/configurable-http-proxy
hub-deps: system-deps node-version $(CHP)

# configurable-http-proxy 5 needs Node.js 20 or newer (Debian 12's own nodejs is 18).
node-version:
	@major=$$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); \
	if [ "$$major" -lt 20 ]; then \
	  echo "Node.js $$major found; the JupyterHub tests need Node.js >= 20 for configurable-http-proxy."; \
	  echo "Install Node.js 20 (e.g. the nodejs package from NodeSource), then run make test again."; \
	  exit 1; \
	fi

$(CHP): deploy/hub/package.json deploy/hub/package-lock.json
	npm ci --prefix deploy/hub --no-audit --no-fund
	@touch $@

# axe-core and @guidepup/virtual-screen-reader (pinned in tests/browser/package-lock.json)
# for the accessibility audit and the screen-reader journeys
AXE := tests/browser/node_modules/axe-core/axe.min.js
browser-deps: system-deps $(AXE)
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy course

pytest: $(VENV)/.installed-test system-deps hub-deps browser-deps
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(VENV)/.installed-test system-deps hub-deps browser-deps
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache .pytest_cache artifacts
