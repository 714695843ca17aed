"""SHACL validation of source graphs with pyshacl, reported as FactErrors with file and line.

Each source graph is validated on its own, with the types of the resources it refers to as
context: a change to one document is re-validated in well under a second, and a full build
validates its documents independently (and so in parallel).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import FactError
from .namespaces import RDF
from .triples import SourceGraph, Triple

TypeIndex = dict[URIRef, tuple[URIRef, ...]]


@lru_cache(maxsize=2)
def load_shapes(shapes_dir: Path) -> Graph:
    graph = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes in {shapes_dir}")
    for file in files:
        graph.parse(file, format="turtle")
    return graph


def data_graph(sg: SourceGraph, types: TypeIndex) -> Graph:
    """The source graph plus the types of everything it refers to."""
    graph = Graph()
    for t in sg.triples:
        graph.add(t)
    local = {s for s, _, _ in sg.triples}
    for _, _, o in sg.triples:
        if isinstance(o, URIRef) and o not in local:
            for cls in types.get(o, ()):
                graph.add((o, RDF.type, cls))
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


def validate_graph(sg: SourceGraph, types: TypeIndex, shapes: Graph) -> list[FactError]:
    conforms, results, _ = pyshacl_validate(
        data_graph(sg, types), shacl_graph=shapes, inference="none", advanced=False, meta_shacl=False,
        abort_on_first=False, allow_warnings=True,
    )
    return [] if conforms else report_errors(sg, results)


def _validate_in_worker(args: tuple[SourceGraph, TypeIndex, Path]) -> list[FactError]:
    sg, types, shapes_dir = args
    return validate_graph(sg, types, load_shapes(shapes_dir))


def validate_graphs(graphs: list[SourceGraph], shapes_dir: Path, types: TypeIndex, workers: int = 1,
                    on_done=None) -> list[FactError]:
    """Validate every source graph; `on_done(n)` reports progress."""
    errors: list[FactError] = []
    if workers <= 1 or len(graphs) < 8:
        shapes = load_shapes(shapes_dir)
        for sg in graphs:
            errors.extend(validate_graph(sg, types, shapes))
            if on_done:
                on_done(1)
        return errors
    with ProcessPoolExecutor(workers) as pool:
        jobs = ((sg, {o: types[o] for _, _, o in sg.triples if o in types}, shapes_dir) for sg in graphs)
        for found in pool.map(_validate_in_worker, jobs, chunksize=4):
            errors.extend(found)
            if on_done:
                on_done(1)
    return errors


__all__ = ["validate_graphs", "validate_graph", "load_shapes", "Triple"]
