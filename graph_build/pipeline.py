"""The build: read → resolve → triples (a named graph per source) → SHACL → atomic load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import __version__
from .config import Settings
from .declared import national_names, open_cache
from .errors import BuildError, FactError, display_path
from .facts.reader import FactFile, FactFileCache, read_fact_file
from .namespaces import CSP, DCTERMS, PROV, RDF, Ids
from .progress import Reporter
from .reference import reference_documents, statutory_documents
from .reference.reconcile import possible_matches
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
    ontology: Graph | None  # None when only some files were checked (validate_files)


def fact_paths(data_dir: Path) -> list[Path]:
    """Every fact file, registers first; an empty or missing data folder is an error."""
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise BuildError(
            [
                FactError(
                    display_path(data_dir),
                    None,
                    "",
                    f"the data folder {what}",
                    "give --data or CSPKG_DATA_DIR: a folder with minutes/ in it",
                )
            ]
        )
    minutes = data_dir / "minutes"
    if not minutes.is_dir():
        raise BuildError(
            [
                FactError(
                    display_path(minutes),
                    None,
                    "",
                    "the data folder has no minutes folder: nothing to build",
                    "is --data the right folder?",
                )
            ]
        )
    paths = [p for folder in FACT_FOLDERS for p in sorted((data_dir / folder).glob("*.yaml"))]
    if not any(p.parent == minutes for p in paths):
        raise BuildError(
            [
                FactError(
                    display_path(minutes),
                    None,
                    "",
                    "no fact files (*.yaml) in the minutes folder: nothing to build",
                )
            ]
        )
    return paths


def input_hash(settings: Settings) -> str:
    """A hash of everything a build reads, so a store can tell whether it is stale."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(settings.base_uri.encode())
    for folder in (settings.ontology_dir, settings.shapes_dir, settings.data_dir):
        for path in sorted(
            p for p in folder.rglob("*") if p.is_file() and p.suffix in {".ttl", ".yaml", ".csv"}
        ):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_inputs(settings: Settings, reporter: Reporter, cache: FactFileCache | None = None) -> list[FactFile]:
    paths = fact_paths(settings.data_dir)
    files, errors = [], []
    read = cache.read if cache is not None else read_fact_file
    with reporter.phase("parse", len(paths)) as advance:
        for path in paths:
            try:
                files.append(read(path))
            except BuildError as exc:
                errors.extend(exc.errors)
            advance(1)
        try:
            files.extend(reference_documents(settings.data_dir))
        except BuildError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BuildError(errors)
    return files


def _ontology(ontology_dir: Path) -> tuple[Graph, Vocabulary]:
    """The ontology and its vocabulary, parsed again only when its files change."""
    digest = hashlib.sha256()
    for file in sorted(Path(ontology_dir).glob("*.ttl")):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return _ontology_of(Path(ontology_dir), digest.hexdigest())


@lru_cache(maxsize=2)
def _ontology_of(ontology_dir: Path, digest: str) -> tuple[Graph, Vocabulary]:
    ontology = load_ontology(ontology_dir)
    return ontology, vocabulary_from(ontology)


def compile_files(
    files: list[FactFile], settings: Settings, reporter: Reporter, only: set[str] | None = None
) -> Compiled:
    """Resolve every file's references and make triples; `only` limits conversion to some paths."""
    ontology, vocab = _ontology(settings.ontology_dir)
    registry = build_registry(files, vocab)
    model = statutory_documents(
        files, registry, settings.data_dir
    )  # the statutory rules applied to real bodies
    for ff in model:
        registry.declare_file(ff)
    files = files + model
    for warning in possible_matches(files, registry):  # curated bodies that look like national ones
        reporter.warn(warning)
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
        errors = validate_graphs(
            compiled.graphs,
            settings.shapes_dir,
            types,
            workers=settings.workers,
            on_done=advance,
            engine=settings.shacl_engine,
        )
    if errors:
        raise BuildError(errors)


def metadata_triples(compiled: Compiled, info: BuildInfo, ids: Ids):
    build = ids.graph("meta")
    yield build, RDF.type, PROV.Entity
    yield build, DCTERMS.identifier, Literal(info.build_id)
    yield (
        build,
        DCTERMS.modified,
        Literal(info.built_at, datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime")),
    )
    yield build, CSP.inputHash, Literal(info.input_hash)
    for sg in compiled.graphs:
        yield from graph_metadata(sg)


def build(settings: Settings, store: GraphStore, reporter: Reporter | None = None) -> BuildInfo:
    """Build the whole graph and publish it; on any error raise BuildError and change nothing."""
    reporter = reporter or Reporter()
    compiled = compile_files(read_inputs(settings, reporter), settings, reporter)  # the parsed files go now
    check(compiled, settings, reporter)
    digest = input_hash(settings)
    now = datetime.now(UTC).replace(microsecond=0)
    info = BuildInfo(
        build_id=f"{now:%Y%m%dT%H%M%SZ}-{digest[:12]}", built_at=now.isoformat(), input_hash=digest
    )
    ids = Ids(settings.base_uri)
    graphs = {sg.graph: sg.triples for sg in compiled.graphs}
    graphs[ids.graph("ontology")] = list(compiled.ontology)
    graphs[ids.graph("meta")] = list(metadata_triples(compiled, info, ids))
    with reporter.phase("load", len(graphs)):
        store.publish(graphs, info)
    return info


_VALIDATE_CACHE = FactFileCache()  # repeated checks in one process parse only what changed


def validate(
    settings: Settings, paths: list[Path] | None = None, reporter: Reporter | None = None, draft: bool = False
) -> Compiled:
    """Check fact files without loading: every file, or only those in `paths` (see validate_files);
    with `draft`, the files in `paths` are drafts (their `draft:` keys are accepted and dropped)."""
    reporter = reporter or Reporter()
    if paths:
        return validate_files(settings, paths, reporter, draft)
    compiled = compile_files(read_inputs(settings, reporter, _VALIDATE_CACHE), settings, reporter)
    check(compiled, settings, reporter)
    return compiled


def validate_files(
    settings: Settings, paths: list[Path], reporter: Reporter, draft: bool = False
) -> Compiled:
    """Check some fact files against what the others declare (kept on disk, parsed again only
    when they change): references, types and names, and SHACL with the types of what the files
    refer to. The statutory model and the other files' own facts are the full check's business."""
    chosen, others, national, vocab = _read_for(settings, paths, reporter, draft)
    registry = Registry(vocab)
    for d in others:
        registry.declare(d)
    for ff in chosen:
        registry.declare_file(ff)
    registry.check_bodies_complete()
    for warning in possible_matches([national, *chosen], registry):
        reporter.warn(warning)
    converter = Converter(registry, Ids(settings.base_uri))
    with reporter.phase("triples", len(chosen)):
        graphs = [converter.convert(ff) for ff in chosen]
    registry.raise_errors()
    compiled = Compiled(graphs, registry, vocab, ontology=None)
    check(compiled, settings, reporter)
    return compiled


def _read_for(settings: Settings, paths: list[Path], reporter: Reporter, draft: bool = False):
    """The files to check, the declarations of all others (reference layer first), the national
    bodies' names and the vocabulary; every file's problems are reported at once."""
    wanted = {display_path(p) for p in paths}
    rest = [p for p in fact_paths(settings.data_dir) if display_path(p) not in wanted]
    cache = open_cache(settings.cache_dir, settings.data_dir)
    with reporter.phase("parse", len(paths)):
        found = _every_step(
            [partial(_VALIDATE_CACHE.read, p, draft) for p in paths]
            + [partial(cache.reference, settings.data_dir)]
            + [partial(cache.file, p) for p in rest]
        )
        vocab = cache.vocabulary(settings.ontology_dir)
        cache.save()
    chosen, declared = found[: len(paths)], found[len(paths) :]
    return chosen, [d for each in declared for d in each.declarations], national_names(declared[0]), vocab


def _every_step(steps: list) -> list:
    """Each step's result, or one BuildError with the problems of every step that failed."""
    out, errors = [], []
    for step in steps:
        try:
            out.append(step())
        except BuildError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BuildError(errors)
    return out
