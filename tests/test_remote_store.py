"""The remote store on a real Oxigraph server (`oxigraph serve`, started here on a free loopback
port): builds into it, the API over it answering exactly as over the embedded store, failed
builds, a server going down and coming back."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from graph_build.store import EmbeddedStore, PublishFailed, StoreTimeout, StoreUnavailable
from graph_build.store.base import Formats
from graph_build.store.remote import BUILD_INFO_TTL_S
from tests.fixtures import ROOT, OxigraphServer, api_settings_for, free_port, graphs_of, served_build

pytestmark = pytest.mark.remote

EXAMPLES = sorted((ROOT / "queries" / "examples").glob("*.rq"))
ID = "https://w3id.org/cspkg/id/"


@pytest.fixture
def server(tmp_path):
    """A fresh, empty Oxigraph server for one test."""
    srv = OxigraphServer(tmp_path / "oxigraph").start()
    yield srv
    srv.stop()


# -- the API over the remote store answers as over the embedded one ------------------------------
@pytest.fixture(scope="module", params=["dataset-per-query", "server-union"])
def remote_client(request, tmp_path_factory, api_store):
    """The API over an Oxigraph server holding the very build the embedded API tests serve: the
    default graph named in each query (any SPARQL 1.1 server), or the server's union default graph."""
    tmp = tmp_path_factory.mktemp("remote")
    srv = OxigraphServer(tmp / "oxigraph", union_default_graph=request.param == "server-union").start()
    try:
        srv.store(tmp).publish(graphs_of(api_store), served_build(api_store))
        from api.app import create_app

        with TestClient(create_app(srv.settings(tmp))) as client:
            yield client
    finally:
        srv.stop()


def view_paths(client: TestClient) -> list[str]:
    """Every list view, and every resource the lists name, dereferenced to its document."""
    lists = [
        "/bodies?per_page=100",
        "/accountability/gaps",
        "/people?per_page=100",
        "/posts",
        "/meetings",
        "/decisions",
        "/sources",
        "/observations",
        "/bodies?type=CouncilCommittee&as_at=2016-01-01",
        "/bodies?q=safer",
        "/meetings?from=2015-01-01&to=2016-12-31",
    ]
    paths = list(lists) + ["/status", "/"]
    for path in lists:
        doc = client.get(path, headers={"accept": "application/ld+json"}).json()
        for node in doc.get("results", []):
            if isinstance(node, dict) and str(node.get("id", "")).startswith(ID):
                r = client.get("/id/" + node["id"].removeprefix(ID), follow_redirects=False)
                assert r.status_code == 303, node["id"]
                paths.append(r.headers["location"].removeprefix("http://testserver"))
    bodies = [p for p in paths if p.startswith("/bodies/")]
    paths += [p + "/accountability" for p in bodies] + [
        p + "/accountability?as_at=2013-01-01&depth=1" for p in bodies
    ]
    return list(dict.fromkeys(paths))


def test_every_view_answers_as_on_the_embedded_store(api_client, remote_client):
    paths = view_paths(api_client)
    assert len(paths) > 40 and any("/people/" in p for p in paths) and any("/resources/" in p for p in paths)
    for path in paths:
        ours, theirs = (
            c.get(path, headers={"accept": "application/ld+json"}) for c in (api_client, remote_client)
        )
        assert theirs.status_code == ours.status_code, path
        assert theirs.headers["content-type"] == ours.headers["content-type"], path
        assert theirs.json() == ours.json(), path
        assert theirs.headers.get("etag") == ours.headers.get("etag"), path


@pytest.mark.parametrize(
    "path,accept",
    [
        ("/bodies", "text/turtle"),
        ("/bodies", "text/csv"),
        ("/bodies/plymouth-csp", "application/n-triples"),
        ("/bodies/plymouth-csp/accountability", "application/rdf+xml"),
        ("/sparql", "text/turtle"),
    ],
)
def test_other_representations_are_the_same(api_client, remote_client, path, accept):
    ours, theirs = (c.get(path, headers={"accept": accept}) for c in (api_client, remote_client))
    assert ours.status_code == theirs.status_code == 200
    if path == "/sparql":  # the service description has blank nodes, named afresh each time
        graphs = [Graph().parse(data=r.text, format="turtle") for r in (ours, theirs)]
        assert isomorphic(*graphs)
    else:
        assert theirs.content == ours.content


def sparql(
    client: TestClient, query: str, accept: str = "application/sparql-results+json", **params: Any
) -> httpx.Response:
    return client.post("/sparql", data={"query": query, **params}, headers={"accept": accept})


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:2] for p in EXAMPLES])
def test_example_queries_answer_as_on_the_embedded_store(api_client, remote_client, path):
    ours, theirs = (sparql(c, path.read_text()) for c in (api_client, remote_client))
    assert ours.status_code == theirs.status_code == 200, theirs.text
    assert theirs.content == ours.content
    assert theirs.headers.get("cspkg-result-count") == ours.headers.get("cspkg-result-count")


@pytest.fixture(scope="module")
def national_remote(national_build, tmp_path_factory):
    """The national build (real reference data) published into a server with a union default graph."""
    _, store_dir, info = national_build
    tmp = tmp_path_factory.mktemp("national-remote")
    srv = OxigraphServer(tmp / "oxigraph", union_default_graph=True).start()
    try:
        store = srv.store(tmp, query_timeout_s=30.0, result_limit=10000)
        store.publish(graphs_of(store_dir), info)
        yield EmbeddedStore(store_dir), store
    finally:
        srv.stop()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem[:2] for p in EXAMPLES])
def test_example_queries_on_the_national_build_answer_as_on_the_embedded_store(national_remote, path):
    embedded, remote = national_remote
    ours, theirs = (store.raw(path.read_text(), Formats(), limit=10000) for store in (embedded, remote))
    assert ours.count > 0 and (theirs.count, theirs.truncated) == (ours.count, ours.truncated)
    assert theirs.body == ours.body


PROTOCOL_CASES = [
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "text/csv", {}),  # cut at the result limit
    (
        "SELECT ?s ?name WHERE { ?s skos:prefLabel ?name } ORDER BY ?s ?name",
        "application/sparql-results+xml",
        {},
    ),
    (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "text/tab-separated-values",
        {},
    ),
    ("ASK { ?s a csp:CommunitySafetyPartnership }", "application/sparql-results+json", {}),
    ("CONSTRUCT { ?s skos:prefLabel ?n } WHERE { ?s a csp:Body ; skos:prefLabel ?n }", "text/turtle", {}),
    ("DESCRIBE <https://w3id.org/cspkg/id/body/plymouth-csp>", "application/n-triples", {}),
    (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "application/sparql-results+json",
        {"default-graph-uri": "https://w3id.org/cspkg/graph/ontology"},
    ),
    (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        "application/sparql-results+json",
        {"named-graph-uri": "https://w3id.org/cspkg/graph/meta"},
    ),
    ("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cspkg/graph/meta> WHERE { ?s ?p ?o }", "text/csv", {}),
    ("SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?d) WHERE { ?s ?p ?o }", "text/csv", {}),
    (
        "PREFIX csp: <urn:other#> SELECT (COUNT(*) AS ?n) WHERE { ?s a csp:CommunitySafetyPartnership }",
        "text/csv",
        {},
    ),
    (
        "SELECT ?s ?p WHERE { BIND (<id/body/plymouth-csp> AS ?s) ?s ?p [] } ORDER BY ?p LIMIT 3",
        "text/csv",
        {},
    ),
]


@pytest.mark.parametrize("query,accept,params", PROTOCOL_CASES)
def test_sparql_answers_are_the_same(api_client, remote_client, query, accept, params):
    ours, theirs = (sparql(c, query, accept, **params) for c in (api_client, remote_client))
    assert ours.status_code == theirs.status_code == 200, theirs.text
    if accept in ("text/turtle", "application/n-triples"):  # a graph: its triples come in no set order
        syntax = {"text/turtle": "turtle", "application/n-triples": "nt"}[accept]
        graphs = [Graph().parse(data=r.text, format=syntax) for r in (ours, theirs)]
        assert isomorphic(*graphs) and len(graphs[0]) > 5
    else:
        assert theirs.content == ours.content
    for header in ("content-type", "cspkg-results-truncated", "cspkg-result-count", "x-sparql-maxrows"):
        assert theirs.headers.get(header) == ours.headers.get(header), header


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s ?p }",
        "SELECT ?s WHERE { ?s csp:name ?n FILTER(?n = ) }",
        "SELECT * WHERE {\n  ?s a csp:Body .\n  ?s ?p\n}",
    ],
)
def test_a_malformed_query_is_a_400_with_the_parsers_message(api_client, remote_client, query):
    ours, theirs = (sparql(c, query) for c in (api_client, remote_client))
    assert theirs.status_code == 400 and theirs.headers["content-type"] == "application/problem+json"
    assert theirs.json()["type"].endswith("/malformed-query")
    assert theirs.json()["detail"] == ours.json()["detail"]  # Oxigraph's parser, positions in the user's text


# -- builds ----------------------------------------------------------------------------------------
def test_cspkg_build_loads_each_source_graph_and_drops_what_the_build_no_longer_has(
    cspkg, good_data, server, tmp_path, monkeypatch
):
    monkeypatch.setenv("CSPKG_STORE_UPDATE", f"{server.base}/update")
    report = good_data / "minutes" / "testshire-report-2020.yaml"
    report.write_text(
        "source: {id: testshire-report-2020, title: A report, kind: report}\n"
        "memberships:\n  - {member: home-office, organisation: testshire-csp, cite: p. 2}\n"
    )
    result = cspkg("build", "--quiet", "--data", good_data, "--store", f"{server.base}/query")
    assert result.exit_code == 0, result.output
    store = server.store(tmp_path)
    embedded = tmp_path / "embedded"
    assert cspkg("build", "--quiet", "--data", good_data, "--store", embedded).exit_code == 0
    assert served_build(store).input_hash == served_build(embedded).input_hash
    expected = {str(g): len(t) for g, t in graphs_of(embedded).items()}
    counted = {
        str(row["g"]): int(row["n"])
        for row in store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    assert counted == expected
    report_graph = next(g for g in expected if g.endswith("/testshire-report-2020"))

    report.unlink()
    assert cspkg("build", "--quiet", "--data", good_data, "--store", f"{server.base}/query").exit_code == 0
    assert set(store.owned_graphs()) == set(expected) - {report_graph}
    assert not store.ask("ASK { GRAPH ?g { ?m org:member <https://w3id.org/cspkg/id/body/home-office> } }")


def test_a_build_that_fails_validation_leaves_the_server_as_it_was(
    cspkg, good_data, good_minutes, server, tmp_path, monkeypatch
):
    monkeypatch.setenv("CSPKG_STORE_UPDATE", f"{server.base}/update")
    assert cspkg("build", "--quiet", "--data", good_data, "--store", f"{server.base}/query").exit_code == 0
    before = server.quads()
    good_minutes.write_text(
        good_minutes.read_text().replace("    held: testshire-asb-group\n", "    held: nobody\n")
    )
    result = cspkg("build", "--quiet", "--data", good_data, "--store", f"{server.base}/query")
    assert result.exit_code == 1 and "build failed" in result.output
    assert server.quads() == before


def test_a_build_into_an_unreachable_store_fails_clearly(cspkg, good_data):
    url = f"http://127.0.0.1:{free_port()}/query"
    result = cspkg("build", "--quiet", "--data", good_data, "--store", url)
    assert result.exit_code == 1
    assert "build failed" in result.output and "cannot reach the SPARQL store" in result.output


def test_a_server_failing_midway_leaves_the_old_build_named_and_says_what_was_replaced(
    server, api_store, tmp_path
):
    store = server.store(tmp_path)
    graphs = graphs_of(api_store)
    old = served_build(api_store)
    store.publish(graphs, old)
    names = [g for g in graphs if not str(g).endswith("/meta")]

    def dies_on_the_way():  # the server goes down while the third graph is being sent
        server.stop()
        yield from graphs[names[2]]

    changed = {g: [t for t in graphs[g] if "prefLabel" not in str(t[1])] for g in names[:2]}
    new = type(old)("20300101T000000Z-new", "2030-01-01T00:00:00+00:00", "new")
    with pytest.raises(PublishFailed) as failed:
        store.publish({**graphs, **changed, names[2]: dies_on_the_way()}, new)
    message = str(failed.value)
    assert "cannot reach the SPARQL store" in message and "2 of" in message
    assert (
        str(names[0]) in message
        and str(names[1]) in message
        and str(names[2]) not in message.split("replaced")[1]
    )

    server.start()
    time.sleep(BUILD_INFO_TTL_S)
    assert store.build_info() == old  # the meta graph, written last, still names the old build
    assert store.count(f"SELECT ?s WHERE {{ GRAPH <{names[0]}> {{ ?s skos:prefLabel ?o }} }}") == 0


def test_the_store_can_be_written_with_the_graph_store_protocol(server, api_store, tmp_path):
    store = server.store(tmp_path, store_gsp=f"{server.base}/store", store_update=None)
    graphs = graphs_of(api_store)
    info = EmbeddedStore(api_store).build_info()
    store.publish(graphs, info)
    assert store.build_info() == info
    assert len(server.quads()) == sum(len(set(t)) for t in graphs.values())
    fewer = {g: t for g, t in graphs.items() if "plymouth" not in str(g)}
    store.publish(fewer, info)
    assert not any("plymouth" in g for g in store.owned_graphs())


# -- time limits, a server going down, and coming back ------------------------------------------------
def test_a_slow_query_is_stopped_at_the_time_limit(server, api_store, tmp_path):
    store = server.store(tmp_path, query_timeout_s=1.0, store_timeout_s=1.0)
    store.publish(graphs_of(api_store), served_build(api_store))
    from api.app import create_app

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with TestClient(
        create_app(server.settings(tmp_path, query_timeout_s=1.0, store_timeout_s=1.0))
    ) as client:
        started = time.monotonic()
        r = sparql(client, slow)
        assert r.status_code == 503 and r.json()["type"].endswith("/query-timeout")
        assert time.monotonic() - started < 5
        assert sparql(client, "ASK { ?s ?p ?o }").status_code == 200
    with pytest.raises(StoreTimeout):
        store.select(slow)


def eventually(check: Callable[[], object], seconds: float = 5.0) -> None:
    """Wait until `check()` is true: the API learns about the store within about a second."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the API did not notice in time"
        time.sleep(0.1)


def test_the_api_answers_503_while_the_store_is_down_and_recovers(server, api_store, tmp_path, caplog):
    server.store(tmp_path).publish(graphs_of(api_store), served_build(api_store))
    from api.app import create_app

    with TestClient(create_app(server.settings(tmp_path))) as client:
        assert client.get("/bodies/plymouth-csp").status_code == 200
        server.stop()
        eventually(lambda: client.get("/status").status_code == 503)
        for r in (
            client.get("/bodies"),
            client.get("/bodies/plymouth-csp"),
            sparql(client, "ASK {}"),
            client.get("/sparql", params={"query": "ASK {}"}),
        ):
            assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
            assert r.json()["type"].endswith("/store-unavailable") and "cannot reach" in r.json()["detail"]
        started = time.monotonic()
        server.start()
        eventually(lambda: client.get("/bodies").status_code == 200)
        assert time.monotonic() - started < 2 * BUILD_INFO_TTL_S + 1
        assert sparql(client, "ASK { ?s a csp:Body }").json()["boolean"] is True

    server.stop()
    with caplog.at_level(logging.WARNING, logger="cspkg.api"):
        app = create_app(server.settings(tmp_path))
    assert "cannot reach the SPARQL store" in caplog.text and "503" in caplog.text
    with TestClient(app) as client:
        assert client.get("/status").status_code == 503


def test_a_store_that_never_answers_is_a_504_on_the_views(tmp_path):
    """A server that accepts connections and then says nothing (hung, or overloaded)."""
    import socket

    from api.app import create_app

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        settings = api_settings_for(
            tmp_path / "unused-store", store=url, store_timeout_s=1.0, query_timeout_s=1.0
        )
        with TestClient(create_app(settings)) as client:
            r = client.get("/bodies")
            assert r.status_code == 504 and r.headers["content-type"] == "application/problem+json"
            assert (
                r.json()["type"].endswith("/store-timeout")
                and "did not answer within 1 s" in r.json()["detail"]
            )
            r = sparql(client, "ASK {}")
            assert r.status_code == 503 and "did not answer" in r.json()["detail"]
            time.sleep(
                BUILD_INFO_TTL_S
            )  # asking the server again happens on a thread: requests do not wait for it
            started = time.monotonic()
            assert client.get("/bodies").status_code == 504 and time.monotonic() - started < 0.5


def test_the_tests_never_use_a_store_named_by_the_callers_environment(tmp_path):
    """Run a remote test with CSPKG_STORE* naming a dead server: the fixtures' settings must not
    take it (with CSPKG_STORE_GSP inherited, the fixture's build would be sent there and fail)."""
    dead = f"http://127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "CSPKG_STORE": f"{dead}/query",
        "CSPKG_STORE_UPDATE": f"{dead}/update",
        "CSPKG_STORE_GSP": f"{dead}/store",
        "CSPKG_STORE_DIR": str(tmp_path / "not-this-store"),
    }
    test = "tests/test_remote_cli.py::test_stats_are_the_same[server-union]"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert not (tmp_path / "not-this-store").exists()


# -- connections -------------------------------------------------------------------------------------
def test_queries_keep_their_connection_open_and_survive_a_server_restart(server, api_store, tmp_path):
    store = server.store(tmp_path)
    store.publish(graphs_of(api_store), served_build(api_store))
    names = "SELECT ?s ?n WHERE { ?s skos:prefLabel ?n }"
    expected = store.select(names)
    opened = store.connections_opened
    for _ in range(20):
        assert store.select(names) == expected and store.ask("ASK { ?s ?p ?o }")
        assert store.count(names) == len(expected)
    assert store.connections_opened == opened  # one connection carried all 60 queries

    server.stop()  # the idle connection is closed under the store ...
    server.start()
    assert store.select(names) == expected  # ... and the next query goes on a new one
    assert store.connections_opened == opened + 1


def test_an_answer_cut_short_closes_its_connection(server, api_store, tmp_path):
    store = server.store(tmp_path)
    store.publish(graphs_of(api_store), served_build(api_store))
    first = store.raw("SELECT * WHERE { ?s ?p ?o }", Formats(), limit=5)
    assert first.truncated and first.count == 5
    # the rest of that answer is never read on the next request's connection
    second = store.raw("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3", Formats(), limit=5)
    assert (second.count, second.truncated) == (3, False)


def test_a_wrong_query_url_says_so(server, tmp_path):
    store = server.store(tmp_path, store=f"{server.base}/no-such-endpoint")
    with pytest.raises(StoreUnavailable, match="there is no SPARQL endpoint at .*/no-such-endpoint"):
        store.select("SELECT * WHERE { ?s ?p ?o }")
