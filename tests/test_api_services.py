"""The app's parts are one typed object (api/state.py) handed out by dependencies (api/deps.py): a
test swaps one part with `app.dependency_overrides`, or runs one router without the rest."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import deps, problems
from api.app import create_app
from api.routes import bodies, meta
from api.state import Services, services_of
from graph_build.config import Settings
from graph_build.store import EmbeddedStore, RemoteStore
from graph_build.store.base import GraphStore
from tests.fixtures import GOOD_DATA, api_settings_for, build_store

JSONLD = {"accept": "application/ld+json"}
RESULTS = {"accept": "application/sparql-results+json"}
# Only the other store (tests/data/good) holds Testshire's partnership.
ASK_TESTSHIRE = "ASK { <https://w3id.org/cspkg/id/body/testshire-csp> ?p ?o }"


@pytest.fixture(scope="module")
def other_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
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


def test_a_test_swaps_the_store_with_dependency_overrides(
    api_settings: Settings, other_store: EmbeddedStore
) -> None:
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


def test_a_store_without_a_build_answers_503_for_every_view(api_settings: Settings, tmp_path: Path) -> None:
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


def test_one_swapped_store_reaches_sparql_kept_answers_views_and_pages(api_settings, other_store):
    """The short paths that answer before routing (/sparql, kept answers and views) take the
    store from the same dependencies as the routes: one override reaches every path."""
    app = create_app(api_settings)
    services = services_of(app)
    other = other_store.build_info()
    assert other is not None
    app.dependency_overrides[deps.get_store] = lambda: other_store
    with TestClient(app) as client:
        asked = client.get("/sparql", params={"query": ASK_TESTSHIRE}, headers=RESULTS)
        assert asked.json() == {"head": {}, "boolean": True} and other.build_id in asked.headers["etag"]
        posted = client.post("/sparql", data={"query": ASK_TESTSHIRE}, headers=RESULTS)
        assert posted.json()["boolean"] is True
        hits = services.answers.hits
        again = client.get("/sparql", params={"query": ASK_TESTSHIRE}, headers=RESULTS)
        assert again.content == asked.content and services.answers.hits > hits  # the kept answer
        described = client.get("/sparql", headers={"accept": "text/turtle"})
        assert other.build_id in described.headers["etag"]
        view = client.get("/bodies/testshire-csp", headers=JSONLD)
        assert view.status_code == 200 and other.build_id in view.headers["etag"]
        hits = services.views.hits
        assert client.get("/bodies/testshire-csp", headers=JSONLD).content == view.content
        assert services.views.hits > hits  # the kept view, answered before routing
        page = client.get("/bodies/testshire-csp", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Testshire" in page.text
        editor = client.get("/sparql", headers={"accept": "text/html"})
        assert f'data-id-base="{api_settings.id_base}"' in editor.text  # from the services, not app.state
        app.dependency_overrides.clear()
        served = client.get("/sparql", params={"query": ASK_TESTSHIRE}, headers=RESULTS)
        assert served.json()["boolean"] is False  # the app's own store, and not the other's kept answer
        assert client.get("/bodies/testshire-csp", headers=JSONLD).status_code == 404


def test_an_override_with_dependencies_of_its_own_is_resolved_by_routing(api_settings, other_store):
    """The short paths resolve plain overrides themselves; one that needs parameters sends the
    request through routing, where FastAPI resolves it: the answer is the same."""

    async def swap(services: deps.ServicesDep) -> GraphStore:
        assert isinstance(services, Services)
        return other_store

    app = create_app(api_settings)
    app.dependency_overrides[deps.get_store] = swap
    with TestClient(app) as client:
        for _ in range(2):  # the second is kept, and still reaches the other store
            asked = client.get("/sparql", params={"query": ASK_TESTSHIRE}, headers=RESULTS)
            assert asked.status_code == 200 and asked.json()["boolean"] is True
            assert client.get("/bodies/testshire-csp", headers=JSONLD).status_code == 200


@pytest.fixture
def silent_store(tmp_path: Path) -> Iterator[RemoteStore]:
    """A SPARQL server that accepts connections and never answers (hung, or overloaded)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        yield RemoteStore.from_settings(api_settings_for(tmp_path / "unused", store=url, store_timeout_s=0.5))


def test_a_store_past_its_time_limit_is_503_on_sparql_whichever_path_answers(api_settings, silent_store):
    """/sparql's time limits are all 503, on its short path (GET, HEAD, POST) and through routing
    alike; the views answer a store's timeout 504."""

    async def routed(services: deps.ServicesDep) -> GraphStore:  # only routing resolves this one
        return silent_store

    app = create_app(api_settings)
    answers: dict[str, httpx.Response] = {}
    with TestClient(app) as client:
        for name, swap in (("short path", lambda: silent_store), ("routing", routed)):
            app.dependency_overrides[deps.get_store] = swap
            answers[f"GET, {name}"] = client.get("/sparql", params={"query": "ASK {}"}, headers=RESULTS)
            answers[f"HEAD, {name}"] = client.head("/sparql", params={"query": "ASK {}"}, headers=RESULTS)
            answers[f"POST, {name}"] = client.post("/sparql", data={"query": "ASK {}"}, headers=RESULTS)
            answers[f"description, {name}"] = client.get("/sparql", headers={"accept": "text/turtle"})
            view = client.get("/bodies", headers=JSONLD)
            assert view.status_code == 504 and view.json()["type"].endswith("/store-timeout"), name
    for name, answer in answers.items():
        assert answer.status_code == 503, name
        assert answer.headers["content-type"] == "application/problem+json", name
        assert answer.headers["retry-after"] == "30", name
        if answer.request.method != "HEAD":
            assert answer.json()["type"].endswith("/store-unavailable"), name
