"""The edge every request passes through (api/edge.py, api/server.py): one CORS policy and one
compression for every route, the short paths included; request bodies bounded while read; read
deadlines for headers and bodies (slowloris); links built from the public URL, never from a
client's Host header; a client leaving mid-upload ends its request without a traceback."""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.fixtures import api_settings_for, start_api_server, stop_api_server

_ASKED = itertools.count()
ORIGIN = "https://analysts.example"


def fresh_query() -> str:
    return f"SELECT ?n WHERE {{ <https://w3id.org/cspkg/id/body/home-office> skos:prefLabel ?n }} # {next(_ASKED)}"


@pytest.fixture(scope="module")
def edge_client(api_store: Path) -> Iterator[TestClient]:
    settings = api_settings_for(
        api_store, workers=1, cors_origins=[ORIGIN], max_body_kb=4, public_url="https://cspkg.example/"
    )
    with TestClient(create_app(settings)) as client:
        yield client


def requests_of_every_path(client: TestClient, headers: dict[str, str]) -> dict[str, httpx.Response]:
    query = fresh_query()
    return {
        "sparql (run)": client.get("/sparql", params={"query": query}, headers=headers),
        "sparql (kept answer)": client.get("/sparql", params={"query": query}, headers=headers),
        "sparql POST": client.post("/sparql", data={"query": fresh_query()}, headers=headers),
        "sparql problem": client.get("/sparql", params={"query": "SELECT ?s WHERE {"}, headers=headers),
        "view": client.get("/bodies/plymouth-csp", headers=headers),
        "view (kept)": client.get("/bodies/plymouth-csp", headers=headers),
        "page": client.get("/", headers={**headers, "accept": "text/html"}),
        "not found": client.get("/nothing/here", headers=headers),
        "too large": client.post(
            "/sparql", content=b"x" * 5000, headers={**headers, "content-type": "application/sparql-query"}
        ),
    }


def test_a_cors_setting_reaches_every_route_the_short_paths_included(edge_client):
    for name, r in requests_of_every_path(edge_client, {"origin": ORIGIN}).items():
        assert r.headers.get("access-control-allow-origin") == ORIGIN, name
        assert "Origin" in r.headers.get("vary", ""), name
        assert "ETag" in r.headers.get("access-control-expose-headers", ""), name
    for name, r in requests_of_every_path(edge_client, {"origin": "https://elsewhere.example"}).items():
        assert "access-control-allow-origin" not in r.headers, name


def test_an_unavailable_store_answers_503_through_the_same_edge(tmp_path: Path) -> None:
    settings = api_settings_for(tmp_path / "no-store", workers=1, cors_origins=[ORIGIN])
    with TestClient(create_app(settings)) as client:
        for path in ("/sparql?query=ASK%7B%7D", "/bodies/plymouth-csp"):
            r = client.get(path, headers={"origin": ORIGIN})
            assert r.status_code == 503 and r.json()["type"].endswith("/store-unavailable"), r.text
            assert r.headers["access-control-allow-origin"] == ORIGIN and r.headers["retry-after"]


def test_every_route_is_compressed_alike(edge_client):
    big = "SELECT * WHERE { ?s ?p ?o } LIMIT 40"
    for path, params in (("/sparql", {"query": big}), ("/sparql", {"query": big}), ("/bodies", {})):
        r = edge_client.get(path, params=params, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip", path
        assert "Accept-Encoding" in r.headers["vary"]


# -- request bodies ------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413(edge_client):
    r = edge_client.post("/sparql", data={"query": "ASK {} #" + "x" * 5000})
    assert r.status_code == 413 and r.json()["type"].endswith("/body-too-large")
    assert "4 KiB" in r.json()["detail"]


def test_a_body_without_length_is_counted_as_it_arrives(edge_client):
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"ASK {} #" + b"x" * 1000

    r = edge_client.post("/sparql", content=chunks(), headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413 and r.json()["type"].endswith("/body-too-large")
    ok = edge_client.post(
        "/sparql", content=iter([b"ASK {}"]), headers={"content-type": "application/sparql-query"}
    )
    assert ok.status_code == 200


# -- the host a client names ---------------------------------------------------------------------
def test_links_and_redirects_use_the_public_url_not_the_host_header(edge_client):
    foreign = {"host": "attacker.example"}
    r = edge_client.get("/id/body/plymouth-csp", headers=foreign, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("https://cspkg.example/"), r.headers
    listing = edge_client.get("/bodies", headers=foreign)
    assert "attacker.example" not in listing.text and "https://cspkg.example/" in listing.text


def test_a_host_outside_the_allowed_hosts_is_400(api_store: Path) -> None:
    settings = api_settings_for(api_store, workers=1, allowed_hosts=["cspkg.example", "localhost"])
    with TestClient(create_app(settings), base_url="http://cspkg.example") as client:
        assert client.get("/bodies/plymouth-csp").status_code == 200
        assert client.get("/bodies/plymouth-csp", headers={"host": "localhost:8000"}).status_code == 200
        r = client.get("/bodies/plymouth-csp", headers={"host": "attacker.example"})
        assert r.status_code == 400 and r.json()["type"].endswith("/bad-host")


# -- a real server: read deadlines, early 413, clients that go away ------------------------------
@pytest.fixture(scope="module")
def strict_server(api_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("edge") / "server.log"
    settings = api_settings_for(
        api_store, workers=1, header_timeout_s=1.0, body_timeout_s=1.0, max_body_kb=64
    )
    with log.open("wb") as stderr:
        proc, base = start_api_server(settings, stderr=stderr)
        try:
            yield base, log
        finally:
            stop_api_server(proc)


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def test_half_open_connections_are_closed_at_the_read_deadlines(strict_server):
    base, _ = strict_server
    sockets = []
    for i in range(500):
        sock = _connect(base)
        if i % 2:  # headers never finished
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:  # a body promised and never sent
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"
            )
        sockets.append(sock)
    assert httpx.get(base + "/status", timeout=5).status_code == 200  # others are answered meanwhile
    time.sleep(2.5)
    closed = 0
    for sock in sockets:
        sock.settimeout(2)
        try:
            data = sock.recv(4096)
            closed += data == b""
        except ConnectionResetError:
            closed += 1
        finally:
            sock.close()
    assert closed == 500


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(strict_server):
    base, _ = strict_server
    with _connect(base) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000000\r\n\r\n"
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_a_client_leaving_mid_upload_leaves_no_traceback(strict_server):
    base, log = strict_server
    for _ in range(3):
        with _connect(base) as sock:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nSELECT"
            )
            time.sleep(0.1)
    time.sleep(0.5)
    assert httpx.get(base + "/status", timeout=5).status_code == 200
    assert "Traceback" not in log.read_text()
