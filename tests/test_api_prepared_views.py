"""Body views built ahead after start and after each new build (api/warm.py)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.server import with_public_url
from api.state import services_of
from tests.fixtures import API_DATA, api_settings_for, build_store, start_api_server, stop_api_server

JSONLD = {"accept": "application/ld+json"}


def wait_prepared(get_status: Callable[[], dict], build_id: str | None = None, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prepared = get_status()["prepared_views"]
        if prepared["done"] and build_id in (None, prepared["build_id"]):
            return prepared
        time.sleep(0.05)
    raise AssertionError(f"body views not prepared in {timeout_s} s: {prepared}")


@pytest.fixture()
def own_store(tmp_path):
    store = tmp_path / "store"
    build_store(API_DATA, store)
    return store


def test_every_body_view_is_built_ahead_and_answered_as_kept(own_store, api_client):
    app = create_app(api_settings_for(own_store, public_url="http://testserver", prepare_views=True))
    with TestClient(app) as client:
        prepared = wait_prepared(lambda: client.get("/status").json())
        bodies = client.get("/bodies", params={"per_page": 500}, headers=JSONLD).json()
        keys = [b["id"].rsplit("/", 1)[-1] for b in bodies["results"]]
        assert prepared["of"] == prepared["prepared"] == bodies["totalItems"] == len(keys) > 5
        views = services_of(app).views
        for key in keys:
            hits, misses = views.hits, views.misses
            answer = client.get(f"/bodies/{key}", headers=JSONLD)
            assert answer.status_code == 200
            assert (views.hits, views.misses) == (hits + 1, misses), key  # kept: nothing built
            # the same document a server that builds on request gives
            assert answer.json() == api_client.get(f"/bodies/{key}", headers=JSONLD).json()


def test_a_new_build_is_prepared_in_its_turn(tmp_path):
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(API_DATA, data)
    build_store(data, store)
    app = create_app(api_settings_for(store, data, public_url="http://testserver", prepare_views=True))
    with TestClient(app) as client:
        first = wait_prepared(lambda: client.get("/status").json())
        minutes = data / "minutes" / "plymouth-csp-board-2015-summer.yaml"
        old, new = "Plymouth Domestic Abuse Partnership Group", "Plymouth Domestic Abuse and Violence Group"
        minutes.write_text(minutes.read_text().replace(f"name: {old}", f"name: {new}"))
        info = build_store(data, store)  # a real change: the same input keeps the served build
        assert info.build_id != first["build_id"]
        again = wait_prepared(lambda: client.get("/status").json(), info.build_id)
        assert again["of"] == first["of"]
        hits = services_of(app).views.hits
        answer = client.get("/bodies/plymouth-csp-dv-group", headers=JSONLD)
        assert answer.status_code == 200 and answer.json()["name"] == new  # the new build's view
        assert services_of(app).views.hits == hits + 1  # kept ahead, not built on request


def test_building_ahead_stops_when_the_view_cache_is_nearly_full(own_store, caplog):
    app = create_app(api_settings_for(own_store, public_url="http://testserver", prepare_views=True))
    services_of(app).views.max_bytes = 12_000  # room for a few body views of the test data
    with TestClient(app) as client, caplog.at_level("WARNING", logger="cspkg.api.warm"):
        prepared = wait_prepared(lambda: client.get("/status").json())
    assert 0 < prepared["prepared"] < prepared["of"]
    assert "view cache is nearly full" in caplog.text


def _some_body(client: TestClient) -> str:
    return (
        client.get("/bodies", params={"per_page": 1}, headers=JSONLD)
        .json()["results"][0]["id"]
        .rsplit("/", 1)[-1]
    )


def test_without_preparation_status_says_so(api_client):
    assert api_client.get("/status").json()["prepared_views"] is None


@pytest.mark.slow
def test_the_server_prepares_views_for_its_own_address(api_store):
    proc, base = start_api_server(api_settings_for(api_store, prepare_views=True), workers=2)
    try:
        pids: set[int] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:  # each HTTP worker prepares its own
            with httpx.Client(base_url=base) as client:  # a new connection: either worker answers
                wait_prepared(lambda: client.get("/status").json())
                pids.add(client.get("/status").json()["process"])
        assert len(pids) == 2
    finally:
        stop_api_server(proc)


@pytest.mark.parametrize(
    "host, public_url, expected",
    [
        ("127.0.0.1", None, "http://127.0.0.1:8000"),
        ("::1", None, "http://[::1]:8000"),
        ("0.0.0.0", None, None),  # clients do not use a wildcard address
        ("0.0.0.0", "https://cspkg.example/", "https://cspkg.example/"),
    ],
)
def test_the_public_url_is_the_address_served_unless_set(host, public_url, expected):
    settings = api_settings_for(API_DATA, public_url=public_url)
    assert with_public_url(settings, host, 8000).public_url == expected


def test_views_of_clients_are_built_first(api_store):
    """While a client's view is being built (a view builder borrowed), nothing is built ahead."""
    from api.warm import ViewWarmer

    app = create_app(api_settings_for(api_store))
    with TestClient(app) as client:
        assert client.portal is not None  # the app runs on the client's event loop
        builders = client.portal.call(_builders_of, app)
        client_request = object()
        client.portal.call(builders.acquire_on_behalf_of, client_request)
        warmer = services_of(app).warmer = ViewWarmer(app, "http://testserver")
        task = client.portal.start_task_soon(warmer.run)
        try:
            time.sleep(0.5)
            assert warmer.progress.total > 5 and warmer.progress.prepared == 0
            client.portal.call(builders.release_on_behalf_of, client_request)
            assert wait_prepared(lambda: client.get("/status").json())["prepared"] == warmer.progress.total
        finally:
            task.cancel()


async def _builders_of(app):
    return services_of(app).view_builders  # made on the app's event loop


def test_a_failure_stops_building_ahead_for_that_build_only(own_store, monkeypatch, caplog):
    from api.warm import ViewWarmer

    async def broken(self, client, build_id):
        raise RuntimeError("broken")

    monkeypatch.setattr(ViewWarmer, "_prepare", broken)
    app = create_app(api_settings_for(own_store, public_url="http://testserver", prepare_views=True))
    with TestClient(app) as client, caplog.at_level("ERROR", logger="cspkg.api.warm"):
        wait_prepared(lambda: client.get("/status").json())
        assert (
            client.get(f"/bodies/{_some_body(client)}", headers=JSONLD).status_code == 200
        )  # built on request
    assert "building views ahead stopped" in caplog.text


@pytest.mark.parametrize("bad", ["cspkg.example", "ftp://cspkg.example/", "http://"])
def test_a_public_url_that_is_not_one_is_refused_with_its_value(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as error:
        api_settings_for(API_DATA, public_url=bad)
    assert "CSPKG_PUBLIC_URL must be an absolute http(s) URL" in str(error.value) and repr(bad) in str(
        error.value
    )
