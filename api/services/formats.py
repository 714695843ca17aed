"""Which result format a /sparql request asks for: the Accept header (q-values), or the `format`
and `output` parameters that clients send as well as or instead of Accept.

The parameters are not part of the SPARQL 1.1 Protocol, but mature endpoints (Virtuoso, Fuseki)
take them, and clients send them: SPARQLWrapper sends both, each as a name (`json`, `rdf+xml`,
`json-ld`, `n3` ...) and, for some formats, once more as a media type. Each value may be a name or
a media type; values that name nothing known are ignored when another value is known. A query
form the values do not cover (`format=csv` for a CONSTRUCT) is answered by Accept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from graph_build.store.base import Formats

from ..negotiation import acceptable
from ..problems import Problem

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
JSONLD = "application/ld+json"

# What Accept may ask for, in the server's order; aliases map to the canonical type per form.
SOLUTION_OFFERS = {
    JSON_RESULTS: JSON_RESULTS,
    XML_RESULTS: XML_RESULTS,
    CSV: CSV,
    TSV: TSV,
    "application/json": JSON_RESULTS,
    "application/xml": XML_RESULTS,
    "text/xml": XML_RESULTS,
}
GRAPH_OFFERS = {
    TURTLE: TURTLE,
    NTRIPLES: NTRIPLES,
    RDFXML: RDFXML,
    JSONLD: JSONLD,
    "application/x-turtle": TURTLE,
    "application/xml": RDFXML,
    "text/xml": RDFXML,
    "application/json": JSONLD,
}

# `format` / `output` values: (solutions format, graph format); None where the name says nothing.
_JSON = (JSON_RESULTS, JSONLD)
_XML = (XML_RESULTS, RDFXML)
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": _JSON,
    "xml": _XML,
    "csv": (CSV, None),
    "tsv": (TSV, None),
    "ttl": (None, TURTLE),
    "turtle": (None, TURTLE),
    "n3": (None, TURTLE),  # Turtle is N3
    "nt": (None, NTRIPLES),
    "ntriples": (None, NTRIPLES),
    "n-triples": (None, NTRIPLES),
    "rdf": (None, RDFXML),
    "rdfxml": (None, RDFXML),
    "rdf+xml": (None, RDFXML),
    "jsonld": (None, JSONLD),
    "json-ld": (None, JSONLD),
}
FORMAT_MEDIA_TYPES: dict[str, tuple[str | None, str | None]] = {
    **{media_type: (canonical, None) for media_type, canonical in SOLUTION_OFFERS.items()},
    **{media_type: (None, canonical) for media_type, canonical in GRAPH_OFFERS.items()},
    "application/json": _JSON,
    "application/xml": _XML,
    "text/xml": _XML,
    "text/n3": (None, TURTLE),
    "text/rdf+n3": (None, TURTLE),
    "application/turtle": (None, TURTLE),
    "text/plain": (None, NTRIPLES),
}


@dataclass(frozen=True)
class Negotiated:
    formats: Formats
    served_as: tuple[tuple[str, str], ...]  # canonical media type → the type named in the response

    def media_type(self, canonical: str) -> str:
        return dict(self.served_as).get(canonical, canonical)


def named_format(value: str) -> tuple[str | None, str | None] | None:
    """What one `format` / `output` value asks for (a name or a media type), None if unknown."""
    key = value.split(";")[0].strip().lower()
    return FORMAT_NAMES.get(key) or FORMAT_MEDIA_TYPES.get(key)


def _by_accept(accept: str | None) -> Negotiated:
    served: dict[str, str] = {}

    def canonical(offers: dict[str, str]) -> tuple[str, ...]:
        found: list[str] = []
        for offered in acceptable(accept, list(offers)):
            canon = offers[offered]
            if canon not in found:
                found.append(canon)
                served.setdefault(canon, offered)
        return tuple(found)

    formats = Formats(solutions=canonical(SOLUTION_OFFERS), graph=canonical(GRAPH_OFFERS))
    return Negotiated(formats, tuple(served.items()))


@lru_cache(maxsize=256)
def negotiate(accept: str | None, format_values: tuple[str, ...] = ()) -> Negotiated:
    """Acceptable result formats for each query form: those the `format` / `output` values name,
    then Accept (q-values) for a form they leave open. 400 when no value is known; 406 when
    nothing is acceptable at all."""
    by_accept = _by_accept(accept)
    if format_values:
        known = [found for value in format_values if (found := named_format(value))]
        if not known:
            raise Problem(
                400,
                "invalid-parameter",
                f"format: {', '.join(repr(v) for v in format_values)} names no result format; "
                f"give one of {', '.join(FORMAT_NAMES)} or a media type such as {JSON_RESULTS}",
                errors=[{"parameter": "format", "in": "query", "rule": "unknown format"}],
            )
        solutions = _unique(s for s, _ in known if s)
        graph = _unique(g for _, g in known if g)
        formats = Formats(
            solutions=solutions or by_accept.formats.solutions, graph=graph or by_accept.formats.graph
        )
        open_forms = (() if solutions else by_accept.formats.solutions) + (
            () if graph else by_accept.formats.graph
        )
        return Negotiated(formats, tuple((c, t) for c, t in by_accept.served_as if c in open_forms))
    if not by_accept.formats.solutions and not by_accept.formats.graph:
        raise Problem(
            406,
            "not-acceptable",
            "none of the media types in Accept is a SPARQL result format; offered: "
            + ", ".join(dict.fromkeys(list(SOLUTION_OFFERS) + list(GRAPH_OFFERS))),
            headers={"Vary": "Accept"},
        )
    return by_accept


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
