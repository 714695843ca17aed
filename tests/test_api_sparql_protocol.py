"""/sparql speaks the SPARQL 1.1 Protocol (query operation): methods, datasets, errors, and the
service description."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

GRAPH = "https://w3id.org/cspkg/graph/"
PLYMOUTH = GRAPH + "plymouth-csp-board-2015-summer"
PANEL = GRAPH + "devon-and-cornwall-pcp-2016-01"
SOURCE = "https://w3id.org/cspkg/id/source/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
JSON_RESULTS = "application/sparql-results+json"

SOURCES = "SELECT ?s WHERE { ?s a csp:SourceDocument } ORDER BY ?s"
NAMED_SOURCES = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a csp:SourceDocument } } ORDER BY ?g"


def column(response: httpx.Response, var: str) -> list[str]:
    assert response.status_code == 200, response.text
    return [b[var]["value"] for b in response.json()["results"]["bindings"] if var in b]


def test_get_runs_a_query_over_the_union_of_all_named_graphs(api_client):
    r = api_client.get("/sparql", params={"query": SOURCES})
    assert r.headers["content-type"] == JSON_RESULTS
    assert column(r, "s") == [
        SOURCE + "devon-and-cornwall-pcp-2016-01",
        SOURCE + "plymouth-csp-board-2015-summer",
        SOURCE + "register-national-bodies",
    ]


def test_post_form_runs_a_query(api_client):
    r = api_client.post("/sparql", data={"query": SOURCES})
    assert len(column(r, "s")) == 3


def test_post_sparql_query_body_runs_a_query(api_client):
    r = api_client.post(
        "/sparql", content=SOURCES.encode(), headers={"content-type": "application/sparql-query"}
    )
    assert len(column(r, "s")) == 3


def test_head_answers_headers_only(api_client):
    r = api_client.head("/sparql", params={"query": SOURCES})
    assert r.status_code == 200 and r.headers["content-type"] == JSON_RESULTS and r.content == b""


def test_default_graph_uri_in_the_url_makes_the_default_graph(api_client):
    r = api_client.get("/sparql", params={"query": SOURCES, "default-graph-uri": PLYMOUTH})
    assert column(r, "s") == [SOURCE + "plymouth-csp-board-2015-summer"]


def test_several_default_graph_uris_are_merged(api_client):
    r = api_client.get(
        "/sparql", params=[("query", SOURCES), ("default-graph-uri", PLYMOUTH), ("default-graph-uri", PANEL)]
    )
    assert len(column(r, "s")) == 2


def test_default_graph_uri_in_a_form_body_is_honoured(api_client):
    r = api_client.post("/sparql", data={"query": SOURCES, "default-graph-uri": PANEL})
    assert column(r, "s") == [SOURCE + "devon-and-cornwall-pcp-2016-01"]


def test_graph_uris_in_the_url_go_with_a_sparql_query_body(api_client):
    r = api_client.post(
        "/sparql?" + urlencode({"default-graph-uri": PANEL}),
        content=SOURCES,
        headers={"content-type": "application/sparql-query"},
    )
    assert column(r, "s") == [SOURCE + "devon-and-cornwall-pcp-2016-01"]


def test_from_in_the_query_makes_the_default_graph(api_client):
    query = f"SELECT ?s FROM <{PANEL}> WHERE {{ ?s a csp:SourceDocument }}"
    assert column(api_client.get("/sparql", params={"query": query}), "s") == [
        SOURCE + "devon-and-cornwall-pcp-2016-01"
    ]


def test_default_graph_uri_overrides_from(api_client):
    query = f"SELECT ?s FROM <{PANEL}> WHERE {{ ?s a csp:SourceDocument }}"
    r = api_client.get("/sparql", params={"query": query, "default-graph-uri": PLYMOUTH})
    assert column(r, "s") == [SOURCE + "plymouth-csp-board-2015-summer"]


def test_from_named_limits_the_named_graphs(api_client):
    query = f"SELECT ?g ?s FROM NAMED <{PLYMOUTH}> WHERE {{ GRAPH ?g {{ ?s a csp:SourceDocument }} }}"
    assert column(api_client.get("/sparql", params={"query": query}), "g") == [PLYMOUTH]


def test_named_graph_uri_overrides_from_named(api_client):
    query = f"SELECT ?g ?s FROM NAMED <{PLYMOUTH}> WHERE {{ GRAPH ?g {{ ?s a csp:SourceDocument }} }}"
    r = api_client.post("/sparql", data={"query": query, "named-graph-uri": PANEL})
    assert column(r, "g") == [PANEL]


def test_named_graph_uri_alone_leaves_the_default_graph_empty(api_client):
    r = api_client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "named-graph-uri": PANEL}
    )
    assert column(r, "n") == ["0"]
    r = api_client.get("/sparql", params={"query": NAMED_SOURCES, "named-graph-uri": PANEL})
    assert column(r, "g") == [PANEL]


def test_without_dataset_parameters_every_named_graph_is_available(api_client):
    assert set(column(api_client.get("/sparql", params={"query": NAMED_SOURCES}), "g")) == {
        PLYMOUTH,
        PANEL,
        GRAPH + "register-national-bodies",
    }


def test_an_empty_default_graph_uri_names_no_graph(api_client):
    """Some clients send `default-graph-uri=` when no graph is chosen: the union stays the default."""
    whole = column(api_client.get("/sparql", params={"query": SOURCES}), "s")
    assert column(api_client.get("/sparql", params={"query": SOURCES, "default-graph-uri": ""}), "s") == whole
    r = api_client.post("/sparql", data={"query": SOURCES, "default-graph-uri": "", "named-graph-uri": ""})
    assert column(r, "s") == whole


def test_an_empty_graph_uri_beside_a_real_one_is_left_out(api_client):
    r = api_client.get(
        "/sparql", params=[("query", SOURCES), ("default-graph-uri", ""), ("default-graph-uri", PANEL)]
    )
    assert column(r, "s") == [SOURCE + "devon-and-cornwall-pcp-2016-01"]


def test_an_empty_query_is_400_with_the_parsers_message(api_client):
    r = api_client.get("/sparql", params={"query": ""})
    assert r.status_code == 400 and r.json()["type"].endswith("/malformed-query")


def test_a_malformed_query_is_400_with_the_problem_in_words(api_client):
    r = api_client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p "})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"].endswith("/malformed-query") and problem["status"] == 400
    assert problem["detail"].startswith("line 1, column 17: a '}' is missing")
    assert (problem["line"], problem["column"]) == (1, 17)


@pytest.mark.parametrize(
    "query,line,column,words",
    [
        ("SELECT ?x WHERE { ?x a ons:Thing }", 1, 24, "prefix ons: is not declared"),
        (
            "PREFIX ons: <urn:x#>\nSELECT ?x WHERE {\n  ?x a ons:T ; foo:bar 1 }",
            3,
            16,
            "prefix foo: is not declared",
        ),
        (
            'SELECT ?x WHERE {\n  ?x a csp:Body\n  FILTER (CONTAINS(?x, "(a)")\n}',
            4,
            1,
            "a ')' is missing: the '(' opened at line 3, column 10 is not closed before this '}'",
        ),
        ("SELECT ?x WHERE { ?x a csp:Body ]", 1, 33, "a '}' is missing"),
        ("# a comment with (\nSELEC ?x WHERE { ?x a csp:Body }", 2, 1, "starts with SELECT, CONSTRUCT"),
        ("SELECT ?x WHERE { ?x a csp:Body } LIMT 3", 1, 35, "(at: 'LIMT 3')"),
    ],
)
def test_syntax_errors_are_said_in_words_with_their_line_and_column(api_client, query, line, column, words):
    problem = api_client.post("/sparql", data={"query": query}).json()
    assert words in problem["detail"] and (problem["line"], problem["column"]) == (line, column)
    assert problem["detail"].startswith(f"line {line}, column {column}: ")
    assert "\\u{" not in problem["detail"] and "..=" not in problem["detail"]  # no character classes


def test_two_query_parameters_are_400(api_client):
    r = api_client.get("/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")]))
    assert r.status_code == 400 and "2 'query' parameters" in r.json()["detail"]


def test_a_query_in_the_url_and_in_the_body_is_two_queries(api_client):
    r = api_client.post(
        "/sparql?" + urlencode({"query": "ASK {}"}),
        content="ASK {}",
        headers={"content-type": "application/sparql-query"},
    )
    assert r.status_code == 400


def test_a_post_without_query_is_400(api_client):
    r = api_client.post("/sparql", data={"default-graph-uri": PLYMOUTH})
    assert r.status_code == 400 and "no 'query'" in r.json()["detail"]


def test_dataset_parameters_without_query_are_400(api_client):
    assert api_client.get("/sparql", params={"default-graph-uri": PLYMOUTH}).status_code == 400


def test_a_graph_uri_that_is_not_an_iri_is_400(api_client):
    r = api_client.get("/sparql", params={"query": SOURCES, "default-graph-uri": "not an iri"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-results+json", None]
)
def test_a_post_of_another_media_type_is_415(api_client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    r = api_client.post("/sparql", content=SOURCES.encode(), headers=headers)
    assert r.status_code == 415
    assert r.headers["content-type"] == "application/problem+json"
    assert "application/sparql-query" in r.json()["detail"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_writing_methods_are_405(api_client, method):
    r = api_client.request(
        method, "/sparql", content=b"<a> <b> <c> .", headers={"content-type": "text/turtle"}
    )
    assert r.status_code == 405
    assert "GET" in r.headers["allow"] and "POST" in r.headers["allow"]
    assert r.json()["type"].endswith("/method-not-allowed")


@pytest.mark.parametrize("charset", ["UTF-16", "ISO-8859-1"])
@pytest.mark.parametrize("media_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_body_in_another_charset_than_utf8_is_refused(api_client, charset, media_type):
    """The protocol takes queries in UTF-8 only: another charset is refused, not guessed at."""
    query = 'SELECT ?x WHERE { BIND ("Ünïcode" AS ?x) }'
    body = query if media_type.endswith("sparql-query") else urlencode({"query": query})
    r = api_client.post(
        "/sparql", content=body.encode(charset), headers={"content-type": f"{media_type}; charset={charset}"}
    )
    assert r.status_code == 415 and "UTF-8" in r.json()["detail"]


def test_a_body_declared_utf8_is_read(api_client):
    query = 'SELECT ?x WHERE { BIND ("Ünïcode" AS ?x) }'
    r = api_client.post(
        "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query; charset=UTF-8"}
    )
    assert column(r, "x") == ["Ünïcode"]


def test_bytes_that_are_not_utf8_are_400(api_client):
    r = api_client.post(
        "/sparql",
        content=b'SELECT * WHERE { ?s ?p "\xff" }',
        headers={"content-type": "application/sparql-query"},
    )
    assert r.status_code == 400


def test_the_usual_prefixes_are_declared(api_client):
    r = api_client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?n WHERE { ?b a csp:CommunitySafetyPartnership ; skos:prefLabel ?n }"
        },
    )
    assert column(r, "n") == ["Plymouth Community Safety Partnership"]


# -- the service description ---------------------------------------------------------------
def test_a_bare_get_gives_the_service_description_in_turtle(api_client):
    r = api_client.get("/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in g
    assert len(list(g.objects(endpoint, SD.resultFormat))) == 8
    dataset = g.value(endpoint, SD.defaultDataset)
    assert (dataset, VOID.sparqlEndpoint, endpoint) in g
    assert (dataset, VOID.uriSpace, Literal("https://w3id.org/cspkg/id/")) in g
    names = {g.value(n, SD.name) for n in g.objects(dataset, SD.namedGraph)}
    assert {URIRef(PLYMOUTH), URIRef(PANEL)} <= names
    triples = {
        g.value(n, SD.name): cast(Literal, g.value(g.value(n, SD.graph), VOID.triples)).toPython()
        for n in g.objects(dataset, SD.namedGraph)
    }
    assert triples[URIRef(PANEL)] > 100
    partitions = {
        g.value(p, VOID["class"]): cast(Literal, g.value(p, VOID.entities)).toPython()
        for p in g.objects(dataset, VOID.classPartition)
    }
    assert partitions[URIRef("https://w3id.org/cspkg/def#AccountabilityLink")] == 12


def test_the_service_description_is_turtle_by_default(api_client):
    r = api_client.get("/sparql", headers={"accept": "*/*"})
    assert r.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(
    "accept,fmt",
    [("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"), ("application/n-triples", "nt")],
)
def test_the_service_description_in_other_rdf_formats(api_client, accept, fmt):
    r = api_client.get("/sparql", headers={"accept": accept})
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    assert (URIRef("http://testserver/sparql"), SD.supportedLanguage, SD.SPARQL11Query) in g


def test_a_browser_gets_a_query_form(api_client):
    r = api_client.get("/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert "<form" in r.text and 'name="query"' in r.text


def test_relative_iris_in_a_query_resolve_against_the_base_uri(api_client):
    """The protocol leaves the base IRI to the service: here it is the graph's base URI, so
    `<id/body/x>` is the resource, and the same on any host (answers are kept across hosts)."""
    r = api_client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND (<id/body/plymouth-csp> AS ?x) }"})
    assert column(r, "x") == ["https://w3id.org/cspkg/id/body/plymouth-csp"]
    r = api_client.get(
        "/sparql", params={"query": "BASE <http://example.org/a/> SELECT ?x WHERE { BIND (<y> AS ?x) }"}
    )
    assert column(r, "x") == ["http://example.org/a/y"]
