"""Shared pytest fixtures. Add yours; never remove others'. Plain helpers (paths, settings, servers)
live in tests/fixtures.py: import them from there, not from this file."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner, Result

from tests.fixtures import (
    API_DATA,
    CHROMIUM,
    CHROMIUM_ARGS,
    GOOD_DATA,
    GOOD_MINUTES,
    ROOT,
    Cli,
    api_settings_for,
    build_store,
    national_data_copy,
    runs_slow_tests,
    spread,
    start_api_server,
    stop_api_server,
    store_variables,
)

if TYPE_CHECKING:
    from graph_build.config import Settings
    from graph_build.store import BuildInfo


# -- the tiers: `make check` runs -m "not slow ...", `make test` everything -------------------------
# Modules whose every test is `slow` and whose import alone costs seconds (the OpenAPI fuzz tests
# make a test per operation when collected): a run that leaves `slow` out does not import them.
SLOW_MODULES = {"test_api_openapi_fuzz.py"}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in SLOW_MODULES and not runs_slow_tests(config):
        return True
    return None


@pytest.fixture(scope="session")
def sample(request: pytest.FixtureRequest) -> Callable[[Iterable[Any], int], list[Any]]:
    """sample(items, keep): for a test that loops over many cases, all of them in the whole
    suite, an evenly spread `keep` of them in the fast tier (the same ones every run)."""
    whole = runs_slow_tests(request.config)

    def pick(items: Iterable[Any], keep: int) -> list[Any]:
        cases = list(items)
        return cases if whole else [cases[i] for i in spread(len(cases), keep)]

    return pick


# -- no store named by the environment --------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def no_store_from_the_environment() -> Iterator[None]:
    """Every test, fixture and server it starts reads the stores the test names, never one that
    CSPKG_STORE* in the caller's environment names (settings fill what they are not given from it)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in store_variables():
            patch.delenv(name)
        yield


# -- the build: fixture data folders, a CLI runner, a built store ---------------------------
# (tests/test_build_*.py, tests/test_cli.py, tests/test_facts_*.py, tests/test_ontology.py)


@pytest.fixture
def good_data(tmp_path: Path) -> Path:
    """A private copy of tests/data/good (a register and one set of minutes) to change."""
    dest = tmp_path / "data"
    shutil.copytree(GOOD_DATA, dest)
    return dest


@pytest.fixture
def good_minutes(good_data: Path) -> Path:
    """The fixture's minutes file (in the private copy)."""
    return good_data / "minutes" / GOOD_MINUTES


@pytest.fixture
def cspkg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """Run the `cspkg` command in-process: cspkg("build", "--data", ...) → click Result.

    The embedded store, the default base URI and a private cache folder, whatever CSPKG_* the
    environment has."""
    from graph_build import cli
    from graph_build.cli import app
    from graph_build.config import get_settings

    for console in (cli.out, cli.err):
        # measure the terminal (COLUMNS) when printing, as in a shell: rich fixes the width at import
        # when COLUMNS is set then, as it is in pytest-xdist's workers
        monkeypatch.setattr(console, "_width", None)
    for name in (*store_variables(), "CSPKG_DATA_DIR", "CSPKG_ONTOLOGY_DIR", "CSPKG_SHAPES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSPKG_BASE_URI", "https://w3id.org/cspkg/")
    monkeypatch.setenv("CSPKG_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def run(*args: str | Path, input: str | None = None) -> Result:
        get_settings.cache_clear()  # read CSPKG_* as the test (maybe monkeypatch) left them
        try:
            return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
        finally:
            get_settings.cache_clear()

    return run


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def good_build(cspkg: Cli, good_data: Path, store_dir: Path) -> BuildInfo:
    """The good fixture data built into a fresh store folder; returns its BuildInfo."""
    from graph_build.store import EmbeddedStore

    result = cspkg("build", "--quiet", "--data", good_data, "--store", store_dir)
    assert result.exit_code == 0, result.output
    info = EmbeddedStore(store_dir).build_info()
    assert info is not None
    return info


# -- the API: tests/data/api built once, the app in-process, and a live uvicorn ----------------
# (tests/test_api_*.py)


@pytest.fixture(scope="session")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/api built into a store folder shared by the API tests (read-only)."""
    store_dir = tmp_path_factory.mktemp("api") / "store"
    build_store(API_DATA, store_dir)
    return store_dir


@pytest.fixture(scope="session")
def api_settings(api_store: Path) -> Settings:
    return api_settings_for(api_store)


@pytest.fixture(scope="session")
def api_client(api_settings):
    """The app in-process (FastAPI TestClient), with its query worker pool started."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(api_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def live_api(api_settings: Settings) -> Iterator[str]:
    """The API served by a real uvicorn on a free loopback port; yields its base URL."""
    proc, base = start_api_server(api_settings)
    try:
        yield base
    finally:
        stop_api_server(proc)


# -- the national layer: real reference data and registers, with a test set of minutes ---------
# (tests/test_reference*.py, tests/test_statutory*.py, tests/test_example_queries.py)


@pytest.fixture(scope="session")
def national_build(tmp_path_factory):
    """The national data built once into a store: (data folder, store folder, BuildInfo).
    Tests must not change either; copy the data (national_data_copy) to break it."""
    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.store import EmbeddedStore

    base = tmp_path_factory.mktemp("national")
    data = national_data_copy(base / "data")
    store = base / "store"
    info = pipeline.build(Settings(data_dir=data, store_dir=store, workers=2), EmbeddedStore(store))
    return data, store, info


# -- the browser: Debian's Chromium through Playwright (tests marked `browser`) ------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- drafting: the national layer as the gazetteer (tests/test_draft*.py) --------------------------
@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the real national layer (reference data and registers) and no minutes."""
    data = tmp_path_factory.mktemp("national") / "data"
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    shutil.copytree(ROOT / "data" / "registers", data / "registers")
    (data / "minutes").mkdir()
    return data
