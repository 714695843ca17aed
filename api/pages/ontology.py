"""The ontology page: every class and property of the ontology with its label, comment and how
many resources in the graph use it."""

from __future__ import annotations

from dataclasses import dataclass

from graph_build.store.base import GraphStore

from ..queries import load
from ..services.description import Statistics, count
from ..views.base import CSP

KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "object property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "datatype property",
}


@dataclass(frozen=True)
class Term:
    iri: str
    kind: str  # class, object property, datatype property
    label: str
    comment: str
    parent: str | None
    uses: int  # instances of a class; resources stating a property

    @property
    def name(self) -> str:
        return local(self.iri)


def local(iri: str) -> str:
    return iri.removeprefix(CSP)


def terms(store: GraphStore, stats: Statistics) -> list[Term]:
    instances = dict(stats.classes)
    uses = {str(r["property"]): count(r["uses"]) for r in store.select(load("property_usage"))}
    out = []
    for row in store.select(load("ontology_terms")):
        iri, kind = str(row["term"]), KINDS[str(row["kind"])]
        used = instances.get(iri, 0) if kind == "class" else uses.get(iri, 0)
        out.append(
            Term(
                iri,
                kind,
                str(row.get("label", "")),
                str(row.get("comment", "")),
                str(row["parent"]) if "parent" in row else None,
                used,
            )
        )
    return out


def body_kinds(store: GraphStore) -> list[tuple[str, int]]:
    """(class, bodies) for every class some body has as its most specific one."""
    return [(str(r["class"]), count(r["bodies"])) for r in store.select(load("body_kinds"))]
