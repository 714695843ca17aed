"""/sparql with the clients people already use, against a real server on loopback: SPARQLWrapper
in every return format by GET, form POST and direct POST; rdflib's SPARQLStore; the form POST a
browser (or YASGUI) makes."""

from __future__ import annotations

import csv
import io
import json
import warnings
from typing import Any
from xml.dom.minidom import Document, Element, Text

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultRow
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

PANEL = "https://w3id.org/cspkg/id/body/devon-and-cornwall-police-and-crime-panel"
PANEL_NAME = "Devon and Cornwall Police and Crime Panel"
SKOS_LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
CSP = "https://w3id.org/cspkg/def#"

SELECT = (
    "PREFIX csp: <https://w3id.org/cspkg/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?s ?n WHERE { ?s a csp:PoliceAndCrimePanel ; skos:prefLabel ?n }"
)
ASK = "PREFIX csp: <https://w3id.org/cspkg/def#>\nASK { ?s a csp:PoliceAndCrimePanel }"
CONSTRUCT = (
    "PREFIX csp: <https://w3id.org/cspkg/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "CONSTRUCT { ?s skos:prefLabel ?n } WHERE { ?s a csp:PoliceAndCrimePanel ; skos:prefLabel ?n }"
)
DESCRIBE = f"DESCRIBE <{PANEL}>"

METHODS = {"GET": None, "POST form": URLENCODED, "POST direct": POSTDIRECTLY}
GRAPH_FORMATS = [TURTLE, N3, RDFXML, RDF, XML, JSONLD, JSON]


def wrapper(base: str, query: str, return_format: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    request_method = METHODS[method]
    if request_method is not None:
        client.setMethod(POST)
        client.setRequestMethod(request_method)
    return client


def converted(client: SPARQLWrapper) -> Any:
    """The answer as SPARQLWrapper converts it; a warning that the endpoint answered in a format
    other than the one asked for fails. (For RDF and JSON on a graph, SPARQLWrapper itself warns
    that it sends Accept */*: then the `format` parameter alone says what it wants.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return result.convert()


def _value_text(binding: Element) -> str:
    """The text of a result binding's value element (<uri>, <literal> or <bnode>)."""
    value = binding.firstChild
    text = value.firstChild if value is not None else None
    assert isinstance(text, Text), binding.toxml()
    return text.data


def as_graph(result: object, return_format: str) -> Graph:
    if isinstance(result, Graph):
        return result
    fmt = {TURTLE: "turtle", N3: "n3"}[return_format]
    assert isinstance(result, (str, bytes))
    return Graph().parse(data=result, format=fmt)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_select_in_every_result_format(live_api, return_format, method):
    result = converted(wrapper(live_api, SELECT, return_format, method))
    rows: list[tuple[str, ...]]
    if return_format == JSON:
        rows = [(b["s"]["value"], b["n"]["value"]) for b in result["results"]["bindings"]]
    elif return_format == XML:
        assert isinstance(result, Document)
        rows = [
            tuple(_value_text(b) for b in r.getElementsByTagName("binding"))
            for r in result.getElementsByTagName("result")
        ]
    else:
        delimiter = "," if return_format == CSV else "\t"
        table = list(csv.reader(io.StringIO(result.decode()), delimiter=delimiter))
        rows = [tuple(cell.strip('<>"') for cell in row) for row in table[1:]]
    assert rows == [(PANEL, PANEL_NAME)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", [JSON, XML])
def test_ask_in_every_result_format(live_api, return_format, method):
    result = converted(wrapper(live_api, ASK, return_format, method))
    if return_format == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", GRAPH_FORMATS)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["CONSTRUCT", "DESCRIBE"])
def test_graphs_in_every_rdf_format(live_api, query, return_format, method):
    client = wrapper(live_api, query, return_format, method)
    graph = as_graph(converted(client), return_format)
    assert (URIRef(PANEL), SKOS_LABEL, Literal(PANEL_NAME)) in graph
    if query == DESCRIBE:
        assert (URIRef(PANEL), None, None) in graph and len(graph) > 3


@pytest.mark.parametrize("method", ["GET", "POST form"])
def test_sparqlwrapper_format_names_give_the_media_type_asked(live_api, method):
    """The `format` / `output` parameters SPARQLWrapper sends decide the answer's media type."""
    expected = {RDFXML: "application/rdf+xml", JSONLD: "application/ld+json", N3: "text/turtle"}
    for return_format, media_type in expected.items():
        response = wrapper(live_api, CONSTRUCT, return_format, method).query().response
        assert response.headers["content-type"].split(";")[0] == media_type


# -- rdflib's SPARQLStore ----------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_reads_the_endpoint(live_api, method):
    graph = Graph(SPARQLStore(live_api + "/sparql", method=method, returnFormat="json"))
    rows = list(graph.query(SELECT))
    assert [(str(row[0]), str(row[1])) for row in rows if isinstance(row, ResultRow)] == [(PANEL, PANEL_NAME)]
    assert graph.query(ASK).askAnswer is True
    assert (URIRef(PANEL), SKOS_LABEL, Literal(PANEL_NAME)) in graph
    labels = set(graph.objects(URIRef(PANEL), SKOS_LABEL))
    assert Literal(PANEL_NAME) in labels


def test_rdflib_sparqlstore_constructs_a_graph(live_api):
    graph = Graph(SPARQLStore(live_api + "/sparql", returnFormat="xml"))
    result = graph.query(CONSTRUCT).graph
    assert result is not None
    assert (URIRef(PANEL), SKOS_LABEL, Literal(PANEL_NAME)) in result


def test_rdflib_sparqlstore_counts_triples(live_api):
    graph = Graph(SPARQLStore(live_api + "/sparql"))
    n = len(graph)
    counted = httpx.get(
        live_api + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=30
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert n == int(counted) > 0


# -- what browsers and YASGUI send -------------------------------------------------------------
def test_form_post_as_a_browser_sends_it(live_api):
    """An HTML form (and YASGUI): form-encoded body with charset, Accept of several types."""
    r = httpx.post(
        live_api + "/sparql",
        content=("query=" + httpx.QueryParams({"q": SELECT})["q"]).encode(),
        headers={
            "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
            "accept": "application/sparql-results+json,*/*;q=0.9",
            "origin": "http://127.0.0.1:1",
        },
        timeout=30,
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    assert r.headers["access-control-allow-origin"] == "*"
    assert json.loads(r.content)["results"]["bindings"][0]["n"]["value"] == PANEL_NAME


def test_yasgui_construct_by_form_post(live_api):
    r = httpx.post(
        live_api + "/sparql",
        data={"query": CONSTRUCT},
        headers={"accept": "text/turtle,*/*;q=0.9"},
        timeout=30,
    )
    assert r.headers["content-type"].startswith("text/turtle")
    assert (URIRef(PANEL), SKOS_LABEL, Literal(PANEL_NAME)) in Graph().parse(data=r.text, format="turtle")
