"""Publishing what changed: a build that replaces only the named graphs of the fact files that were
added, edited or removed since the served build, and what is derived from them.

What a changed file's graph reaches, and so what is built again with it:
- the meta graph (each graph's size and content hash, and the build's id): always;
- the graphs of other files that declare an id whose merged record (kind, type, name) changed,
  since every file declaring a body states its canonical type and name;
- the graphs of other files that mention such an id: converted again (a reference to an id that
  is gone is an error) and validated again (SHACL checks the types of what they refer to);
- the statutory model's applications, which read every file's bodies (types, parts, districts,
  police force areas, dates) and areas: when that part of any changed file changed, the build
  is full, as it is when the ontology, the shapes or the reference data changed, when the served
  build has no manifest here (graph_build/manifest.py), or when most files changed.
Materialised links (`holder csp:scrutinises held` ...) are part of the graph of the file stating
the link, and go with it.

The changed files are converted and validated with the registry of every file's declarations
(the unchanged files' from the manifest, in the order a full build declares them), so they are
checked as a full build would check them; `tests/test_build_incremental.py` compares the triples
of both. Nothing is written before every check passed: the store then replaces the graphs on a
copy of the served build (embedded) or graph by graph with the meta graph last (remote).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Literal, URIRef

from . import manifest
from .config import Settings
from .errors import BuildError
from .facts.reader import FactFile, read_fact_file
from .manifest import GraphEntry, Manifest
from .namespaces import Ids
from .pipeline import (
    Compiled,
    _ontology,
    build_info_for,
    check,
    fact_paths,
    keyed,
    metadata_triples,
)
from .progress import Reporter
from .resolve import Declaration, Registry, declarations
from .store.base import BuildInfo, GraphStore, MetaPatch
from .triples import Converter, SourceGraph
from .vocab import Vocabulary

MOST_CHANGED = 0.25  # past this share of files changed, a full build is as quick
CONTENT_HASHES = """SELECT ?file ?hash WHERE { VALUES (?meta ?file) { (UNDEF UNDEF) }
    GRAPH ?meta { ?graph csp:sourceFile ?file ; csp:contentHash ?hash } }"""
MENTIONING = """SELECT DISTINCT ?graph WHERE { VALUES ?node { UNDEF }
    { GRAPH ?graph { ?node ?p ?o } } UNION { GRAPH ?graph { ?s ?p ?node } } }"""


@contextmanager
def one_build_at_a_time(settings: Settings) -> Iterator[None]:
    """Builds of one cache folder wait for each other: two at once would both start from the
    served build, and the later would undo the earlier's changes."""
    folder = Path(settings.cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_changes(settings: Settings, store: GraphStore, reporter: Reporter) -> BuildInfo | None:
    """Publish what changed since the served build; None when only a full build will do."""
    served = store.build_info()
    previous = manifest.load(settings.cache_dir, served.build_id) if served is not None else None
    if previous is None or previous.frame != manifest.frame_of(settings):
        return None
    paths = dict(keyed(fact_paths(settings.data_dir)))
    with reporter.phase("hash", len(paths)):
        stamps = manifest.digests(paths.items(), previous)
    stamped_at = time.time_ns()
    changed = [k for k, v in stamps.items() if k not in previous.files or previous.files[k].digest != v[2]]
    removed = [k for k in previous.files if k not in stamps]
    if not _recorded_in(store, settings, previous, [*changed, *removed]):
        return None
    if not changed and not removed:
        reporter.summary = "nothing changed"
        return served
    if len(changed) + len(removed) > max(8, MOST_CHANGED * len(stamps)):
        return None
    with reporter.phase("parse", len(changed)):
        parsed = _read([(k, paths[k]) for k in changed])
    made = Manifest("", previous.frame, {}, previous.derived, stamps, stamped_at)
    _, vocab = _ontology(settings.ontology_dir)
    registry = _registry(vocab, previous, stamps, parsed, removed)
    made.records = registry.records
    ids = Ids(settings.base_uri)
    altered = _altered_records(vocab, previous, parsed, removed, registry)
    if _model_changed(previous, list(stamps), parsed, removed, altered):
        return None
    dependent = _dependents(store, previous, altered, ids, set(changed), set(stamps))
    if dependent is None:
        return None
    with reporter.phase("parse", len(dependent)):
        parsed.update(_read([(k, paths[k]) for k in dependent]))
    converter = Converter(registry, ids)
    with reporter.phase("triples", len(parsed)):
        graphs = {k: converter.convert(ff) for k, ff in parsed.items()}
    registry.raise_errors()
    converted = list(graphs.values())
    check(
        Compiled(converted, registry, vocab, None), settings, reporter, type_index(registry, ids, converted)
    )
    for k in stamps:
        sg = graphs.get(k)
        made.files[k] = (
            previous.files[k]
            if sg is None
            else manifest.entry_for(sg, manifest.about(parsed[k]), stamps[k][2])
        )
    info = build_info_for(made)
    replace = {sg.graph: sg.triples for sg in graphs.values()}
    old = {previous.files[k].graph for k in [*removed, *graphs] if k in previous.files}
    drop = [URIRef(g) for g in sorted(old - {str(g) for g in replace})]
    touched = old | {str(g) for g in replace}
    meta = MetaPatch(
        ids.graph("meta"),
        (ids.graph("meta"), *(URIRef(g) for g in sorted(touched))),
        tuple(metadata_triples(made, info, ids, only=touched)),
    )
    with reporter.phase("load", len(replace) + len(drop)):
        store.update(replace, drop, info, meta)
    with reporter.phase("record"):  # served by now: this is for the next build
        manifest.save(settings.cache_dir, made)
    reporter.summary = (
        f"{len(changed)} changed, {len(removed)} removed, {len(dependent)} depending on them: "
        f"{len(replace)} graph(s) replaced, {len(drop)} dropped"
    )
    return info


def _recorded_in(store: GraphStore, settings: Settings, previous: Manifest, keys: list[str]) -> bool:
    """Whether the served build's meta graph gives the files in `keys` the content hashes the
    manifest does (a check that store and manifest agree, as costly as the change is large)."""
    meta = Ids(settings.base_uri).graph("meta")
    files = [Literal(k) for k in keys]
    rows = store.select(CONTENT_HASHES, {"meta": meta, "file": files}) if files else []
    found = {str(row["file"]): str(row["hash"]) for row in rows}
    return found == {k: previous.files[k].digest for k in keys if k in previous.files}


def _read(paths: list[tuple[str, Path]]) -> dict[str, FactFile]:
    """The files parsed; every file's problems are reported at once."""
    out, errors = {}, []
    for key, path in paths:
        try:
            out[key] = read_fact_file(path)
        except BuildError as exc:
            errors.extend(exc.errors)
    if errors:
        raise BuildError(errors)
    return out


def _model_changed(
    previous: Manifest,
    order: list[str],
    parsed: dict[str, FactFile],
    removed: list[str],
    altered: set[tuple[str, str]],
) -> bool:
    """Whether the statutory model could apply differently: a body's record changed (its type or
    name; a body added or gone), or what the files say of the bodies and areas they touch."""
    if any(kind == "body" for kind, _ in altered):
        return True
    new = {k: manifest.body_facts(ff) for k, ff in parsed.items()}
    old = [previous.files[k].body_facts for k in [*parsed, *removed] if k in previous.files]
    touched = {f[1] if f[0] == "area" else f[0] for facts in [*old, *new.values()] for f in facts}
    if not touched:
        return False

    def facts(now: bool) -> Iterator[tuple]:
        for e in previous.derived:
            if e.reference:
                yield from e.body_facts
        for k in order if now else previous.files:
            yield from (new[k] if now and k in new else previous.files[k].body_facts)

    return manifest.gathered(facts(False), touched) != manifest.gathered(facts(True), touched)


def _declared_in_order(
    previous: Manifest, stamps: dict[str, tuple], parsed: dict[str, list[Declaration]]
) -> Iterator[tuple[bool, Declaration]]:
    """Every declaration in the order a full build makes them (reference layer, fact files in
    order, statutory model), each with whether the registry is complete before it."""
    for e in previous.derived:
        if e.reference:
            yield from ((False, d) for d in e.declarations)
    for k in stamps:
        yield from ((False, d) for d in (parsed[k] if k in parsed else previous.files[k].declarations))
    for e in previous.derived:
        if not e.reference:
            yield from ((True, d) for d in e.declarations)


def _registry(
    vocab: Vocabulary,
    previous: Manifest,
    stamps: dict[str, tuple],
    parsed: dict[str, FactFile],
    removed: list[str],
) -> Registry:
    """The registry of every file's declarations, the changed files' as they are now: the served
    build's records, with those of every id a changed or removed file declares (before or now)
    merged again from all their declarations, in a full build's order."""
    new = {k: declarations(ff) for k, ff in parsed.items()}
    touched = {
        d.id for k in [*parsed, *removed] if k in previous.files for d in previous.files[k].declarations
    }
    touched |= {d.id for decls in new.values() for d in decls}
    registry = Registry(vocab)
    if not previous.records:  # a manifest without them: every declaration merged again
        touched |= {d.id for e in previous.entries() for d in e.declarations}
    registry.records = {key: rec for key, rec in previous.records.items() if rec.id not in touched}
    complete = False
    for after_check, d in _declared_in_order(previous, stamps, new):
        if after_check and not complete:
            _check_complete(registry, touched)
            complete = True
        if d.id in touched:
            registry.declare(d)
    if not complete:
        _check_complete(registry, touched)
    return registry


def _check_complete(registry: Registry, touched: set[str]) -> None:
    """Registry.check_bodies_complete for the bodies merged again (the others were complete)."""
    kept = registry.records
    registry.records = {key: rec for key, rec in kept.items() if rec.id in touched}
    try:
        registry.check_bodies_complete()
    finally:
        registry.records = kept


def type_index(registry: Registry, ids: Ids, graphs: list[SourceGraph]) -> dict:
    """Registry.type_index for the resources these graphs name (all that SHACL asks of it)."""
    prefix = ids.base.rstrip("/") + "/id/"
    superclasses = registry.vocab.superclasses
    index = dict(registry.vocab.concept_types)
    for sg in graphs:
        for s, _, o in sg.triples:
            for node in (s, o):
                if isinstance(node, URIRef) and node.startswith(prefix) and node not in index:
                    kind, _, key = node[len(prefix) :].partition("/")
                    rec = registry.records.get(f"{kind}:{key}")
                    if rec is not None and rec.type is not None:
                        index[node] = superclasses.get(rec.type, (rec.type,))
    return index


def _altered_records(
    vocab: Vocabulary, previous: Manifest, parsed: dict[str, FactFile], removed: list[str], now: Registry
) -> set[tuple[str, str]]:
    """The (kind, id) of every record the changed files declare (before or now) whose merged
    kind, type or name is not what it was."""
    touched = {
        (d.kind, d.id)
        for k in [*parsed, *removed]
        if k in previous.files
        for d in previous.files[k].declarations
    }
    touched |= {(d.kind, d.id) for ff in parsed.values() for d in declarations(ff)}
    before = Registry(vocab)
    everything = [*previous.derived, *previous.files.values()]
    for d in (d for e in everything for d in e.declarations if (d.kind, d.id) in touched):
        before.declare(d)

    def summary(registry: Registry, kind: str, id_: str) -> tuple | None:
        rec = registry.get(kind, id_)
        return None if rec is None else (rec.type, rec.name)

    return {key for key in touched if summary(before, *key) != summary(now, *key)}


def _dependents(
    store: GraphStore,
    previous: Manifest,
    altered: set[tuple[str, str]],
    ids: Ids,
    changed: set[str],
    present: set[str],
) -> list[str] | None:
    """The unchanged files whose graphs declare or mention an altered record; None when a derived
    graph does (the reference layer or the statutory model: then the build is full)."""
    if not altered:
        return []
    out = {
        k
        for k, e in previous.files.items()
        if k not in changed and any((d.kind, d.id) in altered for d in e.declarations)
    }
    nodes = [ids.entity(kind, id_) for kind, id_ in sorted(altered)]
    by_graph = {e.graph: k for k, e in previous.files.items()}
    derived = {e.graph for e in previous.derived}
    for row in store.select(MENTIONING, {"node": nodes}):
        graph = str(row["graph"])
        if graph in derived:
            return None
        if graph in by_graph and by_graph[graph] not in changed:
            out.add(by_graph[graph])
    return sorted(out & present)


__all__ = ["GraphEntry", "build_changes", "one_build_at_a_time"]
