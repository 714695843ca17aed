"""The vocabulary as linked data: /ontology and the code lists in every RDF format, and every term
and code URI of the ontology dereferencing (303) to a document that describes it, checked with
rdflib reading URLs from a real server as any linked-data client would."""

from __future__ import annotations

import json
from functools import cache

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from tests.fixtures import ROOT

DEF = "https://w3id.org/cspkg/def"
CSP = DEF + "#"
SCRUTINY = URIRef(DEF + "/mechanism/scrutiny")
RDF_FORMATS = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


def local(live_api: str, iri: str) -> str:
    """The URL of a vocabulary IRI on the test server (the base URI points at the API)."""
    return iri.replace("https://w3id.org/cspkg", live_api)


@cache
def fetched(url: str) -> Graph:
    """What rdflib reads at a URL, following redirects, asking with its own Accept header."""
    return Graph().parse(url)


@pytest.fixture(scope="module")
def ontology(live_api: str) -> Graph:
    return fetched(live_api + "/ontology")


@pytest.mark.parametrize("accept", RDF_FORMATS)
def test_ontology_in_each_rdf_format_by_accept_and_by_format(live_api, ontology, accept):
    name, syntax = RDF_FORMATS[accept]
    by_accept = httpx.get(live_api + "/ontology", headers={"accept": accept}, timeout=30)
    by_name = httpx.get(live_api + "/ontology", params={"format": name}, timeout=30)
    for r in (by_accept, by_name):
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
        assert "Accept" in r.headers["vary"] and r.headers["etag"]
        assert isomorphic(Graph().parse(data=r.content, format=syntax), ontology)
    assert (
        URIRef(CSP + "AccountabilityLink"),
        RDF.type,
        URIRef("http://www.w3.org/2002/07/owl#Class"),
    ) in ontology
    assert (SCRUTINY, SKOS.inScheme, URIRef(CSP + "Mechanisms")) in ontology


def test_each_format_has_its_own_etag(live_api):
    tags = {
        httpx.get(live_api + "/ontology", headers={"accept": a}, timeout=30).headers["etag"]
        for a in (*RDF_FORMATS, "text/html")
    }
    assert len(tags) == 5


def test_browsers_get_the_ontology_page(live_api):
    r = httpx.get(live_api + "/ontology", headers={"accept": "text/html,*/*;q=0.8"}, timeout=30)
    assert r.headers["content-type"].startswith("text/html") and 'id="AccountabilityLink"' in r.text


def test_every_term_uri_dereferences_to_a_document_describing_it(live_api, ontology, sample):
    """Classes, properties, schemes (…/def#X) and codes (…/def/list/code): rdflib follows the
    303 and finds the term described in what it reads (every term in the whole suite, a sample
    in the fast tier)."""
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(DEF)}
    codes = {t for t in terms if str(t).startswith(DEF + "/")}
    assert len(codes) > 30 and len(terms - codes) > 50
    for term in sample(sorted(terms), 12):
        document = fetched(local(live_api, str(term)).partition("#")[0])
        assert (term, None, None) in document, term
        assert document.value(term, RDFS.label) or document.value(term, SKOS.prefLabel), term


def test_a_code_uri_answers_303_to_its_code_list_at_the_code(live_api):
    r = httpx.get(local(live_api, str(SCRUTINY)), headers={"accept": "text/turtle"}, timeout=30)
    assert r.status_code == 303 and r.headers["location"] == live_api + "/ontology/mechanism#scrutiny"
    document = Graph().parse(data=httpx.get(r.headers["location"], headers={"accept": "text/turtle"}).text)
    assert str(document.value(SCRUTINY, SKOS.notation)) == "scrutiny"
    assert (URIRef(CSP + "Mechanisms"), RDF.type, SKOS.ConceptScheme) in document
    assert not list(document.subjects(SKOS.inScheme, URIRef(CSP + "Statuses")))  # that list only


def test_the_namespace_answers_303_to_the_ontology(live_api):
    r = httpx.get(live_api + "/def", timeout=30)
    assert r.status_code == 303 and r.headers["location"] == live_api + "/ontology"


def test_browsers_land_on_the_code_in_its_list(live_api):
    r = httpx.get(
        local(live_api, str(SCRUTINY)), headers={"accept": "text/html"}, follow_redirects=True, timeout=30
    )
    assert r.url.fragment == "scrutiny" and r.headers["content-type"].startswith("text/html")
    assert '<tr id="scrutiny">' in r.text and "Scrutiny" in r.text


@pytest.mark.parametrize("accept", RDF_FORMATS)
def test_a_code_list_in_each_rdf_format(live_api, accept):
    name, syntax = RDF_FORMATS[accept]
    r = httpx.get(live_api + "/ontology/status", params={"format": name}, timeout=30)
    assert r.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=r.content, format=syntax)
    assert (URIRef(DEF + "/status/statutory"), SKOS.inScheme, URIRef(CSP + "Statuses")) in graph


@pytest.mark.parametrize(
    "path",
    ["/def/mechanism/no-such-code", "/def/no-such-list/scrutiny", "/ontology/no-such-list", "/def/a/b/c"],
)
def test_unknown_codes_and_lists_are_404(live_api, path):
    r = httpx.get(live_api + path, timeout=30)
    assert r.status_code == 404


def test_views_link_codes_that_dereference(live_api):
    """A mechanism URI as a view gives it is one a client can follow."""
    view = httpx.get(
        live_api + "/bodies/devon-and-cornwall-police-and-crime-panel/accountability",
        headers={"accept": "text/turtle"},
        timeout=30,
    )
    mechanisms = {
        o for o in Graph().parse(data=view.text).objects() if str(o).startswith(DEF + "/mechanism/")
    }
    assert mechanisms
    for mechanism in mechanisms:
        assert (mechanism, SKOS.notation, None) in fetched(local(live_api, str(mechanism)))


def api_terms_of_the_context() -> set[URIRef]:
    """The API's own terms: what the published JSON-LD context maps into `cspapi:`."""
    context = json.loads((ROOT / "api" / "static" / "context.jsonld").read_text())["@context"]
    ids = [value if isinstance(value, str) else value.get("@id", "") for value in context.values()]
    return {URIRef(DEF + "/api#" + i.removeprefix("cspapi:")) for i in ids if i.startswith("cspapi:")}


def test_every_api_term_dereferences_to_a_document_describing_it(live_api):
    """`…/def/api#followed` is fetched as `…/def/api`: 303 to /ontology/api, where rdflib finds
    every term the context maps there, with a label and what it means."""
    r = httpx.get(live_api + "/def/api", timeout=30)
    assert r.status_code == 303 and r.headers["location"] == live_api + "/ontology/api"
    terms = api_terms_of_the_context()
    assert len(terms) > 15
    for accept in RDF_FORMATS:
        document = Graph().parse(
            data=httpx.get(live_api + "/ontology/api", headers={"accept": accept}, timeout=30).text,
            format=RDF_FORMATS[accept][1],
        )
        for term in terms:
            assert document.value(term, RDFS.label) and document.value(term, RDFS.comment), (accept, term)
    page = httpx.get(live_api + "/ontology/api", headers={"accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and all(f'id="{t.split("#")[1]}"' in page.text for t in terms)
    assert fetched(local(live_api, DEF + "/api")).value(URIRef(DEF + "/api#followed"), RDFS.label)
