"""No query makes the server call another server: a parser refuses SERVICE however it is
disguised, and the query workers cannot open a network socket even when that check is skipped.

A fake SPARQL endpoint listens on 127.0.0.1 and counts the requests it gets; the engine reaches it
when nothing stops it (the first test), and it gets nothing from /sparql."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph
import pytest

from tests.fixtures import api_settings_for

ANSWER = {"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "leak"}}]}}


class FakeEndpoint(ThreadingHTTPServer):
    """A SPARQL endpoint on loopback that answers every request and counts them."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        body = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    server = FakeEndpoint()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_engine_reaches_the_fake_endpoint_when_nothing_stops_it(endpoint):
    """So that 'the endpoint got nothing' below means something: unguarded, the engine calls it."""
    rows = pyoxigraph.Store().query(f"SELECT ?a WHERE {{ SERVICE <{endpoint.url}> {{ ?a ?b ?c }} }}")
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    assert [row["a"].value for row in rows] == ["leak"] and endpoint.hits


def disguises(url: str) -> dict[str, str]:
    """Valid SPARQL 1.1 queries that call `url` when run (the engine decodes escapes first)."""
    host, _, rest = url.removeprefix("http://").partition(":")
    port, _, path = rest.partition("/")
    escaped_port = "".join(f"\\u{ord(c):04X}" for c in port)
    return {
        "escaped-quote-in-prefixed-name": (
            f"SELECT ?a WHERE {{ OPTIONAL {{ ?s csp:a\\' ?o }} SERVICE <{url}> {{ ?a ?b ?c }} FILTER(?a != 'z') }}"
        ),
        "odd-case": f"select ?a where {{ SeRvIcE <{url}> {{ ?a ?b ?c }} }}",
        "silent": f"SELECT ?a WHERE {{ SERVICE SILENT <{url}> {{ ?a ?b ?c }} }}",
        "variable": f"SELECT ?a WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?a ?b ?c }} }}",
        "escaped-keyword": f"SELECT ?a WHERE {{ \\u0053ERVICE <{url}> {{ ?a ?b ?c }} }}",
        "escapes-in-iri": f"SELECT ?a WHERE {{ SERVICE <http://{host}:{escaped_port}/{path}> {{ ?a ?b ?c }} }}",
        "prefixed-iri": f"PREFIX e: <http://{host}:{port}/> SELECT ?a WHERE {{ SERVICE e:{path} {{ ?a ?b ?c }} }}",
        "relative-iri": f"BASE <http://{host}:{port}/> SELECT ?a WHERE {{ SERVICE <{path}> {{ ?a ?b ?c }} }}",
        "long-strings-with-quotes": (
            'SELECT ?a WHERE { BIND ("""a \' " \'\' "" } SERVICE""" AS ?x) '
            f"BIND ('''\" ''' AS ?y) SERVICE <{url}> {{ ?a ?b ?c }} }}"
        ),
        "comments": f"SELECT ?a WHERE {{ # }} SERVICE \"\n SERVICE # {{ '\n <{url}> {{ ?a ?b ?c }} }}",
        "escaped-local-names": f"SELECT ?a WHERE {{ ?s csp:a\\.b ?o . SERVICE <{url}> {{ ?a csp:\\#x ?c }} }}",
        "escaped-hash-before-service": f"SELECT ?a WHERE {{ ?s ?p csp:\\#x . SERVICE <{url}> {{ ?a ?b ?c }} }}",
        "nested-in-exists": (
            f"SELECT ?a WHERE {{ {{ SELECT ?a WHERE {{ BIND (1 AS ?a) FILTER EXISTS {{ "
            f"SERVICE <{url}> {{ ?x ?y ?z }} }} }} }} }}"
        ),
    }


@pytest.mark.parametrize("method", ["GET", "form", "body"])
def test_no_disguise_of_service_reaches_the_network(api_client, endpoint, method):
    for name, query in disguises(endpoint.url).items():
        if method == "GET":
            r = api_client.get("/sparql", params={"query": query})
        elif method == "form":
            r = api_client.post("/sparql", data={"query": query})
        else:
            r = api_client.post(
                "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}
            )
        # rdflib cannot read a SERVICE after a local name with an escaped '#': refused unread (400)
        expected = (
            (400, "malformed-query") if name == "escaped-hash-before-service" else (403, "service-refused")
        )
        assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == expected, (name, r.text)
    assert endpoint.hits == []


def test_load_is_refused_and_fetches_nothing(api_client, endpoint):
    for query in (f"LOAD <{endpoint.url}>", f"lOaD SiLeNt <{endpoint.url}> INTO GRAPH <urn:g>"):
        r = api_client.post("/sparql", data={"query": query})
        assert r.status_code == 403 and r.json()["type"].endswith("/update-refused"), r.text
    assert endpoint.hits == []


def test_a_worker_cannot_connect_even_when_the_check_is_skipped(api_store, endpoint):
    """`select` is not a checked call (only `raw`, which /sparql uses, is): the engine runs the
    SERVICE itself, and the worker's socket is refused."""
    from api.pool import QueryPool

    async def run() -> None:
        pool = QueryPool(api_settings_for(api_store, workers=1))
        await pool.start()
        try:
            with pytest.raises(OSError, match="ermission denied"):
                await pool.run("select", f"SELECT ?a WHERE {{ SERVICE <{endpoint.url}> {{ ?a ?b ?c }} }}")
        finally:
            await pool.close()

    asyncio.run(run())
    assert endpoint.hits == []


def test_the_worker_sandbox_refuses_network_sockets_only():
    """In a process of its own: no TCP / UDP socket, IPv4 or IPv6; local sockets still work."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(1) as pool:
        outcome = pool.apply(_try_sockets)
    assert outcome == {"means": "seccomp", "inet": "EACCES", "inet6": "EACCES", "unix": "ok"}


def _try_sockets() -> dict[str, str]:
    import errno
    import socket

    from api.sandbox import deny_network

    outcome = {"means": deny_network()}
    for name, family, kind in (
        ("inet", socket.AF_INET, socket.SOCK_STREAM),
        ("inet6", socket.AF_INET6, socket.SOCK_DGRAM),
        ("unix", socket.AF_UNIX, socket.SOCK_STREAM),
    ):
        try:
            socket.socket(family, kind).close()
            outcome[name] = "ok"
        except OSError as exc:
            outcome[name] = errno.errorcode.get(exc.errno or 0, str(exc))
    return outcome
