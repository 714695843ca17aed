"""/sparql negotiates result formats (Accept with q-values, or ?format=) and every format gives
back exactly the characters the store holds."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

SELECT = "SELECT ?s ?n WHERE { ?s a csp:PoliceAndCrimePanel ; skos:prefLabel ?n }"
ASK = "ASK { ?s a csp:CommunitySafetyPartnership }"
CONSTRUCT = "CONSTRUCT { ?s skos:prefLabel ?n } WHERE { ?s a csp:PoliceAndCrimePanel ; skos:prefLabel ?n }"
DESCRIBE = "DESCRIBE <https://w3id.org/cspkg/id/person/andy-boulting>"
PANEL = "https://w3id.org/cspkg/id/body/devon-and-cornwall-police-and-crime-panel"

# Text with every kind of character a transport or format might mangle.
TRICKY = 'Café «Ünïcode» & <DV> "quoted" \\back\\slash\ttab\nnew line\r😀 ∑ , ; # ? % + = / \' end'
TRICKY_IRI = "https://example.org/päth/ü?q=a%20b&r=(c)#frag-ñ"


def sparql_string(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        + '"'
    )


TRICKY_SELECT = (
    f"SELECT ?text ?iri WHERE {{ BIND ({sparql_string(TRICKY)} AS ?text) BIND (<{TRICKY_IRI}> AS ?iri) }}"
)
TRICKY_CONSTRUCT = f"CONSTRUCT {{ <{TRICKY_IRI}> <urn:x:says> {sparql_string(TRICKY)} }} WHERE {{}}"


def get(client, query, accept=None, **params):
    headers = {"accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


# -- negotiation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept,expected",
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("application/json", "application/json"),
        ("text/*", "text/csv; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("text/turtle, text/tab-separated-values;q=0.2", "text/tab-separated-values; charset=utf-8"),
    ],
)
def test_select_results_follow_the_accept_header(api_client, accept, expected):
    r = get(api_client, SELECT, accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == expected
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize(
    "accept,expected",
    [
        (None, "text/turtle; charset=utf-8"),
        ("*/*", "text/turtle; charset=utf-8"),
        ("application/n-triples", "application/n-triples; charset=utf-8"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/sparql-results+json, application/ld+json;q=0.5", "application/ld+json"),
    ],
)
def test_construct_results_follow_the_accept_header(api_client, accept, expected):
    r = get(api_client, CONSTRUCT, accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == expected


@pytest.mark.parametrize(
    "query,accept",
    [
        (SELECT, "text/turtle"),
        (CONSTRUCT, "text/csv"),
        (SELECT, "image/png"),
        (CONSTRUCT, "application/sparql-results+xml;q=1, */*;q=0"),
    ],
)
def test_nothing_acceptable_is_406(api_client, query, accept):
    r = get(api_client, query, accept)
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "name,expected",
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
        ("json", "application/sparql-results+json"),
    ],
)
def test_format_parameter_wins_over_accept(api_client, name, expected):
    r = get(api_client, SELECT, "application/sparql-results+json", format=name)
    assert r.headers["content-type"].split(";")[0] == expected


def test_an_unknown_format_parameter_is_400(api_client):
    assert get(api_client, SELECT, format="yaml").status_code == 400


# -- content of each format --------------------------------------------------------------------
def test_select_as_json(api_client):
    doc = get(api_client, SELECT).json()
    assert doc["head"]["vars"] == ["s", "n"]
    (row,) = doc["results"]["bindings"]
    assert row["s"] == {"type": "uri", "value": PANEL}
    assert row["n"] == {"type": "literal", "value": "Devon and Cornwall Police and Crime Panel"}


def test_select_as_xml(api_client):
    root = ET.fromstring(get(api_client, SELECT, "application/sparql-results+xml").content)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["s", "n"]
    assert root.findtext("r:results/r:result/r:binding[@name='s']/r:uri", namespaces=ns) == PANEL


def test_select_as_csv(api_client):
    rows = list(csv.reader(io.StringIO(get(api_client, SELECT, "text/csv").text)))
    assert rows == [["s", "n"], [PANEL, "Devon and Cornwall Police and Crime Panel"]]


def test_select_as_tsv(api_client):
    lines = get(api_client, SELECT, "text/tab-separated-values").text.splitlines()
    assert lines == ["?s\t?n", f'<{PANEL}>\t"Devon and Cornwall Police and Crime Panel"']


def test_typed_and_unbound_values(api_client):
    query = "SELECT ?d ?none WHERE { <https://w3id.org/cspkg/id/body/devon-and-cornwall-pcc> csp:startDate ?d OPTIONAL { ?x <urn:no> ?none } }"
    (row,) = get(api_client, query).json()["results"]["bindings"]
    assert row == {
        "d": {"type": "literal", "value": "2012-11-22", "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    }
    assert (
        get(api_client, query, "text/tab-separated-values").text.splitlines()[1]
        == '"2012-11-22"^^<http://www.w3.org/2001/XMLSchema#date>\t'
    )


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("application/sparql-results+json", '{"head":{},"boolean":true}'),
        ("text/csv", "_askResult\r\ntrue\r\n"),
        ("text/tab-separated-values", "?_askResult\ntrue\n"),
    ],
)
def test_ask_results(api_client, accept, expected):
    assert get(api_client, ASK, accept).text == expected


def test_ask_as_xml(api_client):
    root = ET.fromstring(get(api_client, ASK, "application/sparql-results+xml").content)
    assert root.findtext("{http://www.w3.org/2005/sparql-results#}boolean") == "true"


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_each_rdf_format(api_client, accept, fmt):
    g = Graph().parse(data=get(api_client, CONSTRUCT, accept).content, format=fmt)
    assert set(g) == {
        (
            URIRef(PANEL),
            URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
            Literal("Devon and Cornwall Police and Crime Panel"),
        )
    }


def test_describe_gives_rdf(api_client):
    g = Graph().parse(data=get(api_client, DESCRIBE).text, format="turtle")
    assert (
        URIRef("https://w3id.org/cspkg/id/person/andy-boulting"),
        URIRef("http://xmlns.com/foaf/0.1/name"),
        Literal("Andy Boulting"),
    ) in g


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a csp:Meeting ; ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <https://w3id.org/cspkg/id/body/plymouth-csp-dv-group> } ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s csp:status/skos:notation 'questioned' ; ?p ?o }",
        DESCRIBE,
    ],
)  # each under the tests' result limit, so that both answers are whole
def test_construct_as_json_ld_holds_the_same_triples_as_turtle(api_client, query):
    """Typed and language-tagged literals, IRIs with any character: JSON-LD and Turtle agree."""
    turtle = Graph().parse(data=get(api_client, query, "text/turtle").content, format="turtle")
    r = get(api_client, query, "application/ld+json")
    assert r.headers["content-type"] == "application/ld+json"
    json_ld = Graph().parse(data=r.content, format="json-ld")
    assert len(turtle) > 5 and isomorphic(turtle, json_ld)


def test_an_empty_construct_is_an_empty_json_ld_document(api_client):
    r = get(api_client, "CONSTRUCT WHERE { ?s a <urn:nothing> }", "application/ld+json")
    assert r.status_code == 200 and r.json() == [] and r.headers["cspkg-result-count"] == "0"


# -- exact round trip of Unicode and reserved characters ----------------------------------------
_OX_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.mark.parametrize("accept", list(_OX_FORMATS))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unicode_and_reserved_characters_round_trip(api_client, accept, method):
    if method == "GET":
        r = get(api_client, TRICKY_SELECT, accept)
    else:
        r = api_client.post(
            "/sparql",
            content=TRICKY_SELECT.encode(),
            headers={"content-type": "application/sparql-query", "accept": accept},
        )
    results = ox.parse_query_results(r.content, format=_OX_FORMATS[accept])
    assert isinstance(results, ox.QuerySolutions)
    (solution,) = list(results)
    assert solution["text"].value == TRICKY
    assert solution["iri"].value == TRICKY_IRI


def test_unicode_round_trips_through_json_and_xml_parsers(api_client):
    (row,) = get(api_client, TRICKY_SELECT).json()["results"]["bindings"]
    assert row["text"]["value"] == TRICKY and row["iri"]["value"] == TRICKY_IRI
    root = ET.fromstring(get(api_client, TRICKY_SELECT, "application/sparql-results+xml").content)
    assert root.findtext(".//{http://www.w3.org/2005/sparql-results#}literal") == TRICKY
    assert root.findtext(".//{http://www.w3.org/2005/sparql-results#}uri") == TRICKY_IRI


def test_unicode_round_trips_through_csv(api_client):
    r = get(api_client, TRICKY_SELECT, "text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
    assert rows[1] == [TRICKY, TRICKY_IRI]


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_unicode_round_trips_through_rdf_formats(api_client, accept, fmt):
    g = Graph().parse(data=get(api_client, TRICKY_CONSTRUCT, accept).content, format=fmt)
    ((s, _, o),) = list(g)
    assert str(s) == TRICKY_IRI
    assert str(o) == TRICKY


def test_stored_unicode_comes_back_exactly(api_client):
    query = "SELECT ?alt WHERE { <https://w3id.org/cspkg/id/body/plymouth-csp-dv-group> skos:altLabel ?alt }"
    assert [b["alt"]["value"] for b in get(api_client, query).json()["results"]["bindings"]] == [
        "Café «Ünïcode» & <DV> group"
    ]
    assert json.loads(get(api_client, query).content.decode("utf-8"))  # UTF-8, not escaped away
    assert "Café «Ünïcode» &" in get(api_client, query).content.decode("utf-8")
