"""The embedded store: pyoxigraph on disk, one folder per build, swapped in by a symlink.

A build writes a new folder beside the served one and then repoints `current` with an atomic
rename; a failed build leaves `current` untouched, and readers that opened the old build go on
reading it until they reopen.

>>> from rdflib import Literal, URIRef
>>> from rdflib.namespace import SKOS
>>> store = EmbeddedStore(Path("store"))
>>> store.build_info() is None  # nothing published yet
True
>>> graph = URIRef("https://w3id.org/cspkg/graph/example")
>>> csp = URIRef("https://w3id.org/cspkg/id/body/testshire-csp")
>>> store.publish({graph: [(csp, SKOS.prefLabel, Literal("Safer Testshire"))]},
...               BuildInfo("b1", "2026-01-01T00:00:00+00:00", "-"))
>>> store.build_info().build_id
'b1'
>>> store.select("SELECT ?name WHERE { ?body skos:prefLabel ?name }")  # the prefixes are declared
[{'name': rdflib.term.Literal('Safer Testshire')}]
>>> store.ask("ASK { GRAPH <https://w3id.org/cspkg/graph/example> { ?s ?p ?o } }")
True
"""

from __future__ import annotations

import fcntl
import io
import itertools
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES
from ..triples import Triple
from .answers import DefaultGraphs, NamedGraphs, SparqlAnswers
from .base import BuildInfo, MetaPatch, QueryError, StoreUnavailable

KEEP_BUILDS = 2


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


STAGING_UNLOCKED_AGE_S = 3600  # a staging folder without a lock file is abandoned past this age


def remove_abandoned_staging(builds: Path) -> None:
    """Remove staging folders whose build was killed (kill -9, a power cut): each staging build
    holds a lock on `.<id>.partial.lock`; a lock that can be taken has no build behind it."""
    for staging in builds.glob(".*.partial"):
        lock_path = staging.with_name(staging.name + ".lock")
        try:
            with open(lock_path, "r+") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(staging, ignore_errors=True)
                lock_path.unlink(missing_ok=True)
        except BlockingIOError:
            continue  # another build is staging it now
        except FileNotFoundError:  # no lock file: staged by an older version, or just begun
            if time.time() - staging.stat().st_mtime > STAGING_UNLOCKED_AGE_S:
                shutil.rmtree(staging, ignore_errors=True)


def nquads_term(t: Node) -> str:
    """An rdflib term as N-Quads text."""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        text = '"' + str(t).translate(_ESCAPES) + '"'
        if t.language:
            return f"{text}@{t.language}"
        return f"{text}^^<{t.datatype}>" if t.datatype is not None else text
    if isinstance(t, BNode):
        return f"_:{t}"
    raise TypeError(f"not an RDF term: {t!r}")


def nquads_lines(graphs: Mapping[URIRef, Iterable[Triple]]) -> Iterator[str]:
    """Every triple of every named graph as an N-Quads line."""
    term = nquads_term
    for graph, triples in graphs.items():
        tail = f" <{graph}> .\n"
        for s, p, o in triples:
            yield f"{term(s)} {term(p)} {term(o)}{tail}"


class LineStream(io.RawIOBase):
    """Lines as a readable byte stream, made as they are read: the store parses N-Quads text
    several times faster than Python makes pyoxigraph terms, and nothing is held whole."""

    def __init__(self, lines: Iterator[str], batch: int = 4096):
        self._lines, self._batch = lines, batch
        self._buffer, self._at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, into: memoryview) -> int:  # type: ignore[override]  # io passes a memoryview
        if self._at >= len(self._buffer):
            self._buffer, self._at = "".join(itertools.islice(self._lines, self._batch)).encode(), 0
        n = min(len(into), len(self._buffer) - self._at)
        into[:n] = self._buffer[self._at : self._at + n]
        self._at += n
        return n


def _bulk_load(store: ox.Store, graphs: Mapping[URIRef, Iterable[Triple]]) -> None:
    store.bulk_load(io.BufferedReader(LineStream(nquads_lines(graphs)), 1 << 20), format=ox.RdfFormat.N_QUADS)
    store.flush()


SMALL_LOAD = 100_000  # triples: fewer go in by one transaction (a bulk load has a fixed cost of its own)


def _load(store: ox.Store, graphs: Mapping[URIRef, list[Triple]]) -> None:
    """The graphs added to the store: by one transaction when they are few, else by bulk load."""
    if sum(len(triples) for triples in graphs.values()) > SMALL_LOAD:
        _bulk_load(store, graphs)
    else:
        store.load("".join(nquads_lines(graphs)).encode(), format=ox.RdfFormat.N_QUADS)


class EmbeddedStore(SparqlAnswers):
    """pyoxigraph store folders under `root`: builds/<id>/ and the `current` link."""

    # pyoxigraph cannot stop a query (it has no timeout): callers that must bound a query's time
    # run it in a process they can kill.
    bounds_query_time = False

    def __init__(self, root: Path):
        self.root = Path(root)
        self._link = str(self.root / "current")  # read on every request: no Path arithmetic then
        self._open: tuple[Path, ox.Store] | None = None
        self._info: tuple[Path, BuildInfo] | None = None
        self._current: tuple[str, Path] | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.root)!r})"

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current_path(self) -> Path | None:
        """The served build's folder (one readlink per call: the API asks on every request)."""
        try:
            target = os.readlink(self._link)
        except OSError:
            return None
        cached = self._current
        if cached is not None and cached[0] == target:
            return cached[1]
        path = (self.root / target).resolve()
        if not path.is_dir():
            return None
        self._current = (target, path)
        return path

    # -- writing -------------------------------------------------------------------------
    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
        def fill(staging: Path) -> None:
            store = ox.Store(str(staging))
            # one bulk load for every graph: each call writes and ingests its own files
            _bulk_load(store, graphs)
            store.optimize()

        self._stage_and_swap(info, fill)

    def publish_nquads(self, files: list[Path], info: BuildInfo) -> None:
        """Replace the store's content with the quads of these N-Quads files, as `publish` does."""

        def fill(staging: Path) -> None:
            store = ox.Store(str(staging))
            for file in files:  # read by the store itself, on its own threads
                store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
            store.flush()
            store.optimize()

        self._stage_and_swap(info, fill)

    def update(
        self,
        graphs: Mapping[URIRef, Iterable[Triple]],
        drop: Iterable[URIRef],
        info: BuildInfo,
        meta: MetaPatch,
    ) -> None:
        """Replace some graphs of the served build, drop others and patch the meta graph, on a
        copy of it (a checkpoint: its files are hard links to the served build's), swapped in
        as `publish` swaps."""
        served = self.current_path()
        if served is None:
            raise StoreUnavailable(f"no build in {self.root} to update: run a full build")
        gone = [*drop, *graphs]

        def fill(staging: Path) -> None:
            ox.Store.read_only(str(served)).backup(str(staging))
            store = ox.Store(str(staging))
            for graph in gone:
                store.remove_graph(ox.NamedNode(str(graph)))
            _load(store, {graph: list(triples) for graph, triples in graphs.items()})
            store.update(meta.sparql())
            store.flush()

        self._stage_and_swap(info, fill)

    def _stage_and_swap(self, info: BuildInfo, fill: Callable[[Path], None]) -> None:
        """Make a new build folder with `fill`, then point `current` at it in one rename."""
        builds = self.root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        # A new folder every time, even for a build id seen before (same inputs in the same
        # second): the served folder is never removed or rewritten under its readers.
        target = builds / info.build_id
        n = 1
        while target.exists():
            n += 1
            target = builds / f"{info.build_id}.{n}"
        staging = builds / f".{target.name}.partial"
        remove_abandoned_staging(builds)
        with open(staging.with_name(staging.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # held while staging: the kernel drops it if we are killed
            shutil.rmtree(staging, ignore_errors=True)
            try:
                fill(staging)
                (staging / "cspkg-build.json").write_text(json.dumps(info.__dict__))
                staging.rename(target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            finally:
                Path(lock.name).unlink(missing_ok=True)
        tmp_link = self.root / ".current.tmp"
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(Path("builds") / target.name)
        os.replace(tmp_link, self.current_link)  # atomic swap
        self._prune(keep=target)

    def _prune(self, keep: Path) -> None:
        # dot-folders are builds still being staged (perhaps by another process): not ours to prune
        builds = sorted(
            (
                p
                for p in (self.root / "builds").iterdir()
                if p.is_dir() and p != keep and not p.name.startswith(".")
            ),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in builds[KEEP_BUILDS - 1 :]:
            shutil.rmtree(old, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------
    def build_info(self) -> BuildInfo | None:
        path = self.current_path()
        if path is None:
            return None
        if self._info is not None and self._info[0] == path:
            return self._info[1]
        if not (path / "cspkg-build.json").exists():
            return None
        info = BuildInfo(**json.loads((path / "cspkg-build.json").read_text()))
        self._info = (path, info)
        return info

    def store(self) -> ox.Store:
        """The served build, opened read-only; reopened when a new build is swapped in."""
        path = self.current_path()
        if path is None:
            raise StoreUnavailable(f"no build in {self.root}: run 'cspkg build'")
        if self._open is None or self._open[0] != path:
            self._open = (path, ox.Store.read_only(str(path)))
        return self._open[1]

    def _run(
        self,
        text: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: DefaultGraphs = None,
        named_graphs: NamedGraphs = None,
        base_iri: str | None = None,
    ) -> Any:
        """The query on the served build, prefixes predeclared (see SparqlAnswers)."""
        defaults: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = (
            None if default_graph is None else [*default_graph]
        )
        named: list[ox.NamedNode | ox.BlankNode] | None = None if named_graphs is None else [*named_graphs]
        try:
            return self.store().query(
                text,
                prefixes=PREFIXES,
                use_default_graph_as_union=use_default_graph_as_union,
                default_graph=defaults,
                named_graphs=named,
                base_iri=base_iri,
            )
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None

    def _evaluate(self, text: str, **kwargs: Any) -> Any:
        """The answer evaluated whole and read back. pyoxigraph evaluates as the results are
        iterated, holding the GIL, so the API's concurrent views would take turns on one core;
        serialising evaluates with the GIL released, and the answers of query files are small."""
        result = self._run(text, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            return ox.parse_query_results(
                result.serialize(format=ox.QueryResultsFormat.TSV), format=ox.QueryResultsFormat.TSV
            )
        if isinstance(result, ox.QueryTriples):
            return ox.parse(result.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
        return result
