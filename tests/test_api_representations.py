"""Every view is JSON-LD with the published @context, and also Turtle, N-Triples, RDF/XML, HTML
and (for lists) CSV, chosen by Accept or ?format=; with ETag / Last-Modified / Vary, gzip, CORS,
problem+json errors and OpenAPI docs."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from api.context import CSP_NS, context, expand
from api.state import services_of
from tests.fixtures import ROOT, served_build

API_NS = "https://w3id.org/cspkg/def/api#"
VIEWS = [
    "/bodies",
    "/bodies/plymouth-csp",
    "/bodies/plymouth-csp-dv-group/accountability",
    "/accountability/gaps",
    "/people",
    "/people/andy-boulting",
    "/posts",
    "/meetings",
    "/meetings/plymouth-csp-board-2015-07",
    "/decisions",
    "/sources",
    "/sources/plymouth-csp-board-2015-summer",
    "/observations",
    "/posts/plymouth-csp-chair-2015",
    "/resources/link/devon-and-cornwall-pcp-2016-01/home-office--funding--devon-and-cornwall-pcc",
]
LISTS = [
    "/bodies",
    "/people",
    "/posts",
    "/meetings",
    "/decisions",
    "/sources",
    "/observations",
    "/accountability/gaps",
    "/bodies/plymouth-csp/accountability",
]
EXTERNAL = (
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/ns/hydra/core#",
)


def ontology() -> Graph:
    g = Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        g.parse(path)
    return g


# -- JSON-LD and the other RDF formats carry the same statements -------------------------------
@pytest.mark.parametrize("path", VIEWS)
def test_json_ld_with_the_remote_context_expands_to_the_turtle(live_api, path):
    """rdflib fetches the published context from the live server to read the JSON-LD."""
    jsonld = httpx.get(live_api + path, headers={"accept": "application/ld+json"}, timeout=30)
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert jsonld.json()["@context"] == live_api + "/context.jsonld"
    from_jsonld = Graph().parse(data=jsonld.text, format="json-ld")
    turtle = httpx.get(live_api + path, headers={"accept": "text/turtle"}, timeout=30)
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    from_turtle = Graph().parse(data=turtle.text, format="turtle")
    assert len(from_jsonld) > 5
    assert isomorphic(from_jsonld, from_turtle)  # equal up to blank node labels


@pytest.mark.parametrize(
    "path", ["/bodies/plymouth-csp", "/accountability/gaps", "/sources/devon-and-cornwall-pcp-2016-01"]
)
@pytest.mark.parametrize("fmt,parser", [("nt", "nt"), ("rdf", "xml")])
def test_n_triples_and_rdf_xml_carry_the_same_statements(api_client, path, fmt, parser):
    turtle = Graph().parse(data=api_client.get(path, params={"format": "ttl"}).text, format="turtle")
    other = Graph().parse(data=api_client.get(path, params={"format": fmt}).content, format=parser)
    assert len(other) == len(turtle) and isomorphic(other, turtle)


def test_view_statements_are_the_stores_statements(api_client):
    """A body view's own statements are in the store, with the same literals (types and all)."""
    view = Graph().parse(
        data=api_client.get("/bodies/plymouth-csp", params={"format": "nt"}).text, format="nt"
    )
    body = URIRef("https://w3id.org/cspkg/id/body/plymouth-csp")
    stored = Graph().parse(
        data=api_client.get(
            "/sparql",
            params={"query": f"CONSTRUCT {{ <{body}> ?p ?o }} WHERE {{ <{body}> ?p ?o }}"},
            headers={"accept": "application/n-triples"},
        ).text,
        format="nt",
    )
    own = {t for t in view if t[0] == body and t[1] != RDF.type and not str(t[1]).startswith(API_NS)}
    assert own and own <= set(stored)


def test_views_use_only_declared_terms(api_client):
    onto = ontology()
    declared = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef)}
    api_terms = {
        expand(v if isinstance(v, str) else v.get("@id", v.get("@reverse", ""))) for v in context().values()
    }
    for path in VIEWS:
        g = Graph().parse(data=api_client.get(path, params={"format": "nt"}).text, format="nt")
        for p in set(g.predicates()):
            assert p in declared or str(p).startswith(EXTERNAL) or str(p) in api_terms, (
                f"{path}: undeclared {p}"
            )
        for cls in set(g.objects(None, RDF.type)):
            assert not str(cls).startswith(CSP_NS) or cls in declared, f"{path}: undeclared class {cls}"


def test_context_terms_agree_with_the_ontology():
    """A key that names an ontology property through @vocab is never redefined as something else."""
    onto = ontology()
    ctx = context()
    for prop in set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(
        onto.subjects(RDF.type, OWL.DatatypeProperty)
    ):
        local = str(prop).removeprefix(CSP_NS)
        if local in ctx:
            definition = ctx[local]
            iri = expand(definition if isinstance(definition, str) else definition.get("@id", ""))
            assert iri == str(prop), f"context term {local} is not {prop}"


# -- the published context ---------------------------------------------------------------------
def test_the_context_is_served_as_json_ld_and_cached(api_client):
    r = api_client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    assert r.json()["@context"]["@vocab"] == CSP_NS
    assert "max-age" in r.headers["cache-control"]
    assert api_client.get("/context.jsonld", headers={"if-none-match": r.headers["etag"]}).status_code == 304
    assert (
        api_client.get("/context.jsonld", headers={"origin": "https://example.org"}).headers[
            "access-control-allow-origin"
        ]
        == "*"
    )


def test_plain_json_is_the_same_document(api_client):
    ld = api_client.get("/bodies/plymouth-csp", headers={"accept": "application/ld+json"})
    plain = api_client.get("/bodies/plymouth-csp", headers={"accept": "application/json"})
    assert plain.headers["content-type"] == "application/json" and plain.json() == ld.json()


# -- negotiation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept,expected",
    [
        (None, "application/ld+json"),
        ("*/*", "application/ld+json"),
        ("text/turtle;q=0.9, application/ld+json;q=0.5", "text/turtle; charset=utf-8"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples; charset=utf-8"),
        ("text/csv", "text/csv; charset=utf-8"),
    ],
)
def test_lists_follow_the_accept_header(api_client, accept, expected):
    r = api_client.get("/bodies", headers={"accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"] == expected
    assert r.headers["vary"].startswith("Accept")


@pytest.mark.parametrize(
    "name,expected",
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("csv", "text/csv"),
        ("html", "text/html"),
        ("nt", "application/n-triples"),
    ],
)
def test_format_parameter_wins(api_client, name, expected):
    r = api_client.get("/people", params={"format": name}, headers={"accept": "application/ld+json"})
    assert r.headers["content-type"].split(";")[0] == expected


def test_csv_is_not_offered_for_one_resource(api_client):
    assert api_client.get("/bodies/plymouth-csp", headers={"accept": "text/csv"}).status_code == 406
    r = api_client.get("/bodies/plymouth-csp", params={"format": "csv"})
    assert r.status_code == 406 and r.headers["content-type"] == "application/problem+json"
    assert api_client.get("/bodies/plymouth-csp", params={"format": "docx"}).status_code == 400
    assert api_client.get("/bodies", headers={"accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("path", ["/bodies", "/bodies/plymouth-csp", "/context.jsonld", "/sparql"])
def test_head_gives_the_headers_of_get(api_client, path):
    get = api_client.get(path)
    head = api_client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")


# -- CSV for lists ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LISTS)
def test_lists_as_csv(api_client, path):
    r = api_client.get(path, params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][0] == "id" and len(rows) > 1
    assert all(row[0].startswith("https://w3id.org/cspkg/id/") for row in rows[1:])


def test_body_csv_rows(api_client):
    rows = list(
        csv.DictReader(io.StringIO(api_client.get("/bodies", params={"format": "csv", "q": "plymouth"}).text))
    )
    by_id = {r["id"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_id["plymouth-csp"]["name"] == "Plymouth Community Safety Partnership"
    assert (
        by_id["plymouth-csp"]["type"] == "CommunitySafetyPartnership"
        and by_id["plymouth-csp"]["start"] == "1998"
    )
    assert by_id["plymouth-csp-dv-group"]["part_of"] == "https://w3id.org/cspkg/id/body/plymouth-csp"


def test_accountability_csv_lists_the_links(api_client):
    rows = list(
        csv.DictReader(
            io.StringIO(
                api_client.get("/bodies/plymouth-csp-dv-group/accountability", params={"format": "csv"}).text
            )
        )
    )
    assert len(rows) == 8 and rows[0]["depth"] == "1" and rows[0]["mechanism"] == "holding-to-account"


# -- HTML ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", VIEWS + ["/"])
def test_views_as_html(api_client, path):
    r = api_client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.startswith("<!doctype html>")


def test_html_links_resources_to_their_local_uris(api_client):
    html = api_client.get("/bodies/plymouth-csp", headers={"accept": "text/html"}).text
    assert 'href="http://testserver/id/body/plymouth-city-council"' in html
    assert (
        "Café «Ünïcode» &amp; &lt;DV&gt; group" in html or "Plymouth Domestic Abuse Partnership Group" in html
    )


# -- caching -----------------------------------------------------------------------------------------
def test_etag_names_the_build_and_304_follows(api_client, api_store):
    build_id = served_build(api_store).build_id
    r = api_client.get("/bodies/plymouth-csp")
    etag = r.headers["etag"]
    assert etag.startswith(f'W/"{build_id}') and r.headers["last-modified"].endswith("GMT")
    assert "no-cache" in r.headers["cache-control"]
    again = api_client.get("/bodies/plymouth-csp", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert (
        api_client.get(
            "/bodies/plymouth-csp", headers={"if-modified-since": r.headers["last-modified"]}
        ).status_code
        == 304
    )
    turtle = api_client.get("/bodies/plymouth-csp", headers={"accept": "text/turtle", "if-none-match": etag})
    assert turtle.status_code == 200 and turtle.headers["etag"] != etag


def test_a_view_asked_again_is_the_same_representation(api_client):
    """The second identical request is answered from the kept representation, before routing:
    same bytes and headers, CORS and gzip as the stack would add, HEAD without the body."""
    path = "/sources/devon-and-cornwall-pcp-2016-01?format=jsonld"
    first, again = api_client.get(path), api_client.get(path)
    assert again.status_code == 200 and again.content == first.content
    for header in ("content-type", "etag", "last-modified", "vary", "cache-control"):
        assert again.headers[header] == first.headers[header], header
    cors = api_client.get(path, headers={"origin": "https://example.org"})
    assert (
        cors.headers["access-control-allow-origin"] == "*"
        and "ETag" in cors.headers["access-control-expose-headers"]
    )
    zipped = api_client.get(path, headers={"accept-encoding": "gzip"})
    assert (
        zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content
    )  # decoded by httpx
    head = api_client.head(path)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize(
    "headers,expected",
    [
        ({"accept": "text/turtle"}, "text/turtle"),
        ({"accept": "application/n-triples"}, "application/n-triples"),
        ({"accept": "application/ld+json", "host": "other.example"}, "application/ld+json"),
    ],
)
def test_kept_representations_are_kept_apart(api_client, headers, expected):
    """Another Accept (or host: links are absolute) is another representation, never the one kept."""
    path = "/bodies/plymouth-csp-dv-group"
    api_client.get(path), api_client.get(path)
    r = api_client.get(path, headers=headers)
    assert r.headers["content-type"].startswith(expected)
    if "host" in headers:
        assert (
            r.json()["accountability"] == "http://other.example/bodies/plymouth-csp-dv-group/accountability"
        )


def test_a_sparql_answer_asked_again_is_kept_for_the_build(api_client):
    answers = services_of(api_client.app).answers
    query = "SELECT ?s ?n WHERE { ?s a csp:PoliceAndCrimePanel ; skos:prefLabel ?n }"
    first = api_client.get("/sparql", params={"query": query})
    hits = answers.hits
    for again in (
        api_client.get("/sparql", params={"query": query}),  # as it arrived: before parsing
        api_client.post("/sparql", data={"query": query}),
    ):  # the same operation by another method
        assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-type"] == first.headers["content-type"]
    assert answers.hits == hits + 2
    xml = api_client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"}
    )
    assert xml.headers["content-type"] == "application/sparql-results+xml" and xml.content.startswith(
        b"<?xml"
    )


@pytest.mark.parametrize("expression", ["STRUUID()", "UUID()", "RAND()", "BNODE()", "STR(NOW())"])
def test_answers_that_differ_each_time_are_not_kept(api_client, expression):
    query = f"SELECT ?x WHERE {{ BIND ({expression} AS ?x) }}"
    kept = services_of(api_client.app).answers
    hits = kept.hits
    values = {
        api_client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["x"]["value"]
        for _ in range(3)
    }
    assert kept.hits == hits
    assert len(values) == 3 or expression == "STR(NOW())"  # NOW() may repeat within a clock tick


def test_sparql_answers_are_cached_by_build_too(api_client):
    params = {"query": "ASK { ?s a csp:Meeting }"}
    r = api_client.get("/sparql", params=params)
    assert r.headers["etag"] and r.headers["last-modified"]
    assert (
        api_client.get("/sparql", params=params, headers={"if-none-match": r.headers["etag"]}).status_code
        == 304
    )
    other = api_client.get(
        "/sparql", params={"query": "ASK { ?s a csp:Post }"}, headers={"if-none-match": r.headers["etag"]}
    )
    assert other.status_code == 200


def test_large_answers_are_gzipped(api_client):
    r = api_client.get("/sources/devon-and-cornwall-pcp-2016-01", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
    raw = httpx.get  # noqa: F841 - httpx decodes for us; check the body is the JSON
    assert r.json()["id"].endswith("devon-and-cornwall-pcp-2016-01")


def test_gzip_on_the_wire(live_api):
    with httpx.stream(
        "GET", live_api + "/sources/devon-and-cornwall-pcp-2016-01", headers={"accept-encoding": "gzip"}
    ) as r:
        body = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["type"] == ["SourceDocument"]


# -- CORS ----------------------------------------------------------------------------------------
def test_cors_allows_reads_from_any_origin(api_client):
    r = api_client.get("/bodies", headers={"origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]
    pre = api_client.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


# -- errors ----------------------------------------------------------------------------------------
def test_errors_are_problem_json(api_client):
    for r, status in (
        (api_client.get("/nowhere"), 404),
        (api_client.post("/bodies"), 405),
        (api_client.get("/bodies/nowhere"), 404),
        (api_client.get("/bodies", params={"page": "x"}), 400),
    ):
        assert r.status_code == status
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["status"] == status and problem["type"].startswith("https://w3id.org/cspkg/problems/")
        assert problem["title"] and problem["detail"]


def test_no_build_is_503(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.fixtures import api_settings_for

    with TestClient(create_app(api_settings_for(tmp_path / "empty-store", workers=1))) as client:
        r = client.get("/bodies")
        assert r.status_code == 503 and r.json()["type"].endswith("/store-unavailable")
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 503


@pytest.mark.slow
def test_several_http_workers_share_one_port(api_settings):
    from tests.fixtures import start_api_server, stop_api_server

    proc, base = start_api_server(api_settings, workers=2)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(10):
                assert (
                    client.get("/sparql", params={"query": "ASK { ?s a csp:Meeting }"}).json()["boolean"]
                    is True
                )
                assert client.get("/bodies/plymouth-csp").status_code == 200
    finally:
        stop_api_server(proc)


@pytest.mark.slow
def test_cspkg_serve_runs_the_api_server_with_several_http_workers(api_settings):
    """`cspkg serve` is the server the benchmark measures (api/server.py: httptools, --http-workers)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.fixtures import free_port

    port = free_port()
    env = {**os.environ, "CSPKG_BASE_URI": api_settings.base_uri, "CSPKG_WORKERS": "1"}
    env.pop("CSPKG_STORE", None)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "cspkg"),
            "serve",
            "--no-rebuild",
            "--port",
            str(port),
            "--store",
            str(api_settings.store_dir),
            "--data",
            str(api_settings.data_dir),
            "--http-workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "cspkg serve did not start"
            try:
                r = httpx.get(
                    f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s a csp:Meeting }"}, timeout=2
                )
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert r.json()["boolean"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0


# -- OpenAPI ---------------------------------------------------------------------------------------
def test_openapi_documents_every_route_with_examples(api_client):
    spec = api_client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/sparql",
        "/bodies",
        "/bodies/{key}",
        "/bodies/{key}/accountability",
        "/accountability/gaps",
        "/people",
        "/posts",
        "/meetings",
        "/decisions",
        "/sources",
        "/observations",
        "/id/{kind}/{key}",
        "/context.jsonld",
    ):
        assert path in paths, path
    ok = paths["/bodies/{key}"]["get"]["responses"]["200"]["content"]
    assert ok["application/ld+json"]["example"]["type"] == ["CommunitySafetyPartnership"]
    assert "text/turtle" in ok
    sparql = paths["/sparql"]["get"]
    assert {p["name"] for p in sparql["parameters"]} >= {"query", "default-graph-uri", "named-graph-uri"}
    assert "application/sparql-query" in paths["/sparql"]["post"]["requestBody"]["content"]
    assert api_client.get("/docs").status_code == 200


def test_every_operation_has_its_own_id(api_settings):
    import warnings

    from api.app import create_app

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = create_app(api_settings).openapi()
    assert not [w for w in caught if "Operation ID" in str(w.message)]
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
