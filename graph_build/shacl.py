"""SHACL validation of source graphs with pyshacl, reported as FactErrors with file and line.

Each source graph is validated on its own, with the types of the resources it refers to as
context: a change to one document is re-validated in well under a second, and a full build
validates its documents independently (and so in parallel).

pyshacl is the engine; three things keep it fast without changing what it reports:
- the shapes are harvested once per process (`ShapeSet`), not once per source graph;
- each SPARQL constraint is parsed once (`PreparedQueryGraph`): pyshacl asks the same query
  text for every focus node, and rdflib's SPARQL parser was most of the cost;
- only the nodes a source states are top-level focus nodes. The resources it merely refers to
  are typed for `sh:class` checks, which also makes them targets of their own shapes; their
  results were thrown away before (a resource's facts are checked with its own source), now
  they are not computed. Nested shapes (`sh:or`, `sh:node` ...) still check any value.
Workers are forked with the compiled graphs in memory, so nothing is copied to them.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Callable, Container

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery

from .errors import FactError
from .namespaces import RDF
from .triples import SourceGraph, Triple

try:  # pyshacl's own validation loop, driven with our focus nodes (see ShapeSet.results)
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.pytypes import SHACLExecutor
    from pyshacl.shapes_graph import ShapesGraph
    from pyshacl.validator import Validator
except ImportError:  # pragma: no cover - another pyshacl layout: validate_graph uses pyshacl.validate
    ShapesGraph = None

TypeIndex = dict[URIRef, tuple[URIRef, ...]]


def _shape_files(shapes_dir: Path) -> list[Path]:
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes in {shapes_dir}")
    return files


@lru_cache(maxsize=4)
def _load_shapes(shapes_dir: Path, digest: str) -> Graph:
    graph = Graph()
    for file in _shape_files(shapes_dir):
        graph.parse(file, format="turtle")
    return graph


def _digest(shapes_dir: Path) -> str:
    h = hashlib.sha256()
    for file in _shape_files(shapes_dir):
        h.update(file.name.encode())
        h.update(file.read_bytes())
    return h.hexdigest()


def load_shapes(shapes_dir: Path) -> Graph:
    """The shapes graph of every Turtle file in `shapes_dir` (parsed again when they change)."""
    return _load_shapes(Path(shapes_dir), _digest(Path(shapes_dir)))


class ShapeSet:
    """A shapes graph as pyshacl harvests it, once, to validate many source graphs with."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._shapes_graph = ShapesGraph(graph) if ShapesGraph is not None else None
        self._shapes = list(self._shapes_graph.shapes) if self._shapes_graph is not None else []

    def results(self, data: Graph, own: Container[URIRef]) -> Graph | None:
        """None when the nodes in `own` conform; otherwise pyshacl's results graph.

        This is pyshacl's Validator.run (no inference, no advanced features, warnings allowed)
        with the top-level focus nodes of each shape limited to `own`.
        """
        if self._shapes_graph is None:  # pragma: no cover
            conforms, results, _ = _pyshacl(data, self.graph)
            return None if conforms else results
        target = DataGraph.from_rdflib(data)
        executor = SHACLExecutor(allow_warnings=True)
        conforms, reports = True, []
        for shape in self._shapes:
            focus = [node for node in shape.focus_nodes(target) if node in own]
            if focus:
                ok, found = shape.validate(executor, target, focus=focus)
                conforms = conforms and ok
                reports.extend(found)
        if conforms:
            return None
        return Validator.create_validation_report(self._shapes_graph, conforms, reports)[0]


@lru_cache(maxsize=4)
def _shape_set(shapes_dir: Path, digest: str) -> ShapeSet:
    return ShapeSet(_load_shapes(shapes_dir, digest))


def shape_set(shapes_dir: Path) -> ShapeSet:
    """The harvested shapes of `shapes_dir`, cached per process (and per content)."""
    return _shape_set(Path(shapes_dir), _digest(Path(shapes_dir)))


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...], base: str | None):
    return prepareQuery(text, initNs=dict(namespaces), base=base)


class PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once per process, then reuses the query.

    A text query is prepared with the namespaces rdflib would give it (the graph's own), so the
    answers are those of `Graph.query`.
    """

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = initNs if initNs is not None else dict(self.namespaces())
            query_object = _prepared(query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())),
                                     kwargs.get("base"))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def referenced(sg: SourceGraph) -> set[URIRef]:
    """Resources the source graph names but does not type itself: declared in other files.

    Subjects count too: materialised links (`holder csp:holdsToAccount held`, `member
    org:memberOf org`, `person org:holds post`) make a resource declared elsewhere a subject here.
    """
    typed = {s for s, p, _ in sg.triples if p == RDF.type}
    nodes = {s for s, _, _ in sg.triples} | {o for _, _, o in sg.triples if isinstance(o, URIRef)}
    return nodes - typed


def data_graph(sg: SourceGraph, types: TypeIndex) -> Graph:
    """The source graph plus the types of everything it refers to."""
    graph = PreparedQueryGraph()
    for t in sg.triples:
        graph.add(t)
    for node in referenced(sg):
        for cls in types.get(node, ()):
            graph.add((node, RDF.type, cls))
    return graph


def _short(term) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def report_errors(sg: SourceGraph, results: Graph) -> list[FactError]:
    """Turn pyshacl's results into FactErrors for the nodes this source states."""
    errors = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if focus not in sg.places:
            continue  # a referenced resource's own facts are checked with its own source
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        rule = f"SHACL: {message or _short(results.value(result, SH.sourceConstraintComponent))}"
        if value is not None:
            rule += f" (value: {_short(value)})"
        errors.append(FactError(sg.file, sg.places[focus], _short(path) if path else "", rule, f"node <{focus}>"))
    return errors


def _pyshacl(data: Graph, shapes: Graph):
    return pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=False, meta_shacl=False,
                            abort_on_first=False, allow_warnings=True)


def validate_graph(sg: SourceGraph, types: TypeIndex, shapes: ShapeSet | Graph) -> list[FactError]:
    """The SHACL problems of one source graph's own nodes."""
    data = data_graph(sg, types)
    if isinstance(shapes, ShapeSet):
        results = shapes.results(data, sg.places)
        return [] if results is None else report_errors(sg, results)
    conforms, results, _ = _pyshacl(data, shapes)  # plain pyshacl: every node, filtered afterwards
    return [] if conforms else report_errors(sg, results)


# -- many graphs -----------------------------------------------------------------------------

_FORKED_JOB: tuple[list[SourceGraph], TypeIndex, Path] | None = None  # what forked workers validate


def _validate_nth(index: int) -> list[FactError]:
    graphs, types, shapes_dir = _FORKED_JOB
    return validate_graph(graphs[index], types, shape_set(shapes_dir))


def _validate_sent(args: tuple[SourceGraph, TypeIndex, Path]) -> list[FactError]:
    sg, types, shapes_dir = args
    return validate_graph(sg, types, shape_set(shapes_dir))


def _fork_context():
    """Forked workers share the parent's memory; elsewhere (spawn) jobs are pickled instead."""
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def validate_graphs(graphs: list[SourceGraph], shapes_dir: Path, types: TypeIndex, workers: int = 1,
                    on_done: Callable[[int], None] | None = None) -> list[FactError]:
    """Validate every source graph; `on_done(n)` reports progress."""
    errors: list[FactError] = []
    shapes = shape_set(shapes_dir)  # harvested before forking: workers inherit it
    if workers <= 1 or len(graphs) < 8:
        for sg in graphs:
            errors.extend(validate_graph(sg, types, shapes))
            if on_done:
                on_done(1)
        return errors
    chunk = max(1, min(16, len(graphs) // (workers * 8)))
    context = _fork_context()
    if context is None:
        jobs = ((sg, {n: types[n] for n in referenced(sg) if n in types}, shapes_dir) for sg in graphs)
        with ProcessPoolExecutor(workers) as pool:
            for found in pool.map(_validate_sent, jobs, chunksize=chunk):
                errors.extend(found)
                if on_done:
                    on_done(1)
        return errors
    global _FORKED_JOB
    _FORKED_JOB = (graphs, types, Path(shapes_dir))
    gc.freeze()  # keep the collector in the workers off the shared pages (copy-on-write)
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for found in pool.map(_validate_nth, range(len(graphs)), chunksize=chunk):
                errors.extend(found)
                if on_done:
                    on_done(1)
    finally:
        _FORKED_JOB = None
        gc.unfreeze()
    return errors


__all__ = ["validate_graphs", "validate_graph", "load_shapes", "shape_set", "ShapeSet", "data_graph",
           "report_errors", "referenced", "Triple"]
