"""The build: read → resolve → triples (a named graph per source) → SHACL → atomic load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import __version__
from .config import Settings
from .errors import BuildError, FactError, display_path
from .facts.reader import FactFile, read_fact_file
from .namespaces import CSP, DCTERMS, PROV, RDF, Ids
from .progress import Reporter
from .reference import reference_documents
from .resolve import Registry, build_registry
from .shacl import validate_graphs
from .store.base import BuildInfo, GraphStore
from .triples import Converter, SourceGraph, graph_metadata
from .vocab import Vocabulary, load_ontology, vocabulary_from

FACT_FOLDERS = ("registers", "minutes")


@dataclass
class Compiled:
    """The whole graph before loading: one SourceGraph per source, and what resolved them."""

    graphs: list[SourceGraph]
    registry: Registry
    vocab: Vocabulary
    ontology: Graph


def fact_paths(data_dir: Path) -> list[Path]:
    """Every fact file, registers first; an empty or missing data folder is an error."""
    if not data_dir.is_dir():
        raise BuildError([FactError(display_path(data_dir), None, "", "the data folder does not exist")])
    paths = [p for folder in FACT_FOLDERS for p in sorted((data_dir / folder).glob("*.yaml"))]
    if not any(p.parent.name == "minutes" for p in paths):
        raise BuildError([FactError(display_path(data_dir / "minutes"), None, "",
                                    "no fact files (*.yaml) in the minutes folder: nothing to build")])
    return paths


def input_hash(settings: Settings) -> str:
    """A hash of everything a build reads, so a store can tell whether it is stale."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(settings.base_uri.encode())
    for folder in (settings.ontology_dir, settings.shapes_dir, settings.data_dir):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".ttl", ".yaml", ".csv"}):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_inputs(settings: Settings, reporter: Reporter) -> list[FactFile]:
    paths = fact_paths(settings.data_dir)
    files, errors = [], []
    with reporter.phase("parse", len(paths)) as advance:
        for path in paths:
            try:
                files.append(read_fact_file(path))
            except BuildError as exc:
                errors.extend(exc.errors)
            advance(1)
        files.extend(reference_documents(settings.data_dir))
    if errors:
        raise BuildError(errors)
    return files


def compile_files(files: list[FactFile], settings: Settings, reporter: Reporter,
                  only: set[str] | None = None) -> Compiled:
    """Resolve every file's references and make triples; `only` limits conversion to some paths."""
    ontology = load_ontology(settings.ontology_dir)
    vocab = vocabulary_from(ontology)
    registry = build_registry(files, vocab)
    converter = Converter(registry, Ids(settings.base_uri))
    chosen = [ff for ff in files if only is None or ff.path in only]
    graphs = []
    with reporter.phase("triples", len(chosen)) as advance:
        for ff in chosen:
            graphs.append(converter.convert(ff))
            advance(1)
    registry.raise_errors()
    return Compiled(graphs, registry, vocab, ontology)


def check(compiled: Compiled, settings: Settings, reporter: Reporter) -> None:
    """SHACL-validate each compiled graph, with the declared types of what it refers to."""
    types = compiled.registry.type_index(Ids(settings.base_uri))
    with reporter.phase("shacl", len(compiled.graphs)) as advance:
        errors = validate_graphs(compiled.graphs, settings.shapes_dir, types, workers=settings.workers,
                                 on_done=advance)
    if errors:
        raise BuildError(errors)


def metadata_triples(compiled: Compiled, info: BuildInfo, ids: Ids):
    build = ids.graph("meta")
    yield build, RDF.type, PROV.Entity
    yield build, DCTERMS.identifier, Literal(info.build_id)
    yield build, DCTERMS.modified, Literal(info.built_at, datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime"))
    yield build, CSP.inputHash, Literal(info.input_hash)
    for sg in compiled.graphs:
        yield from graph_metadata(sg)


def build(settings: Settings, store: GraphStore, reporter: Reporter | None = None) -> BuildInfo:
    """Build the whole graph and publish it; on any error raise BuildError and change nothing."""
    reporter = reporter or Reporter()
    files = read_inputs(settings, reporter)
    compiled = compile_files(files, settings, reporter)
    check(compiled, settings, reporter)
    digest = input_hash(settings)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    info = BuildInfo(build_id=f"{now:%Y%m%dT%H%M%SZ}-{digest[:12]}", built_at=now.isoformat(), input_hash=digest)
    ids = Ids(settings.base_uri)
    graphs = {sg.graph: sg.triples for sg in compiled.graphs}
    graphs[ids.graph("ontology")] = list(compiled.ontology)
    graphs[ids.graph("meta")] = list(metadata_triples(compiled, info, ids))
    with reporter.phase("load", len(graphs)):
        store.publish(graphs, info)
    return info


def validate(settings: Settings, paths: list[Path] | None = None, reporter: Reporter | None = None) -> Compiled:
    """Check fact files without loading. With `paths`, only those files are converted and
    SHACL-validated; the others are read for the ids and types they declare."""
    reporter = reporter or Reporter()
    files = read_inputs(settings, reporter)
    only = None
    if paths:
        known = {f.path for f in files}
        files.extend(read_fact_file(p) for p in paths if display_path(p) not in known)
        only = {display_path(p) for p in paths}
    compiled = compile_files(files, settings, reporter, only=only)
    check(compiled, settings, reporter)
    return compiled
