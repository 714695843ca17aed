"""Publishing what changed: a build that replaces only the named graphs of the fact files that were
added, edited or removed since the served build, and what is derived from them.

What a changed file's graph reaches, and so what is built again with it:
- the meta graph (each graph's size and content hash, and the build's id): always;
- the graphs of other files that declare an id whose merged record (kind, type, name) changed,
  since every file declaring a body states its canonical type and name;
- the graphs of other files that mention such an id: converted again (a reference to an id that
  is gone is an error) and validated again (SHACL checks the types of what they refer to);
- the statutory model's applications, which read every file's bodies (types, parts, districts,
  police force areas, dates, not names) and areas: when that part of any changed file changed,
  a body was removed or retyped, or a body was added that the model may see (of a class it
  asked for in the served build, or typed by the reference data: `reference.Reach`), the build
  is full, as it is when the ontology, the shapes or the reference data changed, when the served
  build has no record here (graph_build/manifest.py), or when most files changed. A body added
  that the model does not see, or renamed, is built incrementally: a graph states the names only
  of what it declares, so only the graphs declaring or naming it are built again.
Materialised links (`holder csp:scrutinises held` ...) are part of the graph of the file stating
the link, and go with it.

The files built again get the warnings a full build gives them of curated bodies named like
national ones (the reference layer's bodies are kept in the record for that); the warnings of
responsible authorities the data cannot name, which read every file, come with full builds.

The changed files are converted and validated with the registry of every file's declarations
(the unchanged files' from the record, in the order a full build declares them), so they are
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
from typing import Any

from rdflib import Literal, URIRef

from . import manifest
from .config import Settings
from .errors import BuildError
from .facts.reader import FactFile, read_fact_file
from .manifest import GraphEntry
from .namespaces import Ids
from .pipeline import (
    FACT_FOLDERS,
    Compiled,
    _ontology,
    check,
    fact_paths,
    keyed,
    metadata_triples,
    new_build_info,
)
from .progress import Reporter
from .reference import Reach
from .reference.reconcile import possible_matches
from .resolve import Declaration, Record, Registry, declarations
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
    if previous is None:
        return None
    try:
        return _build_changes(settings, store, reporter, previous)
    finally:
        previous.close()


def _build_changes(
    settings: Settings, store: GraphStore, reporter: Reporter, previous: manifest.Served
) -> BuildInfo | None:
    if previous.frame != manifest.frame_of(settings):
        return None
    paths = dict(keyed(fact_paths(settings.data_dir)))
    with reporter.phase("hash", len(paths)):
        stamps = manifest.digests(paths.items(), previous)
    stamped_at = time.time_ns()
    changed = [k for k, v in stamps.items() if k not in previous.files or previous.files[k][1] != v[2]]
    removed = [k for k in previous.files if k not in stamps]
    if not _recorded_in(store, settings, previous, [*changed, *removed]):
        return None
    if not changed and not removed:
        reporter.summary = "nothing changed"
        return store.build_info()
    if len(changed) + len(removed) > max(8, MOST_CHANGED * len(stamps)):
        return None
    with reporter.phase("parse", len(changed)):
        parsed = _read([(k, paths[k]) for k in changed])
    _, vocab = _ontology(settings.ontology_dir)
    before = Before(previous, [*parsed, *removed])
    registry = _registry(vocab, previous, before, parsed)
    ids = Ids(settings.base_uri)
    altered = _altered_records(vocab, previous, before, parsed, registry)
    if _model_changed(previous, before, parsed, altered, vocab):
        return None
    dependent = _dependents(store, previous, altered, ids, set(changed), set(stamps))
    if dependent is None:
        return None
    with reporter.phase("parse", len(dependent)):
        parsed.update(_read([(k, paths[k]) for k in dependent]))
    for warning in possible_matches([*previous.national(), *parsed.values()], registry):
        reporter.warn(warning)  # (of the files built again; those of the others stand)
    converter = Converter(registry, ids)
    with reporter.phase("triples", len(parsed)):
        graphs = {k: converter.convert(ff) for k, ff in parsed.items()}
    registry.raise_errors()
    converted = list(graphs.values())
    check(
        Compiled(converted, registry, vocab, None), settings, reporter, type_index(registry, ids, converted)
    )
    entries = {k: manifest.entry_for(sg, manifest.about(parsed[k]), stamps[k][2]) for k, sg in graphs.items()}
    info = new_build_info(manifest.input_hash_of(previous.frame, ((k, v[2]) for k, v in stamps.items())))
    replace = {sg.graph: sg.triples for sg in graphs.values()}
    old = {previous.files[k][0] for k in [*removed, *graphs] if k in previous.files}
    drop = [URIRef(g) for g in sorted(old - {str(g) for g in replace})]
    touched = old | {str(g) for g in replace}
    meta = MetaPatch(
        ids.graph("meta"),
        (ids.graph("meta"), *(URIRef(g) for g in sorted(touched))),
        tuple(metadata_triples(entries.values(), info, ids)),
    )
    with reporter.phase("load", len(replace) + len(drop)):
        store.update(replace, drop, info, meta)
    with reporter.phase("record"):  # served by now: this is for the next build
        previous.commit(info.build_id, stamps, stamped_at, entries, removed)
    reporter.summary = (
        f"{len(changed)} changed, {len(removed)} removed, {len(dependent)} depending on them: "
        f"{len(replace)} graph(s) replaced, {len(drop)} dropped"
    )
    return info


def build_order(key: str) -> tuple[int, str]:
    """Where a fact file comes in a full build (`fact_paths`: registers, then minutes, each in
    name order), from the path it is shown by."""
    folder = key.rsplit("/", 2)[-2] if key.count("/") else ""
    return (FACT_FOLDERS.index(folder) if folder in FACT_FOLDERS else len(FACT_FOLDERS), key)


class Before:
    """What the served build's record says of the files being replaced or removed: their
    declarations and body facts, and the ids these touch."""

    def __init__(self, previous: manifest.Served, keys: list[str]):
        self.declarations = previous.declared_by(keys)
        self.body_facts = previous.body_facts_by(keys)


def _recorded_in(store: GraphStore, settings: Settings, previous: manifest.Served, keys: list[str]) -> bool:
    """Whether the served build's meta graph gives the files in `keys` the content hashes the
    record does (a check that store and record agree, as costly as the change is large)."""
    meta = Ids(settings.base_uri).graph("meta")
    files = [Literal(k) for k in keys]
    rows = store.select(CONTENT_HASHES, {"meta": meta, "file": files}) if files else []
    found = {str(row["file"]): str(row["hash"]) for row in rows}
    return found == {k: previous.files[k][1] for k in keys if k in previous.files}


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
    previous: manifest.Served,
    before: Before,
    parsed: dict[str, FactFile],
    altered: dict[tuple[str, str], tuple],
    vocab: Vocabulary,
) -> bool:
    """Whether the statutory model could apply differently: a body it may see was added, a body
    retyped or gone, or what the files say of the bodies and areas they touch changed. (It
    reads no names: a body renamed leaves it as it was.)"""
    unseen = set()
    for (kind, id_), (was, now) in altered.items():
        if kind != "body" or (was is not None and now is not None and was[0] == now[0]):
            continue  # not a body, or only renamed
        if was is None and now is not None and not _seen_by_model(previous.reach, id_, now[0], vocab):
            unseen.add(id_)
            continue
        return True
    new = {k: manifest.body_facts(ff) for k, ff in parsed.items()}
    old = list(before.body_facts.values())
    touched = {f[1] if f[0] == "area" else f[0] for facts in [*old, *new.values()] for f in facts}
    touched -= unseen
    if not touched:
        return False
    stored = previous.body_facts_of(touched)
    reference = [f for e in previous.derived if e.reference for f in e.body_facts]

    def facts(now: bool) -> list[tuple]:
        rows = [(o, s, f) for o, s, f in stored if not (now and (o in new or o in before.body_facts))]
        if now:
            rows += [(k, i, f) for k, facts in new.items() for i, f in enumerate(facts)]
        rows.sort(key=lambda r: (build_order(r[0]), r[1]))
        return reference + [f for _, _, f in rows]

    return manifest.gathered(facts(False), touched) != manifest.gathered(facts(True), touched)


def _seen_by_model(reach: Reach | None, id_: str, cls: URIRef | None, vocab: Vocabulary) -> bool:
    """Whether the statutory model may see a new body: one it types itself, or of a class (or
    a subclass of one) it asked for. Without a note of what it looked at: yes."""
    if reach is None or id_ in reach.ids:
        return True
    classes = vocab.superclasses.get(cls, (cls,)) if cls is not None else ()
    return any(str(c).rsplit("#", 1)[-1] in reach.classes for c in classes)


def _registry(
    vocab: Vocabulary, previous: manifest.Served, before: Before, parsed: dict[str, FactFile]
) -> Registry:
    """The registry of every file's declarations, the changed files' as they are now: the served
    build's records (merged again from the record when first asked for), with those of every id
    a changed or removed file declares (before or now) merged again from all their declarations,
    in a full build's order."""
    new = {k: declarations(ff) for k, ff in parsed.items()}
    touched = {d.id for decls in [*before.declarations.values(), *new.values()] for d in decls}
    registry = Registry(vocab)
    registry.records = ServedRecords(previous, vocab, touched)
    rows = [
        (o, s, d)
        for o, s, d in previous.declarations_of(touched)
        if o not in new and o not in before.declarations
    ]
    rows += [(k, i, d) for k, decls in new.items() for i, d in enumerate(decls)]
    rows.sort(key=lambda r: (build_order(r[0]), r[1]))
    for d in _derived_declarations(previous, reference=True, ids=touched):
        registry.declare(d)
    for _, _, d in rows:
        registry.declare(d)
    _check_complete(registry, touched)
    for d in _derived_declarations(previous, reference=False, ids=touched):
        registry.declare(d)
    return registry


def _derived_declarations(previous: manifest.Served, reference: bool, ids: set[str]) -> list[Declaration]:
    """The declarations of these ids in the reference layer's graphs (or the statutory model's)."""
    return [d for e in previous.derived if e.reference == reference for d in e.declarations if d.id in ids]


class ServedRecords(dict):
    """Registry.records of a build that replaces a few graphs: those of the ids merged again
    (`fresh`), and the served build's others, each merged from its declarations in the record
    when first asked for (the served build was valid: they merge as they did)."""

    def __init__(self, previous: manifest.Served, vocab: Vocabulary, fresh: set[str]):
        super().__init__()
        self._previous, self._vocab, self._fresh = previous, vocab, fresh
        self._absent: set[str] = set()

    def _has(self, key: str) -> bool:
        if dict.__contains__(self, key):
            return True
        id_ = key.partition(":")[2]
        if id_ in self._fresh or key in self._absent:
            return False
        merged = Registry(self._vocab)
        for d in _derived_declarations(self._previous, True, {id_}):
            merged.declare(d)
        for _, _, d in sorted(self._previous.declarations_of([id_]), key=lambda r: (build_order(r[0]), r[1])):
            merged.declare(d)
        for d in _derived_declarations(self._previous, False, {id_}):
            merged.declare(d)
        rec = merged.records.get(key)
        if rec is None:
            self._absent.add(key)
            return False
        dict.__setitem__(self, key, rec)
        return True

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._has(key)

    def __getitem__(self, key: str) -> Record:
        if self._has(key):
            record: Record = dict.__getitem__(self, key)
            return record
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.__getitem__(self, key) if self._has(key) else default

    def items(self) -> Any:  # every id, for near-match hints (asked only when a reference fails)
        for kind, id_ in self._previous.every_id():
            self._has(f"{kind}:{id_}")
        return dict.items(self)


def _check_complete(registry: Registry, touched: set[str]) -> None:
    """Registry.check_bodies_complete for the bodies merged again (the others were complete)."""
    kept = registry.records
    registry.records = {key: rec for key, rec in dict.items(kept) if rec.id in touched}
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
    vocab: Vocabulary, previous: manifest.Served, before: Before, parsed: dict[str, FactFile], now: Registry
) -> dict[tuple[str, str], tuple]:
    """The (kind, id) of every record the changed files declare (before or now) whose merged
    kind, type or name is not what it was, with (type, name) before and now (None: no record)."""
    touched = {(d.kind, d.id) for decls in before.declarations.values() for d in decls}
    touched |= {(d.kind, d.id) for ff in parsed.values() for d in declarations(ff)}
    ids = {id_ for _, id_ in touched}
    was = Registry(vocab)
    everything = [
        *_derived_declarations(previous, True, ids),
        *(d for _, _, d in previous.declarations_of(ids)),
        *_derived_declarations(previous, False, ids),
    ]
    for d in (d for d in everything if (d.kind, d.id) in touched):
        was.declare(d)

    def summary(registry: Registry, kind: str, id_: str) -> tuple | None:
        rec = registry.get(kind, id_)
        return None if rec is None else (rec.type, rec.name)

    pairs = {key: (summary(was, *key), summary(now, *key)) for key in touched}
    return {key: pair for key, pair in pairs.items() if pair[0] != pair[1]}


def _dependents(
    store: GraphStore,
    previous: manifest.Served,
    altered: dict[tuple[str, str], tuple],
    ids: Ids,
    changed: set[str],
    present: set[str],
) -> list[str] | None:
    """The unchanged files whose graphs declare or mention an altered record; None when a derived
    graph (the reference layer's or the statutory model's) declares one, or mentions one that
    is more than renamed (then the build is full). A graph states the names only of what it
    declares: one that mentions a renamed record is as it was."""
    if not altered:
        return []
    keys = set(altered)
    out = {
        o
        for o, _, d in previous.declarations_of({id_ for _, id_ in keys})
        if o not in changed and (d.kind, d.id) in keys
    }
    if _derived_declarations(previous, True, {i for _, i in keys}) or _derived_declarations(
        previous, False, {i for _, i in keys}
    ):
        return None
    derived = {e.graph for e in previous.derived}
    retyped = [k for k, (was, now) in altered.items() if was is None or now is None or was[0] != now[0]]
    if retyped and _mentioning(store, ids, retyped) & derived:
        return None
    mentioning = _mentioning(store, ids, list(keys)) - derived
    out |= {k for k in previous.keys_of_graphs(mentioning).values() if k not in changed}
    return sorted(out & present)


def _mentioning(store: GraphStore, ids: Ids, keys: list[tuple[str, str]]) -> set[str]:
    """The graphs that mention any of these records."""
    nodes = [ids.entity(kind, id_) for kind, id_ in sorted(keys)]
    return {str(row["graph"]) for row in store.select(MENTIONING, {"node": nodes})}


__all__ = ["GraphEntry", "build_changes", "one_build_at_a_time"]
