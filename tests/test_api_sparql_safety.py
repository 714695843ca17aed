"""/sparql is read-only and safe: updates, LOAD and SERVICE are refused; a query that runs too
long is stopped (503) while other queries go on answering; answers are cut at the result limit;
a new build is served as soon as it is swapped in."""

from __future__ import annotations

import itertools
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures import API_DATA, api_settings_for, build_store

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
_CHEAP = "SELECT ?n WHERE { <https://w3id.org/cspkg/id/body/home-office> skos:prefLabel ?n }"
_ASKED = itertools.count()


def cheap() -> str:
    """A cheap query never asked before (answers are kept per build: this one must reach a worker)."""
    return f"{_CHEAP} # {next(_ASKED)}"


def probe() -> str:
    """Whether the test triple was written, asked afresh (not a kept answer)."""
    return f"ASK {{ <urn:cspkg:test> <urn:cspkg:test> <urn:cspkg:test> }} # {next(_ASKED)}"


def assert_problem(r: httpx.Response, status: int, kind: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"].endswith("/" + kind) and problem["status"] == status and problem["detail"]
    return problem


# -- read-only ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:cspkg:test> <urn:cspkg:test> <urn:cspkg:test> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/> WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "CREATE GRAPH <urn:g>",
        "COPY DEFAULT TO <urn:g>",
        "LOAD <http://example.org/data.ttl>",
        "load silent <http://example.org/data.ttl> into graph <urn:g>",
    ],
)
def test_updates_in_the_query_parameter_are_refused(api_client, update):
    problem = assert_problem(api_client.get("/sparql", params={"query": update}), 403, "update-refused")
    assert "read-only" in problem["detail"]
    assert api_client.get("/sparql", params={"query": probe()}).json()["boolean"] is False


def test_the_update_parameter_is_refused_on_get_and_post(api_client):
    update = "INSERT DATA { <urn:cspkg:test> <urn:cspkg:test> <urn:cspkg:test> }"
    assert_problem(api_client.get("/sparql", params={"update": update}), 403, "update-refused")
    assert_problem(api_client.post("/sparql", data={"update": update}), 403, "update-refused")


def test_a_sparql_update_body_is_refused(api_client):
    r = api_client.post(
        "/sparql",
        content="INSERT DATA { <urn:cspkg:test> <urn:cspkg:test> <urn:cspkg:test> }",
        headers={"content-type": "application/sparql-update"},
    )
    assert_problem(r, 403, "update-refused")
    assert api_client.get("/sparql", params={"query": probe()}).json()["boolean"] is False


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z .SERVICE<http://example.org/sparql>{ ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(api_client, query):
    problem = assert_problem(api_client.get("/sparql", params={"query": query}), 403, "service-refused")
    assert "SERVICE" in problem["detail"]


NESTED_SERVICE = {
    "optional": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/sparql> { ?s ?p ?x } } }",
    "subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
    "exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "not-exists": "SELECT * WHERE { ?s ?p ?o FILTER(NOT EXISTS{SERVICE<http://example.org/sparql>{?s ?p ?o}}) }",
    "projection": "SELECT (EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } AS ?e) WHERE {}",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "union": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "comment-between": "ASK { SERVICE# a comment\n<http://example.org/sparql> { ?s ?p ?o } }",
    "escaped": "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "describe": "DESCRIBE ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("query", NESTED_SERVICE.values(), ids=NESTED_SERVICE.keys())
@pytest.mark.parametrize("method", ["GET", "form", "body"])
def test_service_is_refused_wherever_it_is_nested(api_client, query, method):
    if method == "GET":
        r = api_client.get("/sparql", params={"query": query})
    elif method == "form":
        r = api_client.post("/sparql", data={"query": query})
    else:
        r = api_client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert_problem(r, 403, "service-refused")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p xsd:a.SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p _:b.SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "a\\u0022b" SERVICE <http://example.org/sparql> { ?s ?p ?o } "c" }',
        "CONSTRUCT WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_hidden_in_a_token_never_runs(api_client, query):
    """Not SPARQL 1.1 once escapes are decoded (a string ends early; CONSTRUCT WHERE takes triples
    only): refused whole, never run."""
    assert api_client.get("/sparql", params={"query": query}).status_code in (400, 403)


def test_the_word_service_elsewhere_is_fine(api_client):
    query = (
        "PREFIX service: <http://example.org/service#> SELECT ?service WHERE { # SERVICE <x> {}\n"
        ' BIND ("SERVICE <http://example.org/> {}" AS ?service) FILTER (?service != service:SERVICE) }'
    )
    r = api_client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text


# -- the result limit ----------------------------------------------------------------------------
def test_select_answers_are_cut_at_the_result_limit(api_client, api_settings):
    r = api_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(r.json()["results"]["bindings"]) == api_settings.result_limit == 50
    assert r.headers["x-sparql-maxrows"] == "50" and r.headers["cspkg-results-truncated"] == "true"


def test_construct_answers_are_cut_at_the_result_limit(api_client):
    r = api_client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"accept": "application/n-triples"},
    )
    assert len(r.text.strip().splitlines()) == 50 and r.headers["cspkg-results-truncated"] == "true"


def test_answers_within_the_limit_are_whole(api_client):
    r = api_client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a csp:Meeting }"})
    assert len(r.json()["results"]["bindings"]) == 2
    assert "x-sparql-maxrows" not in r.headers and r.headers["cspkg-result-count"] == "2"


def test_a_huge_answer_is_cut_without_being_computed_whole(api_client):
    """A cross product of every triple with every triple (millions of rows) streams: the answer
    stops at the limit at once, in every format."""
    for query, accept in (
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "text/csv"),
        ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", "application/ld+json"),
    ):
        started = time.monotonic()
        r = api_client.get("/sparql", params={"query": query}, headers={"accept": accept})
        assert r.status_code == 200 and r.headers["cspkg-results-truncated"] == "true"
        assert time.monotonic() - started < 2.0
    assert len(r.json()) >= 1  # JSON-LD cut at the limit is still one whole JSON document


def test_large_queries_and_answers_pass_whole(api_client):
    """Messages to and from the query workers larger than a pipe's buffer arrive whole."""
    big = "Ü" * 150_000 + '"end\\'
    query = (
        "SELECT ?x WHERE { BIND (" + '"' + big.replace("\\", "\\\\").replace('"', '\\"') + '"' + " AS ?x) }"
    )
    r = api_client.post(
        "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["x"]["value"] == big


# -- the time limit (a real uvicorn, concurrent clients) -------------------------------------------
def test_a_query_past_the_time_limit_is_stopped_with_503(live_api, api_settings):
    started = time.monotonic()
    r = httpx.get(live_api + "/sparql", params={"query": CARTESIAN}, timeout=60)
    elapsed = time.monotonic() - started
    problem = assert_problem(r, 503, "query-timeout")
    assert "time limit" in problem["detail"] and problem["time_limit_s"] == api_settings.query_timeout_s
    assert api_settings.query_timeout_s <= elapsed < api_settings.query_timeout_s + 5
    assert httpx.get(live_api + "/sparql", params={"query": cheap()}, timeout=10).status_code == 200


def test_a_slow_query_does_not_stall_the_others(live_api, api_settings):
    slow: dict = {}

    def run_slow():
        slow["response"] = httpx.get(live_api + "/sparql", params={"query": CARTESIAN}, timeout=60)

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    with httpx.Client(base_url=live_api, timeout=10) as client:
        for _ in range(10):
            started = time.monotonic()
            r = client.get("/sparql", params={"query": cheap()})
            assert r.status_code == 200
            assert r.json()["results"]["bindings"][0]["n"]["value"] == "Home Office"
            assert time.monotonic() - started < 1.0
        started = time.monotonic()
        assert client.get("/bodies/plymouth-csp").status_code == 200
        assert time.monotonic() - started < 1.0
    thread.join()
    assert slow["response"].status_code == 503


def test_a_query_needing_too_much_memory_is_stopped_with_503(api_store):
    """ORDER BY over a cross product materialises it: the worker's memory cap stops the query
    (long before the time limit) and a fresh worker answers the next one."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings = api_settings_for(api_store, workers=1, query_timeout_s=60.0, query_memory_mb=400)
    with TestClient(create_app(settings)) as client:
        started = time.monotonic()
        r = client.get(
            "/sparql", params={"query": CARTESIAN.replace("(COUNT(*) AS ?n)", "*") + " ORDER BY ?a"}
        )
        assert_problem(r, 503, "query-failed")
        assert time.monotonic() - started < 30
        r = client.get("/sparql", params={"query": cheap()})
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "Home Office"


@pytest.mark.slow
def test_workers_are_replaced_after_timeouts(live_api):
    with httpx.Client(base_url=live_api, timeout=60) as client:
        for _ in range(2):  # as many as there are workers: every worker is killed once
            assert client.get("/sparql", params={"query": CARTESIAN}).status_code == 503
    results: list[int] = []

    def ask_a_cheap_query():
        results.append(httpx.get(live_api + "/sparql", params={"query": cheap()}, timeout=10).status_code)

    threads = [threading.Thread(target=ask_a_cheap_query) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8


# -- a new build is served as soon as it is swapped in ---------------------------------------------
EXTRA_MINUTES = """
source:
  id: cornwall-council-2017-02
  title: Cornwall Council, minutes (test fixture)
  kind: minutes
  date: 2017-02-01
bodies:
  - id: cornwall-csp
    type: CommunitySafetyPartnership
    name: Safer Cornwall
    cite: item 1
links:
  - holder: devon-and-cornwall-pcc
    held: cornwall-csp
    mechanism: funding
    status: agreed-locally
    start: 2017
    cite: item 2
"""


def test_a_new_build_is_served_without_a_restart(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(API_DATA, data)
    first = build_store(data, store)
    settings = api_settings_for(store, data, workers=1)
    count = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a csp:SourceDocument }"
    with TestClient(create_app(settings)) as client:
        assert (
            client.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"]
            == "3"
        )
        before = client.get("/bodies", params={"type": "CommunitySafetyPartnership"})
        assert before.json()["totalItems"] == 1
        assert (
            client.get("/bodies", params={"type": "CommunitySafetyPartnership"}).json()["totalItems"] == 1
        )  # kept
        (data / "minutes" / "cornwall-council-2017-02.yaml").write_text(EXTRA_MINUTES)
        second = build_store(data, store)
        assert second.build_id != first.build_id
        assert (
            client.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"]
            == "4"
        )
        after = client.get(
            "/bodies",
            params={"type": "CommunitySafetyPartnership"},
            headers={"if-none-match": before.headers["etag"]},
        )
        assert after.status_code == 200 and after.json()["totalItems"] == 2
        assert client.get("/bodies", params={"type": "CommunitySafetyPartnership"}).json()["totalItems"] == 2
        assert after.headers["etag"] != before.headers["etag"] and second.build_id in after.headers["etag"]
        down = client.get("/bodies/devon-and-cornwall-pcc/accountability").json()["downward"]
        assert "https://w3id.org/cspkg/id/body/cornwall-csp" in {link["held"]["id"] for link in down}
