"""RDF terms between rdflib (the build, the API's views) and pyoxigraph (both stores' results)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..triples import Triple
from .results import XSD_STRING


class TermConverter:
    """rdflib terms → pyoxigraph terms, caching IRIs (most terms repeat)."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def term(self, t: Node) -> Any:  # an IRI, literal or blank node, where pyoxigraph checks the place
        if isinstance(t, URIRef):
            return self.iri(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=self.iri(str(t.datatype)))
            return ox.Literal(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        raise TypeError(f"not an RDF term: {t!r}")

    def quads(self, graph: URIRef, triples: Iterable[Triple]) -> Iterable[ox.Quad]:
        g = self.iri(str(graph))
        term = self.term
        for s, p, o in triples:
            yield ox.Quad(term(s), term(p), term(o), g)


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as an rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return (
            Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
        )
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"no rdflib form for {term!r}")
