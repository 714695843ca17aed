"""The W3C SPARQL 1.1 Protocol tests (rdf-tests, sparql/sparql11/protocol/manifest.ttl), every
case of the manifest written out here and sent over HTTP to a real server holding the manifest's
three graphs (each names itself a foaf:Document).

The query cases must pass as the manifest says. This endpoint is read-only: it offers the query
operation, not the update operation, so the manifest's update cases that expect success are
checked as refused (403 update-refused) and those that expect a 4xx pass as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF

from graph_build.store import EmbeddedStore
from graph_build.store.base import BuildInfo
from graph_build.triples import Triple
from tests.fixtures import api_settings_for, start_api_server, stop_api_server

KASEI = "http://kasei.us/2009/09/sparql/data/"
DATA = [KASEI + f"data{n}.rdf" for n in (1, 2, 3)]
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


def q(text: str) -> str:
    return quote(text, safe="")


def dataset(default: tuple[int, ...] = (), named: tuple[int, ...] = ()) -> str:
    pairs = [f"default-graph-uri={q(KASEI + f'data{n}.rdf')}" for n in default]
    pairs += [f"named-graph-uri={q(KASEI + f'data{n}.rdf')}" for n in named]
    return "&".join(pairs)


DATA0 = f"default-graph-uri={q(KASEI + 'data0.rdf')}"
BOTH_DEFAULT = f"ASK {{ <{DATA[0]}> a ?type . <{DATA[1]}> a ?type . }}"
BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{DATA[0]}> a ?type }} GRAPH ?g2 {{ <{DATA[1]}> a ?type }} }}"
FULL = f"ASK {{\n  <{DATA[2]}> a ?type\n  GRAPH ?g1 {{ <{DATA[0]}> a ?type }}\n  GRAPH ?g2 {{ <{DATA[1]}> a ?type }}\n}}"
FROM_AND_PROTOCOL = (
    f"ASK FROM <{DATA[2]}> {{ GRAPH ?g1 {{ <{DATA[0]}> a ?type }} GRAPH ?g2 {{ <{DATA[1]}> a ?type }} }}"
)
INSERT = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
    "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> a foaf:Document } }"
)


@dataclass(frozen=True)
class Case:
    """One request of the manifest and what its response must be."""

    method: str
    query_string: str = ""
    content_type: str | None = None
    body: bytes | None = None
    status: int = 2  # the expected status class (2: 2xx or 3xx, 4: 4xx)
    form: str | None = None  # boolean, tabular, RDF
    boolean: bool | None = None
    refused_update: bool = False  # an update case expecting success: this endpoint refuses it


QUERY_CASES = {
    "query_post_form": Case("POST", DATA0, FORM, b"query=ASK%20%7B%7D", form="boolean", boolean=True),
    "query_dataset_default_graphs_get": Case(
        "GET", f"query={q(BOTH_DEFAULT)}&{dataset(default=(1, 2))}", form="boolean", boolean=True
    ),
    "query_dataset_default_graphs_post": Case(
        "POST", dataset(default=(1, 2)), QUERY, BOTH_DEFAULT.encode(), form="boolean", boolean=True
    ),
    "query_dataset_named_graphs_post": Case(
        "POST", dataset(named=(1, 2)), QUERY, BOTH_NAMED.encode(), form="boolean", boolean=True
    ),
    "query_dataset_named_graphs_get": Case(
        "GET", f"query={q(BOTH_NAMED)}&{dataset(named=(1, 2))}", form="boolean", boolean=True
    ),
    "query_dataset_full": Case(
        "POST", dataset(default=(3,), named=(1, 2)), QUERY, FULL.encode(), form="boolean", boolean=True
    ),
    "query_multiple_dataset": Case(
        "POST", dataset(named=(1, 2)), QUERY, FROM_AND_PROTOCOL.encode(), form="boolean", boolean=True
    ),
    "query_get": Case("GET", f"query=ASK%20%7B%7D&{DATA0}", form="boolean", boolean=True),
    "query_content_type_select": Case("POST", DATA0, QUERY, b"SELECT (1 AS ?value) {}", form="tabular"),
    "query_content_type_ask": Case("POST", DATA0, QUERY, b"ASK {}", form="boolean"),
    "query_content_type_describe": Case("POST", DATA0, QUERY, b"DESCRIBE <http://example.org/>", form="RDF"),
    "query_content_type_construct": Case(
        "POST", DATA0, QUERY, b"CONSTRUCT { <s> <p> 1 } WHERE {}", form="RDF"
    ),
    "query_post_direct": Case("POST", "", QUERY, b"ASK {}", form="boolean", boolean=True),
    "bad_query_method": Case("PUT", f"query=ASK%20%7B%7D&{DATA0}", FORM, status=4),
    "bad_multiple_queries": Case("GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=4),
    "bad_query_wrong_media_type": Case("POST", "", "text/plain", b"ASK {}", status=4),
    "bad_query_missing_form_type": Case("POST", "", None, b"query=ASK%20%7B%7D", status=4),
    "bad_query_missing_direct_type": Case("POST", "", None, b"ASK {}", status=4),
    "bad_query_non_utf8": Case("POST", "", f"{QUERY}; charset=UTF-16", "ASK {}".encode("utf-16"), status=4),
    "bad_query_syntax": Case("GET", "query=ASK%20%7B", status=4),
}
USING = f"using-graph-uri={q(DATA[0])}"
UPDATE_CASES = {
    "update_dataset_default_graph": Case("POST", USING, UPDATE, INSERT.encode(), refused_update=True),
    "update_dataset_default_graphs": Case(
        "POST", f"{USING}&using-graph-uri={q(DATA[1])}", UPDATE, INSERT.encode(), refused_update=True
    ),
    "update_dataset_named_graphs": Case(
        "POST", f"using-named-graph-uri={q(DATA[0])}", UPDATE, INSERT.encode(), refused_update=True
    ),
    "update_dataset_full": Case(
        "POST", f"{USING}&using-named-graph-uri={q(DATA[1])}", UPDATE, INSERT.encode(), refused_update=True
    ),
    "update_post_form": Case("POST", "", FORM, b"update=CLEAR+ALL", refused_update=True),
    "update_post_direct": Case("POST", "", UPDATE, b"CLEAR ALL", refused_update=True),
    "update_base_uri": Case(
        "POST",
        "",
        UPDATE,
        b"CLEAR SILENT GRAPH <http://example.org/protocol-base-test/>",
        refused_update=True,
    ),
    "bad_update_get": Case("GET", "update=CLEAR%20ALL", status=4),
    "bad_multiple_updates": Case("POST", "", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", status=4),
    "bad_update_wrong_media_type": Case("POST", "", "text/plain", b"CLEAR NAMED", status=4),
    "bad_update_missing_form_type": Case("POST", "", None, b"update=CLEAR%20NAMED", status=4),
    "bad_update_non_utf8": Case(
        "POST", "", f"{UPDATE}; charset=UTF-16", "CLEAR NAMED".encode("utf-16"), status=4
    ),
    "bad_update_syntax": Case("POST", "", FORM, b"update=CLEAR%20XYZ", status=4),
    "bad_update_dataset_conflict": Case(
        "POST",
        "using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        UPDATE,
        b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        b"DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' }\n"
        b"USING <http://example/addresses> WHERE { ?person foaf:givenName 'Bill' }",
        status=4,
    ),
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """The API on a real server over a store holding the manifest's graphs data1-3."""
    store_dir = tmp_path_factory.mktemp("w3c") / "store"
    graphs: dict[URIRef, Iterable[Triple]] = {
        URIRef(iri): [(URIRef(iri), RDF.type, FOAF.Document)] for iri in DATA
    }
    EmbeddedStore(store_dir).publish(graphs, BuildInfo("w3c-protocol", "2026-01-01T00:00:00+00:00", "-"))
    proc, base = start_api_server(api_settings_for(store_dir))
    try:
        yield base + "/sparql"
    finally:
        stop_api_server(proc)


def send(endpoint: str, case: Case) -> httpx.Response:
    headers = {"content-type": case.content_type} if case.content_type else {}
    url = endpoint + ("?" + case.query_string if case.query_string else "")
    return httpx.request(case.method, url, content=case.body, headers=headers, timeout=30)


def check_form(response: httpx.Response, case: Case) -> None:
    media_type = response.headers["content-type"].split(";")[0]
    if case.form == "boolean":
        assert media_type in BOOLEAN_TYPES
        if media_type.endswith("json"):
            answer = json.loads(response.content)["boolean"]
        else:
            answer = b"<boolean>true</boolean>" in response.content
        assert case.boolean is None or answer is case.boolean
    elif case.form == "tabular":
        assert media_type in TABULAR_TYPES
    elif case.form == "RDF":
        assert media_type in RDF_TYPES
        Graph().parse(data=response.content, format={"text/turtle": "turtle"}.get(media_type, "xml"))


@pytest.mark.parametrize("name", QUERY_CASES)
def test_query_case(endpoint, name):
    case = QUERY_CASES[name]
    response = send(endpoint, case)
    assert response.status_code // 100 in ((2, 3) if case.status == 2 else (4,)), response.text
    check_form(response, case)


@pytest.mark.parametrize("name", UPDATE_CASES)
def test_update_case(endpoint, name):
    case = UPDATE_CASES[name]
    response = send(endpoint, case)
    if case.refused_update:
        assert response.status_code == 403 and response.json()["type"].endswith("/update-refused")
    else:
        assert response.status_code // 100 == 4, response.text


def test_the_graphs_are_untouched_by_the_update_cases(endpoint):
    for case in UPDATE_CASES.values():
        send(endpoint, case)
    r = httpx.get(
        endpoint, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}, timeout=30
    )
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "3"
