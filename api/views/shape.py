"""Rows of describe.rq (and labels.rq) → JSON-LD node objects, keyed by the published context.

A resource becomes {"id": ..., "type": [most specific classes], key: value ...}. Literals keep
their datatype (as JSON-LD value objects, e.g. {"@value": "2015-06", "@type": "xsd:gYearMonth"});
booleans and integers are JSON values; what a statement points to is a node object with its
name or title (and, for code-list concepts, notation and label).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Literal, URIRef

from ..context import Key, TermMap, term_map
from .vocab import Vocab

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Keys in this order first (then the rest alphabetically, then provenance): reads like the facts.
KEY_ORDER = [
    "id",
    "type",
    "name",
    "label",
    "title",
    "notation",
    "altNames",
    "identifiers",
    "holder",
    "held",
    "mechanism",
    "status",
    "legalBasis",
    "legislation",
    "member",
    "organization",
    "role",
    "basis",
    "postIn",
    "heldBy",
    "interim",
    "meetingOf",
    "itemNumber",
    "summary",
    "description",
    "indicator",
    "value",
    "unit",
    "period",
    "refArea",
    "comparison",
    "statement",
    "about",
    "raisedBy",
    "decidedBy",
    "recommendedTo",
    "delegatedTo",
    "documentKind",
    "publisher",
    "date",
    "dateNotBefore",
    "dateNotAfter",
    "area",
    "partOf",
    "replaces",
    "startDate",
    "startNotBefore",
    "startNotAfter",
    "endDate",
    "endNotBefore",
    "endNotAfter",
]
LAST = ["attendees", "items", "decisions", "page", "sameAs", "note", "citation", "derivedFrom", "sources"]
_RANK = {k: i for i, k in enumerate(KEY_ORDER)}
_LAST = {k: i for i, k in enumerate(LAST)}


def ordered(node: dict) -> dict:
    """The node's keys in reading order."""
    return dict(
        sorted(
            node.items(),
            key=lambda kv: (
                (0, _RANK[kv[0]], "")
                if kv[0] in _RANK
                else (2, _LAST[kv[0]], "")
                if kv[0] in _LAST
                else (1, 0, kv[0])
            ),
        )
    )


class Shaper:
    """Makes node objects from (s, p, o) rows and the names of what they point to."""

    def __init__(self, vocab: Vocab, terms: TermMap | None = None):
        self.vocab = vocab
        self.terms = terms or term_map()

    # -- values ----------------------------------------------------------------------------
    def literal(self, lit: Literal, predicate: str | None = None) -> Any:
        """A literal as JSON: plain when the context's key for `predicate` implies its type."""
        if lit.language:
            if predicate is not None and (predicate, lit.language) in self.terms.language:
                return str(lit)
            return {"@value": str(lit), "@language": lit.language}
        if lit.datatype is None:
            return str(lit)
        datatype = str(lit.datatype)
        if datatype == XSD + "boolean" and str(lit) in ("true", "false"):
            return str(lit) == "true"
        if datatype == XSD + "integer" and str(lit).lstrip("+-").isdigit():
            return int(str(lit))
        return {"@value": str(lit), "@type": self.terms.compact(datatype)}

    def label(self, lit: Literal) -> tuple[str, Any]:
        """The key and value of a skos:prefLabel literal (a name, or an English label)."""
        return self.terms.key(SKOS_PREF_LABEL, lit.language).name, self.literal(lit, SKOS_PREF_LABEL)

    def ref(self, iri: str, name: Literal | None = None, title: Literal | None = None) -> dict:
        """A node object pointing to a resource, with what names it."""
        out: dict[str, Any] = {"id": iri}
        concept = self.vocab.concepts.get(iri)
        if concept is not None:
            out["notation"] = concept.notation
            if concept.label:
                out["label"] = concept.label
            return out
        if name is not None:
            key, value = self.label(name)
            out[key] = value
        if title is not None:
            out["title"] = self.literal(title)
        return out

    # -- nodes ---------------------------------------------------------------------------
    def nodes(
        self,
        rows: Iterable[Mapping],
        labels: Mapping[str, tuple] | None = None,
        *,
        omit: Iterable[str] = (),
        only: Iterable[str] | None = None,
    ) -> dict[str, dict]:
        """Node objects by IRI from (s, p, o) rows, naming what they point to from `labels`
        (IRI → (name, title)); `omit` / `only` choose keys ('type' and 'id' stay)."""
        labels = labels or {}
        omit = set(omit)
        only = set(only) if only is not None else None
        out: dict[str, dict] = {}
        types: dict[str, list[str]] = {}
        for row in sorted(rows, key=lambda r: (str(r["p"]), str(r["o"]))):  # values in a stable order
            s, p, o = str(row["s"]), str(row["p"]), row["o"]
            node = out.setdefault(s, {"id": s})
            if p == RDF_TYPE:
                types.setdefault(s, []).append(str(o))
                continue
            if isinstance(o, Literal):
                key = self.terms.key(p, o.language)
                value = self.literal(o, p)
            elif isinstance(o, URIRef):
                key = self.terms.key(p)
                value = self.ref(str(o), *labels.get(str(o), (None, None)))
            elif isinstance(o, BNode):
                key, value = self.terms.key(p), {"id": f"_:{o}"}
            else:
                continue
            if key.name in omit or (only is not None and key.name not in only):
                continue
            add(node, key, value)
        for s, node in out.items():
            if s in types:
                node["type"] = self.vocab.most_specific(types[s]) or sorted(
                    self.terms.compact(t) for t in types[s]
                )
            out[s] = ordered(node)
        return out


def add(node: dict, key: Key, value: Any) -> None:
    """Add a value under a key: a list for @set keys or when a second value comes; node
    objects with the same id are given once."""
    name = key.name
    if name not in node:
        node[name] = [value] if key.is_set else value
        return
    existing = node[name]
    values = existing if isinstance(existing, list) else [existing]
    if isinstance(value, dict) and "id" in value:
        if any(isinstance(v, dict) and v.get("id") == value["id"] for v in values):
            return
    elif value in values:
        return
    if isinstance(existing, list):
        existing.append(value)
    else:
        node[name] = [existing, value]


def sort_key_name(node: Mapping) -> tuple:
    """Sort nodes by name (or title, or id)."""
    name = node.get("name") or node.get("title") or node.get("label") or ""
    if isinstance(name, list):
        name = name[0] if name else ""
    if isinstance(name, dict):
        name = name.get("@value", "")
    return (str(name).lower(), node.get("id", ""))


def date_text(node: Mapping, *keys: str) -> str:
    """The first of the given date keys a node has, as text ('' when none)."""
    return first_text(node, *keys)


def first_text(node: Mapping, *keys: str) -> str:
    """The first of the given keys a node has a value for, as text ('' when none)."""
    for key in keys:
        value = node.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("@value")
        if value:
            return str(value)
    return ""


def first_ref_name(value: Any) -> str:
    """The name of the (first) node a key points to."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return str(value.get("name") or value.get("label") or value.get("title") or value.get("id") or "")
    return "" if value is None else str(value)
