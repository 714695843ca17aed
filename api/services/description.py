"""The SPARQL 1.1 Service Description of /sparql, with a VoID description of the dataset.

Statistics (triples per graph, entities per class, distinct subjects ...) are computed once per
build, in a worker thread, and kept until a new build is served.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from graph_build.config import Settings
from graph_build.namespaces import PREFIXES
from graph_build.store.base import BuildInfo, GraphStore

from ..queries import load

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)
VOCABULARIES = ("csp", "org", "prov", "skos", "dcterms", "foaf", "owl")


@dataclass
class Statistics:
    graphs: list[tuple[str, int]] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)
    triples: int = 0
    subjects: int = 0
    properties: int = 0
    objects: int = 0


def count(term: Node) -> int:
    """A count a query answered (an xsd:integer literal)."""
    if not isinstance(term, Literal):
        raise TypeError(f"not a count: {term!r}")
    return int(term)


def statistics(store: GraphStore) -> Statistics:
    stats = Statistics()
    stats.graphs = [(str(r["graph"]), count(r["triples"])) for r in store.select(load("void_graphs"))]
    stats.classes = [(str(r["class"]), count(r["entities"])) for r in store.select(load("void_classes"))]
    totals = store.select(load("void_totals"))[0]
    stats.triples, stats.subjects = count(totals["triples"]), count(totals["subjects"])
    stats.properties, stats.objects = count(totals["properties"]), count(totals["objects"])
    return stats


class StatisticsCache:
    """One Statistics per build id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[str, Statistics] | None = None

    def get(self, store: GraphStore, build_id: str) -> Statistics:
        with self._lock:
            if self._cached is None or self._cached[0] != build_id:
                self._cached = (build_id, statistics(store))
            return self._cached[1]


def service_description(
    endpoint: str, settings: Settings, info: BuildInfo, stats: Statistics, timeout_s: float, result_limit: int
) -> Graph:
    graph = Graph()
    for prefix, ns in {"sd": SD, "void": VOID, "formats": FORMATS, **PREFIXES}.items():
        graph.bind(prefix, ns)
    service, dataset = URIRef(endpoint), URIRef(endpoint + "#dataset")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                f"Read-only SPARQL 1.1 query endpoint of cspkg. Default graph: the union of all named graphs. "
                f"Time limit {timeout_s:g} s per query; at most {result_limit} rows or triples per answer "
                f"(X-SPARQL-MaxRows is set when an answer is cut). Updates, LOAD and SERVICE are refused.",
                lang="en",
            ),
        )
    )
    graph.add((service, SD.defaultDataset, dataset))

    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add(
        (
            dataset,
            DCTERMS.title,
            Literal("cspkg: community safety partnerships in England and Wales", lang="en"),
        )
    )
    graph.add((dataset, DCTERMS.identifier, Literal(info.build_id)))
    graph.add((dataset, DCTERMS.modified, Literal(info.built_at, datatype=XSD.dateTime)))
    graph.add((dataset, VOID.sparqlEndpoint, service))
    graph.add((dataset, VOID.uriSpace, Literal(settings.id_base)))
    for prefix in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for prop, value in (
        (VOID.triples, stats.triples),
        (VOID.distinctSubjects, stats.subjects),
        (VOID.properties, stats.properties),
        (VOID.distinctObjects, stats.objects),
        (VOID.classes, len(stats.classes)),
    ):
        graph.add((dataset, prop, Literal(value)))
    for cls, entities in stats.classes:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(entities)))

    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(stats.triples)))
    for name, triples in stats.graphs:
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(triples)))
    return graph
