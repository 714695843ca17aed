"""Namespaces and the minting of resource URIs under the configured base."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self, cast

from rdflib import Namespace, URIRef
from rdflib import namespace as rdflib_namespaces
from rdflib.namespace import DefinedNamespace


class TermNamespace(Namespace):
    """A namespace that makes each term once: rdflib makes a new URIRef on every attribute access,
    which the build does for every triple. Terms of one of rdflib's closed namespaces are checked
    by it on first use, as before (`RDF.tpye` still fails)."""

    def __new__(cls, value: str, checked_by: type[DefinedNamespace] | None = None) -> Self:
        ns = cast(Self, super().__new__(cls, value))  # rdflib's stub says Namespace
        ns._checked_by = checked_by  # type: ignore[attr-defined]  # rdflib's Namespace is a str
        return ns

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._checked_by, name) if self._checked_by is not None else self.term(name)
        setattr(self, name, term)  # found by normal lookup from now on
        return cast(URIRef, term)


def _cached(defined: type[DefinedNamespace]) -> TermNamespace:
    return TermNamespace(str(defined), checked_by=defined)


DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD = (
    _cached(getattr(rdflib_namespaces, n))
    for n in ("DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD")
)

CSP = TermNamespace("https://w3id.org/cspkg/def#")
ROLE = TermNamespace("https://w3id.org/cspkg/def/role/")
MECH = TermNamespace("https://w3id.org/cspkg/def/mechanism/")
STATUS = TermNamespace("https://w3id.org/cspkg/def/status/")
BASIS = TermNamespace("https://w3id.org/cspkg/def/basis/")
KIND = TermNamespace("https://w3id.org/cspkg/def/document-kind/")
LEG = TermNamespace("http://www.legislation.gov.uk/id/")
ONS = TermNamespace("http://statistics.data.gov.uk/id/statistical-geography/")

PREFIXES: dict[str, str] = {
    "csp": str(CSP),
    "role": str(ROLE),
    "mech": str(MECH),
    "status": str(STATUS),
    "basis": str(BASIS),
    "kind": str(KIND),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

__all__ = [
    "BASIS",
    "CSP",
    "DCTERMS",
    "FOAF",
    "KIND",
    "LEG",
    "MECH",
    "ONS",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROLE",
    "SKOS",
    "STATUS",
    "XSD",
    "Ids",
    "slug",
]


def slug(text: str) -> str:
    """Lower-case slug: '&' → 'and', other runs of non-alphanumerics → '-'."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Ids:
    """Mints the stable, readable URIs of resources: {base}id/{kind}/{key}.

    >>> ids = Ids("https://w3id.org/cspkg/")
    >>> ids.body("plymouth-csp")
    rdflib.term.URIRef('https://w3id.org/cspkg/id/body/plymouth-csp')
    """

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
        kind, _, rest = uri[len(prefix) :].partition("/")
        return kind, rest
