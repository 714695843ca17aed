# The two commands of the README: `make serve` (build the graph and serve it) and `make test`.
# `make help` lists the targets: a target's `## ` comment is its line there.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help serve test check lint types fast-tests install test-deps browser allocator sandbox virtuoso build bench clean

## list the targets and what each does
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z][a-z-]*:/{if(doc!=""){sub(/:.*/,"",$$1); printf "  make %-11s %s\n",$$1,doc}; doc=""; next} {doc=""}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

## create .venv and install the package with its test tools
install: $(STAMP)

## build the graph into the embedded store and serve the API and pages on http://127.0.0.1:8000
serve: install allocator sandbox
	$(BIN)/cspkg serve

## build the graph into the embedded store (cspkg build)
build: install
	$(BIN)/cspkg build

## install everything the tests need (Python packages, Chromium, jemalloc, the Oxigraph and Virtuoso servers) and run them
test: install browser allocator sandbox virtuoso
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## lint, types and the fast tests (no browser, no external server) in parallel: about a minute
check: install sandbox
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint types fast-tests

## ruff: formatting and lint
lint: install
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check --quiet .

## mypy over the packages and the tests
types: install
	$(BIN)/mypy

## the fast tier: no browser, no external server, no `slow` case, on every core (pytest-xdist)
# --dist loadfile: a module's tests on one worker, so its module fixtures (a built store, a server)
# are made once; no schemathesis plugin: only the slow fuzz tests use it.
fast-tests: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -p no:schemathesis -n auto --dist loadfile -m "not browser and not remote and not package and not slow" $(PYTEST_ARGS)

# Debian packages, installed as root or through sudo
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot fetch its own).
## Debian's Chromium for the browser tests (apt-get, once)
browser:
	@if [ ! -x /usr/bin/chromium ]; then ( $(APT_INSTALL) chromium chromium-driver >/dev/null ); fi

# Debian's jemalloc: the processes that evaluate queries preload it (api/allocator.py); without it
# they use glibc's malloc and engine-bound queries take ~10 % more CPU.
## Debian's jemalloc for the query processes (apt-get, once)
allocator:
	@if ! /sbin/ldconfig -p | grep -q 'libjemalloc.so.2 '; then \
		( $(APT_INSTALL) libjemalloc2 >/dev/null ) || echo "libjemalloc2 not installed: queries use glibc's malloc"; \
	fi

# Debian's libseccomp: query workers use it to refuse themselves network sockets (api/sandbox.py).
## Debian's libseccomp for the query workers' network ban (apt-get, once)
sandbox:
	@if ! /sbin/ldconfig -p | grep -q 'libseccomp.so.2 '; then ( $(APT_INSTALL) libseccomp2 >/dev/null ); fi

# Debian's Virtuoso open source: the second real engine the remote store is tested on
# (tests/test_remote_virtuoso.py starts its own on free ports; the system service is not used).
## Debian's Virtuoso open source for the remote store tests (apt-get, once)
virtuoso:
	@if ! command -v virtuoso-t >/dev/null; then ( $(APT_INSTALL) virtuoso-opensource >/dev/null ); fi

## the build benchmark (benchmarks/build_bench.py)
bench: install allocator
	$(BIN)/python benchmarks/build_bench.py

## remove local state (var/) and pytest's cache
clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
