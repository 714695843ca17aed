"""The build: read → resolve → triples (a named graph per source) → SHACL → atomic load."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import manifest
from .config import Settings
from .declared import national_names, open_cache
from .errors import BuildError, FactError, display_path
from .facts.files import fact_files
from .facts.reader import FactFile, FactFileCache, read_fact_file
from .manifest import GraphEntry, Manifest
from .namespaces import CSP, DCTERMS, PROV, RDF, XSD, Ids
from .progress import Reporter
from .reference import Reach, reference_documents, statutory_documents
from .reference.coverage import coverage_warnings
from .reference.reconcile import possible_matches
from .resolve import Declaration, Registry, build_registry
from .shacl import validate_graphs
from .store.base import BuildInfo, GraphStore
from .store.embedded import EmbeddedStore
from .triples import Converter, SourceGraph, Triple
from .vocab import Vocabulary, load_ontology, vocabulary_from

FACT_FOLDERS = ("registers", "minutes")


@dataclass
class Compiled:
    """The whole graph before loading: one SourceGraph per source, and what resolved them."""

    graphs: list[SourceGraph]
    registry: Registry
    vocab: Vocabulary
    ontology: Graph | None  # None when only some files were checked (validate_files)
    model: list[GraphEntry] = field(default_factory=list)  # statutory model documents, for the manifest
    reach: Reach | None = None  # what the statutory model looked at (see update.py)


def fact_paths(data_dir: Path, *, minutes_needed: bool = True) -> list[Path]:
    """Every fact file, registers first; an empty or missing data folder is an error (and, with
    `minutes_needed`, a minutes folder without files: a document being checked may be the first)."""
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
    paths, problems = [], []
    for folder in FACT_FOLDERS:
        found, refused = fact_files(data_dir / folder)
        paths += found
        problems += refused
    if problems:
        raise BuildError(problems)
    if minutes_needed and not any(p.parent == minutes for p in paths):
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
    """A hash of everything a build reads, so a store can tell whether it is stale (the formula
    of `Manifest.input_hash`: the frame, then each fact file's content hash)."""
    stamps = manifest.digests(keyed(fact_paths(settings.data_dir)))
    return manifest.input_hash_of(manifest.frame_of(settings), ((k, v[2]) for k, v in stamps.items()))


def keyed(paths: list[Path]) -> list[tuple[str, Path]]:
    """Fact files by the path users see (the key of a build's manifest)."""
    return [(display_path(p), p) for p in paths]


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
    files: list[FactFile],
    settings: Settings,
    reporter: Reporter,
    only: set[str] | None = None,
    *,
    consume: bool = False,
) -> Compiled:
    """Resolve every file's references and make triples; `only` limits conversion to some paths.
    With `consume`, `files` is emptied and each file let go once converted: parsed files take
    more memory than their triples (twice as much at 10M triples)."""
    ontology, vocab = _ontology(settings.ontology_dir)
    registry = build_registry(files, vocab)
    reach = Reach()
    model = statutory_documents(files, registry, settings.data_dir, reach)  # the rules applied to real bodies
    for ff in model:
        registry.declare_file(ff)
    model_paths = {ff.path: ff for ff in model}
    for warning in possible_matches(files + model, registry):  # curated bodies that look like national ones
        reporter.warn(warning)
    for warning in coverage_warnings(files + model):  # responsible authorities the data cannot name
        reporter.warn(warning)
    converter = Converter(registry, Ids(settings.base_uri))
    chosen: list[FactFile | None] = [ff for ff in files + model if only is None or ff.path in only]
    if consume:
        files.clear()
    graphs = []
    with reporter.phase("triples", len(chosen)) as advance:
        for i, one in enumerate(chosen):
            assert one is not None  # (emptied only after its turn)
            graphs.append(converter.convert(one))
            if consume:
                chosen[i] = None
            advance(1)
    registry.raise_errors()
    entries = [
        manifest.entry_for(sg, manifest.about(model_paths[sg.file]), None)
        for sg in graphs
        if sg.file in model_paths
    ]
    return Compiled(graphs, registry, vocab, ontology, entries, reach)


def check(compiled: Compiled, settings: Settings, reporter: Reporter, types: dict | None = None) -> None:
    """SHACL-validate each compiled graph, with the declared types of what it refers to (`types`:
    the registry's type index, or the part of it the graphs need)."""
    if types is None:
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


def metadata_triples(entries: Iterable[GraphEntry], info: BuildInfo, ids: Ids) -> Iterator[Triple]:
    """The meta graph: the build, and each graph's source, file, size and content hash (of the
    graphs in `entries`: every graph of a full build, those replaced by a build that is not)."""
    build = ids.graph("meta")
    yield build, RDF.type, PROV.Entity
    yield build, DCTERMS.identifier, Literal(info.build_id)
    yield build, DCTERMS.modified, Literal(info.built_at, datatype=XSD.dateTime)
    yield build, CSP.inputHash, Literal(info.input_hash)
    for e in entries:
        graph = URIRef(e.graph)
        yield graph, RDF.type, CSP.SourceGraph
        yield graph, PROV.wasDerivedFrom, URIRef(e.source)
        yield graph, CSP.sourceFile, Literal(e.file)
        yield graph, CSP.factCount, Literal(e.facts)
        if e.digest is not None:
            yield graph, CSP.contentHash, Literal(e.digest)


def build_info_for(made: Manifest) -> BuildInfo:
    """A new build's id (time and input hash) for what `made` records; sets its build_id."""
    info = new_build_info(made.input_hash())
    made.build_id = info.build_id
    return info


def new_build_info(digest: str) -> BuildInfo:
    """A new build's id: the time and its input hash."""
    now = datetime.now(UTC).replace(microsecond=0)
    return BuildInfo(
        build_id=f"{now:%Y%m%dT%H%M%SZ}-{digest[:12]}", built_at=now.isoformat(), input_hash=digest
    )


def build(
    settings: Settings, store: GraphStore, reporter: Reporter | None = None, *, full: bool = False
) -> BuildInfo:
    """Build the graph and publish it; on any error raise BuildError and change nothing.

    When the store serves a build made here from the same ontology, shapes and reference data,
    only what changed is built again and replaced (graph_build/update.py); `full` rebuilds all."""
    from . import update  # it builds on this module's steps

    reporter = reporter or Reporter()
    with update.one_build_at_a_time(settings):
        if not full:
            info = update.build_changes(settings, store, reporter)
            if info is not None:
                return info
        return build_full(settings, store, reporter)


def build_full(settings: Settings, store: GraphStore, reporter: Reporter) -> BuildInfo:
    """Every file read, converted, validated and loaded into a new store content."""
    from . import parallel  # it runs this module's steps in workers

    reporter.summary = "full build"
    frame = manifest.frame_of(settings)
    with reporter.phase("hash"):
        paths = keyed(fact_paths(settings.data_dir))
        stamps = manifest.digests(paths)
    stamped_at = time.time_ns()
    if isinstance(store, EmbeddedStore) and parallel.usable(settings, len(paths)):
        made = Manifest("", frame, {}, [], stamps, stamped_at)
        info = parallel.build_full(settings, store, reporter, paths, made)
        with reporter.phase("record"):  # served by now: this is for the next build
            manifest.save(settings.cache_dir, made)
        return info
    files = read_inputs(settings, reporter)
    facts = {ff.path: manifest.about(ff) for ff in files}
    national = manifest.national(files)
    compiled = compile_files(files, settings, reporter, consume=True)
    check(compiled, settings, reporter)
    made = Manifest("", frame, {}, [], stamps, stamped_at, compiled.reach, national)
    for sg in compiled.graphs:  # (the statutory model's graphs name the rules' file too: taken once)
        if sg.file in stamps:
            made.files[sg.file] = manifest.entry_for(sg, facts.pop(sg.file), stamps[sg.file][2])
        elif sg.file in facts:
            made.derived.append(manifest.entry_for(sg, facts.pop(sg.file), None))
    made.derived += compiled.model
    made.files = {key: made.files[key] for key in stamps}  # in the order of the files
    info = build_info_for(made)
    ids = Ids(settings.base_uri)
    graphs = {sg.graph: sg.triples for sg in compiled.graphs}
    assert compiled.ontology is not None  # a full build has it
    graphs[ids.graph("ontology")] = list(compiled.ontology)
    graphs[ids.graph("meta")] = list(metadata_triples(made.entries(), info, ids))
    with reporter.phase("load", len(graphs)):
        store.publish(graphs, info)
    with reporter.phase("record"):  # served by now: this is for the next build
        manifest.save(settings.cache_dir, made)
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
    wanted = {display_path(p) for p in paths}
    with reporter.phase("parse", len(paths)):
        found = _every_step(
            [partial(_VALIDATE_CACHE.read, p, draft) for p in paths]
            + [partial(_declared_elsewhere, settings, wanted)]
        )
    others, national, vocab = found[-1]
    return _check_against(settings, found[:-1], others, national, vocab, reporter)


def validate_document(settings: Settings, ff: FactFile, reporter: Reporter | None = None) -> Compiled:
    """Check one parsed fact document (one being curated, say, to be saved as `ff.path`) as
    `validate_files` checks files: against what every other file declares.

    >>> from graph_build.facts.reader import parse_text
    >>> from graph_build.resources import SOURCE_TREE
    >>> settings = Settings(project_dir=SOURCE_TREE, cache_dir=Path("cache"))  # the project's data/
    >>> note = parse_text('''
    ... source: {id: plymouth-note, title: A note on Safer Plymouth, kind: minutes, date: 2020-03-12}
    ... links:
    ...   - {holder: plymouth-csp, held: no-such-body, mechanism: scrutiny, status: statutory, cite: item 1}
    ... ''', "minutes/plymouth-note.yaml")
    >>> validate_document(settings, note)
    Traceback (most recent call last):
    graph_build.errors.BuildError: minutes/plymouth-note.yaml:4: links[0].held: no body or initiative or person has the id 'no-such-body'...
    """
    reporter = reporter or Reporter()
    others, national, vocab = _declared_elsewhere(settings, {ff.path})
    return _check_against(settings, [ff], others, national, vocab, reporter)


def _check_against(
    settings: Settings,
    chosen: list[FactFile],
    others: list[Declaration],
    national: FactFile,
    vocab: Vocabulary,
    reporter: Reporter,
) -> Compiled:
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


def _declared_elsewhere(
    settings: Settings, wanted: set[str]
) -> tuple[list[Declaration], FactFile, Vocabulary]:
    """The declarations of every fact file but those in `wanted` (reference layer first), the
    national bodies' names and the vocabulary, from the cache of declarations."""
    rest = [p for p in fact_paths(settings.data_dir, minutes_needed=False) if display_path(p) not in wanted]
    cache = open_cache(settings.cache_dir, settings.data_dir)
    declared = _every_step(
        [partial(cache.reference, settings.data_dir)] + [partial(cache.file, p) for p in rest]
    )
    vocab = cache.vocabulary(settings.ontology_dir)
    cache.save()
    return [d for each in declared for d in each.declarations], national_names(declared[0]), vocab


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
