"""The app's parts are one typed object (api/state.py) handed out by dependencies (api/deps.py): a
test swaps one part with `app.dependency_overrides`, or runs one router without the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import deps, problems
from api.app import create_app
from api.routes import bodies, meta
from api.state import Services, services_of
from graph_build.store import EmbeddedStore
from tests.fixtures import GOOD_DATA, build_store

JSONLD = {"accept": "application/ld+json"}


@pytest.fixture(scope="module")
def other_store(tmp_path_factory) -> EmbeddedStore:
    """tests/data/good built into a store of its own: another build, other bodies."""
    folder = tmp_path_factory.mktemp("other") / "store"
    build_store(GOOD_DATA, folder)
    return EmbeddedStore(folder)


def test_the_app_keeps_one_typed_object_of_services(api_settings):
    app = create_app(api_settings)
    assert set(vars(app.state)["_state"]) == {"services"}
    services = services_of(app)
    assert isinstance(services, Services) and services.settings is api_settings
    assert services.pool is None  # started by the lifespan
    with TestClient(app):
        assert services.query_pool is services.pool is not None
    assert services.pool is None  # and closed with it


def test_a_test_swaps_the_store_with_dependency_overrides(api_settings, other_store: EmbeddedStore):
    app = create_app(api_settings)
    served = services_of(app).store.build_info()
    other = other_store.build_info()
    assert served is not None and other is not None and served.build_id != other.build_id
    app.dependency_overrides[deps.get_store] = lambda: other_store
    with TestClient(app) as client:
        assert client.get("/status").json()["build_id"] == other.build_id
        body = client.get("/bodies/testshire-csp", headers=JSONLD)
        assert body.status_code == 200 and other.build_id in body.headers["etag"]
        page = client.get("/bodies/testshire-csp", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Testshire" in page.text  # the page reads the same store
        assert client.get("/bodies/plymouth-csp", headers=JSONLD).status_code == 404
        app.dependency_overrides.clear()
        assert client.get("/status").json()["build_id"] == served.build_id
        assert client.get("/bodies/testshire-csp", headers=JSONLD).status_code == 404


def test_one_router_runs_without_the_rest_of_the_app(api_settings):
    """The bodies' routes with their dependencies and problems, and no app made by create_app."""
    app = FastAPI()
    problems.install(app)
    app.include_router(bodies.router)
    app.include_router(meta.router)
    services = Services.from_settings(api_settings)
    app.dependency_overrides[deps.get_services] = lambda: services
    with TestClient(app) as client:
        body = client.get("/bodies/plymouth-csp", headers=JSONLD)
        assert body.status_code == 200 and "Plymouth" in body.text
        assert services.views.misses == 1  # kept in the services given, not elsewhere
        assert client.get("/bodies/plymouth-csp", headers=JSONLD).json() == body.json()
        assert services.views.hits == 1
        missing = client.get("/bodies/no-such-body", headers=JSONLD)
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_a_store_without_a_build_answers_503_for_every_view(api_settings, tmp_path: Path):
    app = create_app(api_settings)
    app.dependency_overrides[deps.get_store] = lambda: EmbeddedStore(tmp_path / "empty")
    with TestClient(app) as client:
        for path in ("/status", "/bodies", "/bodies/plymouth-csp", "/people"):
            answer = client.get(path, headers=JSONLD)
            assert answer.status_code == 503, path
            assert answer.json()["type"].endswith("store-unavailable"), path


def test_view_builders_are_made_on_the_apps_event_loop(api_settings):
    services = Services.from_settings(api_settings)
    assert services._view_builders is None  # none made outside an event loop
    app = FastAPI()
    app.include_router(bodies.router)
    app.include_router(meta.router)  # views link the JSON-LD context
    app.dependency_overrides[deps.get_services] = lambda: services
    with TestClient(app) as client:
        assert client.get("/bodies", headers=JSONLD).status_code == 200
        assert services.view_builders.total_tokens >= 2
