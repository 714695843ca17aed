"""Namespaces and the minting of resource URIs under the configured base."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

CSP = Namespace("https://w3id.org/cspkg/def#")
ROLE = Namespace("https://w3id.org/cspkg/def/role/")
MECH = Namespace("https://w3id.org/cspkg/def/mechanism/")
STATUS = Namespace("https://w3id.org/cspkg/def/status/")
BASIS = Namespace("https://w3id.org/cspkg/def/basis/")
KIND = Namespace("https://w3id.org/cspkg/def/document-kind/")
LEG = Namespace("http://www.legislation.gov.uk/id/")
ONS = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")

PREFIXES: dict[str, str] = {
    "csp": str(CSP), "role": str(ROLE), "mech": str(MECH), "status": str(STATUS), "basis": str(BASIS),
    "kind": str(KIND), "org": str(ORG), "prov": str(PROV), "skos": str(SKOS), "dcterms": str(DCTERMS),
    "foaf": str(FOAF), "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
}

__all__ = ["CSP", "ROLE", "MECH", "STATUS", "BASIS", "KIND", "LEG", "ONS", "PREFIXES", "Ids", "slug",
           "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]


def slug(text: str) -> str:
    """Lower-case slug: '&' → 'and', other runs of non-alphanumerics → '-'."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Ids:
    """Mints the stable, readable URIs of resources: {base}id/{kind}/{key}."""

    base: str

    def _uri(self, *parts: str) -> URIRef:
        return URIRef(self.base.rstrip("/") + "/id/" + "/".join(parts))

    def body(self, key: str) -> URIRef:
        return self._uri("body", key)

    def person(self, key: str) -> URIRef:
        return self._uri("person", key)

    def post(self, key: str) -> URIRef:
        return self._uri("post", key)

    def source(self, key: str) -> URIRef:
        return self._uri("source", key)

    def meeting(self, key: str) -> URIRef:
        return self._uri("meeting", key)

    def initiative(self, key: str) -> URIRef:
        return self._uri("initiative", key)

    def area(self, key: str) -> URIRef:
        return self._uri("area", key)

    def rule(self, key: str) -> URIRef:
        return self._uri("rule", key)

    def entity(self, kind: str, key: str) -> URIRef:
        """The URI of a global entity: kind is body, person, post, meeting or initiative."""
        return self._uri(kind, key)

    def fact(self, kind: str, source: str, key: str) -> URIRef:
        """An n-ary fact (membership, link, observation, concern) of one source."""
        return self._uri(kind, source, key)

    def graph(self, key: str) -> URIRef:
        return URIRef(self.base.rstrip("/") + "/graph/" + key)

    def key_of(self, uri: str) -> tuple[str, str] | None:
        """('body', 'plymouth-csp') for a body URI; None for URIs outside the base."""
        prefix = self.base.rstrip("/") + "/id/"
        if not uri.startswith(prefix):
            return None
        kind, _, rest = uri[len(prefix):].partition("/")
        return kind, rest
