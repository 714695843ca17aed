# The two commands of the README: `make serve` (build the graph and serve it) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test install test-deps browser allocator build bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## build the graph into the embedded store and serve the API and pages on http://127.0.0.1:8000
serve: install allocator
	$(BIN)/cspkg serve

build: install
	$(BIN)/cspkg build

## install everything the tests need (Python packages, Chromium, jemalloc, the Oxigraph server) and run them
test: install browser allocator
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Debian packages, installed as root or through sudo
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot fetch its own).
browser:
	@if [ ! -x /usr/bin/chromium ]; then ( $(APT_INSTALL) chromium chromium-driver >/dev/null ); fi

# Debian's jemalloc: the processes that evaluate queries preload it (api/allocator.py); without it
# they use glibc's malloc and engine-bound queries take ~10 % more CPU.
allocator:
	@if ! /sbin/ldconfig -p | grep -q 'libjemalloc.so.2 '; then \
		( $(APT_INSTALL) libjemalloc2 >/dev/null ) || echo "libjemalloc2 not installed: queries use glibc's malloc"; \
	fi

bench: install allocator
	$(BIN)/python benchmarks/build_bench.py

clean:
	rm -rf var .pytest_cache
