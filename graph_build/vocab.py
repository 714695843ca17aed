"""The ontology's terms as the build needs them: body classes, roles, mechanisms, statuses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from .namespaces import CSP, ORG, OWL, RDF, RDFS, SKOS


def load_ontology(ontology_dir: Path) -> Graph:
    """Every Turtle file of the ontology, as one graph."""
    graph = Graph()
    files = sorted(ontology_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no ontology files in {ontology_dir}")
    for file in files:
        graph.parse(file, format="turtle")
    return graph


@dataclass(frozen=True)
class Vocabulary:
    """Lookups from the slugs and class names curators write to ontology IRIs."""

    body_classes: dict[str, URIRef]  # 'DistrictCouncil' → csp:DistrictCouncil
    superclasses: dict[URIRef, tuple[URIRef, ...]]  # class → itself and every superclass
    roles: dict[str, URIRef]
    mechanisms: dict[str, URIRef]
    materialised: dict[URIRef, URIRef]  # mechanism concept → direct property
    statuses: dict[str, URIRef]
    unmaterialised_statuses: frozenset[URIRef]  # proposed / claimed / statutory power: not links in force
    bases: dict[str, URIRef]
    kinds: dict[str, URIRef]
    concept_types: dict[URIRef, tuple[URIRef, ...]]  # every code-list concept → its rdf:types

    def is_subclass(self, sub: URIRef, sup: URIRef) -> bool:
        return sup in self.superclasses.get(sub, (sub,))


def _scheme(graph: Graph, scheme: URIRef) -> dict[str, URIRef]:
    return {
        str(graph.value(c, SKOS.notation)): c
        for c in graph.subjects(SKOS.inScheme, scheme)
        if isinstance(c, URIRef)
        if graph.value(c, SKOS.notation) is not None
    }


def _superclasses(graph: Graph, cls: URIRef) -> tuple[URIRef, ...]:
    seen: list[URIRef] = []
    todo = [cls]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.append(c)
        todo.extend(o for o in graph.objects(c, RDFS.subClassOf) if isinstance(o, URIRef))
    return tuple(seen)


def vocabulary_from(graph: Graph) -> Vocabulary:
    classes = [c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)]
    supers = {c: _superclasses(graph, c) for c in classes}
    bodies = {
        str(c).removeprefix(str(CSP)): c
        for c in classes
        if CSP.Body in supers[c] and str(c).startswith(str(CSP))
    }
    mechanisms = _scheme(graph, CSP.Mechanisms)
    statuses = _scheme(graph, CSP.Statuses)
    return Vocabulary(
        body_classes=bodies,
        superclasses=supers,
        roles=_scheme(graph, CSP.Roles),
        mechanisms=mechanisms,
        materialised={
            m: p for m in mechanisms.values() if isinstance(p := graph.value(m, CSP.materialisedAs), URIRef)
        },
        statuses=statuses,
        # a statutory power (e.g. a PCC's power to fund a CSP) may never be used: no direct link
        unmaterialised_statuses=frozenset(
            {statuses["proposed"], statuses["claimed"], statuses["statutory-power"]}
        ),
        bases=_scheme(graph, CSP.MembershipBases),
        kinds=_scheme(graph, CSP.DocumentKinds),
        concept_types={
            c: tuple(t for t in graph.objects(c, RDF.type) if isinstance(t, URIRef))
            for c in graph.subjects(SKOS.inScheme, None)
            if isinstance(c, URIRef)
        },
    )


@lru_cache(maxsize=4)
def vocabulary(ontology_dir: Path) -> Vocabulary:
    return vocabulary_from(load_ontology(ontology_dir))


__all__ = ["ORG", "Vocabulary", "load_ontology", "vocabulary", "vocabulary_from"]
