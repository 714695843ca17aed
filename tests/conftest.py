"""Shared fixtures. Add yours; never remove others'."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


# -- no store named by the environment --------------------------------------------------------
def store_variables() -> list[str]:
    """The CSPKG_STORE* variables set in this process (a remote store, its URLs, credentials ...)."""
    return [name for name in os.environ if name.startswith("CSPKG_STORE")]


@pytest.fixture(scope="session", autouse=True)
def no_store_from_the_environment():
    """Every test, fixture and server it starts reads the stores the test names, never one that
    CSPKG_STORE* in the caller's environment names (settings fill what they are not given from it)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in store_variables():
            patch.delenv(name)
        yield


# -- the build: fixture data folders, a CLI runner, a built store ---------------------------
# (tests/test_build_*.py, tests/test_cli.py, tests/test_facts_*.py, tests/test_ontology.py)

DATA_FIXTURES = Path(__file__).resolve().parent / "data_fixtures"
GOOD_MINUTES = "testshire-csp-board-2020-03.yaml"


@pytest.fixture
def good_data(tmp_path: Path) -> Path:
    """A private copy of tests/data_fixtures/good (a register and one set of minutes) to change."""
    dest = tmp_path / "data"
    shutil.copytree(DATA_FIXTURES / "good", dest)
    return dest


@pytest.fixture
def good_minutes(good_data: Path) -> Path:
    """The fixture's minutes file (in the private copy)."""
    return good_data / "minutes" / GOOD_MINUTES


@pytest.fixture
def cspkg(monkeypatch, tmp_path: Path) -> Callable:
    """Run the `cspkg` command in-process: cspkg("build", "--data", ...) → click Result.

    The embedded store, the default base URI and a private cache folder, whatever CSPKG_* the
    environment has."""
    from graph_build.cli import app
    from graph_build.config import get_settings

    for name in (*store_variables(), "CSPKG_DATA_DIR", "CSPKG_ONTOLOGY_DIR", "CSPKG_SHAPES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSPKG_BASE_URI", "https://w3id.org/cspkg/")
    monkeypatch.setenv("CSPKG_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def run(*args: str | Path, input: str | None = None):
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
def good_build(cspkg, good_data: Path, store_dir: Path):
    """The good fixture data built into a fresh store folder; returns its BuildInfo."""
    from graph_build.store import EmbeddedStore

    result = cspkg("build", "--quiet", "--data", good_data, "--store", store_dir)
    assert result.exit_code == 0, result.output
    return EmbeddedStore(store_dir).build_info()


# -- the API: tests/fixtures/data built once, the app in-process, and a live uvicorn -----------
# (tests/test_api_*.py)

API_DATA = Path(__file__).resolve().parent / "fixtures" / "data"


def api_settings_for(store_dir: Path, data_dir: Path = API_DATA, **overrides):
    """Settings for an API test: explicit values, so CSPKG_* in the environment cannot interfere."""
    from graph_build.config import Settings

    values = dict(
        data_dir=data_dir,
        store_dir=store_dir,
        base_uri="https://w3id.org/cspkg/",
        workers=2,
        query_timeout_s=3.0,
        result_limit=50,
        store=None,
        prepare_views=False,
    )
    values.update(overrides)
    return Settings(**values)


def build_store(data_dir: Path, store_dir: Path):
    """Build a data folder into a store folder (the real pipeline); returns the BuildInfo."""
    from graph_build import pipeline
    from graph_build.store import EmbeddedStore

    return pipeline.build(api_settings_for(store_dir, data_dir), EmbeddedStore(store_dir))


@pytest.fixture(scope="session")
def api_store(tmp_path_factory) -> Path:
    """tests/fixtures/data built into a store folder shared by the API tests (read-only)."""
    store_dir = tmp_path_factory.mktemp("api") / "store"
    build_store(API_DATA, store_dir)
    return store_dir


@pytest.fixture(scope="session")
def api_settings(api_store: Path):
    return api_settings_for(api_store)


@pytest.fixture(scope="session")
def api_client(api_settings):
    """The app in-process (FastAPI TestClient), with its query worker pool started."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(api_settings)) as client:
        yield client


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api_server(settings, *, workers: int = 1, timeout_s: float = 60.0):
    """Run `python -m api.server` (uvicorn; `workers` HTTP processes) on a free loopback port;
    returns (process, base URL)."""
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    inherited = {name: value for name, value in os.environ.items() if name not in store_variables()}
    env = {
        **inherited,
        "CSPKG_STORE_DIR": str(settings.store_dir),
        "CSPKG_DATA_DIR": str(settings.data_dir),
        "CSPKG_BASE_URI": settings.base_uri,
        "CSPKG_WORKERS": str(settings.workers),
        "CSPKG_QUERY_TIMEOUT_S": str(settings.query_timeout_s),
        "CSPKG_RESULT_LIMIT": str(settings.result_limit),
        "CSPKG_PREPARE_VIEWS": str(settings.prepare_views).lower(),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http-workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        try:
            if httpx.get(base + "/status", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("uvicorn did not start")


def stop_api_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except Exception:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="session")
def live_api(api_settings):
    """The API served by a real uvicorn on a free loopback port; yields its base URL."""
    proc, base = start_api_server(api_settings)
    try:
        yield base
    finally:
        stop_api_server(proc)


# -- the national layer: real reference data and registers, with a test set of minutes ---------
# (tests/test_reference*.py, tests/test_statutory*.py, tests/test_example_queries.py)

NATIONAL_MINUTES = DATA_FIXTURES / "national" / "minutes"


def national_data_copy(dest: Path) -> Path:
    """data/reference and data/registers (real) with the national fixture's minutes, in `dest`."""
    shutil.copytree(ROOT / "data" / "reference", dest / "reference")
    shutil.copytree(ROOT / "data" / "registers", dest / "registers")
    shutil.copytree(NATIONAL_MINUTES, dest / "minutes")
    for path in dest.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


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
