"""SHACL validation of source graphs, reported as FactErrors with the fact's file, line and field.

Each source graph is validated on its own, with the types of the resources it refers to as
context: a change to one document is re-validated in well under a second, and a full build
validates its documents independently (and so in parallel, in forked workers that share the
compiled graphs in memory).

The shapes are read once per process (`ShapeSet`). When they use only what graph_build/shacl_core.py
implements (all of shapes/ does), its plain-Python checks validate; pyshacl, a hundred times
slower, is the reference they are tested against. Shapes beyond that are validated with pyshacl,
driven with three savings that do not change what it reports:
- the shapes are harvested once per process, not once per source graph;
- each SPARQL constraint is parsed once (`PreparedQueryGraph`), not once per focus node;
- only the nodes a source states are top-level focus nodes. The resources it merely refers to
  are typed for `sh:class` checks, which also makes them targets of their own shapes; their
  facts are checked with their own source. Nested shapes (`sh:or`, `sh:node` ...) check any value.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import sys
from collections.abc import Callable, Container, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier, Node

from .errors import FactError
from .namespaces import PREFIXES, RDF
from .shacl_core import CoreShapes, TypeIndex, Unsupported, Violation
from .triples import SourceGraph, Triple


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
    """A shapes graph read once, to validate many source graphs with."""

    def __init__(self, graph: Graph, compile_checks: bool = True):
        self.graph = graph
        self.core = None
        if compile_checks:
            try:
                self.core = CoreShapes(graph)
            except Unsupported:
                pass  # pyshacl validates what the plain checks do not implement
        self._harvested: tuple[Any, list] | None = None  # pyshacl's ShapesGraph and its shapes, made once

    def violations(self, sg: SourceGraph, types: TypeIndex) -> list[Violation]:
        """The problems of the nodes `sg` states."""
        if self.core is not None:
            return self.core.violations(sg.triples, types, sg.places)
        results = self.results(data_graph(sg, types), sg.places)
        return [] if results is None else read_results(results, self.graph)

    def results(self, data: Graph, own: Container[URIRef]) -> Graph | None:
        """pyshacl: None when the nodes in `own` conform; otherwise its results graph.

        This is pyshacl's Validator.run (no inference, no advanced features, warnings allowed)
        with the top-level focus nodes of each shape limited to `own`.
        """
        # imported here: pyshacl takes a while to import, and the plain checks do without it
        from pyshacl.graph_abstraction import DataGraph
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.shapes_graph import ShapesGraph
        from pyshacl.validator import Validator

        if self._harvested is None:
            harvested = ShapesGraph(self.graph)
            self._harvested = (harvested, list(harvested.shapes))
        shapes_graph, shapes = self._harvested
        target = DataGraph.from_rdflib(data)
        executor = SHACLExecutor(allow_warnings=True)
        conforms, reports = True, []
        for shape in shapes:
            focus = [node for node in shape.focus_nodes(target) if node in own]
            if focus:
                ok, found = shape.validate(executor, target, focus=focus)
                conforms = conforms and ok
                reports.extend(found)
        if conforms:
            return None
        report: Graph = Validator.create_validation_report(shapes_graph, conforms, reports)[0]
        return report


@lru_cache(maxsize=4)
def _shape_set(shapes_dir: Path, digest: str, engine: str) -> ShapeSet:
    return ShapeSet(_load_shapes(shapes_dir, digest), compile_checks=engine == "compiled")


def shape_set(shapes_dir: Path, engine: str = "compiled") -> ShapeSet:
    """The shapes of `shapes_dir`, read once per process (and again when they change).

    `engine` "compiled" uses the plain-Python checks where they cover the shapes; "pyshacl"
    always validates with pyshacl (the reference: slower, same findings)."""
    return _shape_set(Path(shapes_dir), _digest(Path(shapes_dir)), engine)


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...], base: str | None) -> Query:
    return prepareQuery(text, initNs=dict(namespaces), base=base)


class PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once per process, then reuses the query.

    A text query is prepared with the namespaces rdflib would give it (the graph's own), so the
    answers are those of `Graph.query`.
    """

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = initNs if initNs is not None else dict(self.namespaces())
            query_object = _prepared(
                query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())), kwargs.get("base")
            )
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def referenced(sg: SourceGraph) -> set[URIRef]:
    """Resources the source graph names but does not type itself: declared in other files.

    Subjects count too: materialised links (`holder csp:holdsToAccount held`, `member
    org:memberOf org`, `person org:holds post`) make a resource declared elsewhere a subject here.
    """
    typed = {s for s, p, _ in sg.triples if p == RDF.type}
    nodes = {
        t for s, _, o in sg.triples for t in (s, o) if isinstance(t, URIRef)
    }  # (blank nodes are not declared)
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


def _short(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def _curie(iri: object) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def read_results(results: Graph, shapes: Graph) -> list[Violation]:
    """pyshacl's results graph as Violations. A result's message is the shape's own sh:message
    (pyshacl's generic text otherwise gives way to `default_message`, as the plain checks do)."""
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        value = results.value
        shape, component = value(result, SH.sourceShape), value(result, SH.sourceConstraintComponent)
        found = value(result, SH.resultPath)
        path: Any = None  # (direction, predicate), as the plain checks give it
        if found is not None and not isinstance(found, URIRef):
            path = ("^", value(found, SH.inversePath))
        elif found is not None:
            path = ("", found)
        own = shapes.value(
            value(result, SH.sourceConstraint) if component == SH.SPARQLConstraintComponent else shape,
            SH.message,
        )
        message = value(result, SH.resultMessage) if own is not None else None
        out.append(
            Violation(
                cast(URIRef, value(result, SH.focusNode)),  # the focus nodes of source graphs are IRIs
                shape,
                cast(URIRef, component),
                path,
                value(result, SH.value),
                None if message is None else str(message),
            )
        )
    return out


_DEFAULTS = {
    SH.MinCountConstraintComponent: (SH.minCount, "needs at least {} value(s)"),
    SH.MaxCountConstraintComponent: (SH.maxCount, "takes at most {} value(s)"),
    SH.DatatypeConstraintComponent: (SH.datatype, "must be a literal of type {}"),
    SH.ClassConstraintComponent: (SH["class"], "must be a {}"),
    SH.NodeKindConstraintComponent: (SH.nodeKind, "must be a node of kind {}"),
    SH.PatternConstraintComponent: (SH.pattern, "must match the pattern {}"),
    SH.InConstraintComponent: (None, "is not one of the allowed values"),
    SH.OrConstraintComponent: (None, "matches none of the allowed kinds of value"),
}


def default_message(shapes: Graph, shape: Node | None, component: URIRef) -> str:
    """A message for a shape without sh:message, from the constraint it breaks."""
    parameter, text = _DEFAULTS.get(component, (None, _short(component).removesuffix("ConstraintComponent")))
    if parameter is None:
        return text
    found = shapes.value(shape, parameter)
    return text.format(_curie(found) if isinstance(found, URIRef) else found)


def fact_error(sg: SourceGraph, violation: Violation, shapes: Graph) -> FactError:
    """A Violation of a node `sg` states, placed at the fact's line and field in its file."""
    focus = cast(URIRef, violation.focus)  # one of `sg.places`: the nodes a source states are IRIs
    message = violation.message or default_message(shapes, violation.shape, violation.component)
    details = []
    if violation.path is not None:
        details.append(violation.path[0] + _curie(violation.path[1]))
    if violation.value is not None and violation.value != focus:
        details.append(
            f"value {_short(violation.value) if isinstance(violation.value, URIRef) else violation.value}"
        )
    rule = f"SHACL: {message}" + (f" [{', '.join(details)}]" if details else "")
    return FactError(sg.file, sg.places[focus], sg.fields.get(focus, ""), rule, f"node <{focus}>")


def _pyshacl(data: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    from pyshacl import validate as pyshacl_validate

    return pyshacl_validate(  # type: ignore[no-any-return]  # pyshacl has no type information
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        meta_shacl=False,
        abort_on_first=False,
        allow_warnings=True,
    )


def validate_graph(sg: SourceGraph, types: TypeIndex, shapes: ShapeSet | Graph) -> list[FactError]:
    """The SHACL problems of one source graph's own nodes (a resource it only refers to is
    checked with the source that declares it)."""
    if isinstance(shapes, ShapeSet):
        violations, graph = shapes.violations(sg, types), shapes.graph
    else:  # plain pyshacl.validate: every node, filtered here (the reference in tests)
        conforms, results, _ = _pyshacl(data_graph(sg, types), shapes)
        violations, graph = ([] if conforms else read_results(results, shapes)), shapes
    return [fact_error(sg, v, graph) for v in violations if v.focus in sg.places]


# -- many graphs -----------------------------------------------------------------------------

_FORKED_JOB: tuple[list[SourceGraph], TypeIndex, Path, str] | None = None  # what forked workers validate


def _validate_nth(index: int) -> list[FactError]:
    assert _FORKED_JOB is not None, "set by validate_graphs before the workers fork"
    graphs, types, shapes_dir, engine = _FORKED_JOB
    return validate_graph(graphs[index], types, shape_set(shapes_dir, engine))


def _validate_sent(args: tuple[SourceGraph, TypeIndex, Path, str]) -> list[FactError]:
    sg, types, shapes_dir, engine = args
    return validate_graph(sg, types, shape_set(shapes_dir, engine))


def _fork_context() -> multiprocessing.context.ForkContext | None:
    """Forked workers share the parent's memory; elsewhere (spawn) jobs are pickled instead."""
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def validate_graphs(
    graphs: list[SourceGraph],
    shapes_dir: Path,
    types: TypeIndex,
    workers: int = 1,
    on_done: Callable[[int], None] | None = None,
    engine: str = "compiled",
) -> list[FactError]:
    """Validate every source graph with the `engine` of `shape_set`; `on_done(n)` reports progress."""
    errors: list[FactError] = []
    shapes = shape_set(shapes_dir, engine)  # read before forking: workers inherit it
    if workers <= 1 or len(graphs) < 8:
        for sg in graphs:
            errors.extend(validate_graph(sg, types, shapes))
            if on_done:
                on_done(1)
        return errors
    chunk = max(1, min(16, len(graphs) // (workers * 8)))
    context = _fork_context()
    if context is None:
        jobs = (
            (sg, {n: types[n] for n in referenced(sg) if n in types}, shapes_dir, engine) for sg in graphs
        )
        with ProcessPoolExecutor(workers) as pool:
            for found in pool.map(_validate_sent, jobs, chunksize=chunk):
                errors.extend(found)
                if on_done:
                    on_done(1)
        return errors
    global _FORKED_JOB
    _FORKED_JOB = (graphs, types, Path(shapes_dir), engine)
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


__all__ = [
    "ShapeSet",
    "Triple",
    "data_graph",
    "fact_error",
    "load_shapes",
    "read_results",
    "referenced",
    "shape_set",
    "validate_graph",
    "validate_graphs",
]
