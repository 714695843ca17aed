"""The embedded store: pyoxigraph on disk, one folder per build, swapped in by a symlink.

A build writes a new folder beside the served one and then repoints `current` with an atomic
rename; a failed build leaves `current` untouched, and readers that opened the old build go on
reading it until they reopen.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .base import (Binding, BuildInfo, Formats, NotAcceptable, QueryError, RawResult, Row, StoreUnavailable,
                   bind_values, count_query, slice_clause)
from .results import BOOLEAN_WRITERS, GRAPH_FORMATS, SOLUTION_WRITERS, XSD_STRING
from .sparqltext import scan
from ..namespaces import PREFIXES
from ..triples import Triple

KEEP_BUILDS = 2


class TermConverter:
    """rdflib terms → pyoxigraph terms, caching IRIs (most terms repeat)."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def term(self, t):
        if isinstance(t, URIRef):
            return self.iri(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=self.iri(str(t.datatype)))
            return ox.Literal(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        raise TypeError(f"not an RDF term: {t!r}")

    def quads(self, graph: URIRef, triples: Iterable[Triple]) -> Iterable[ox.Quad]:
        g = self.iri(str(graph))
        term = self.term
        for s, p, o in triples:
            yield ox.Quad(term(s), term(p), term(o), g)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nquads_term(t) -> str:
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

    def readinto(self, into) -> int:
        if self._at >= len(self._buffer):
            self._buffer, self._at = "".join(itertools.islice(self._lines, self._batch)).encode(), 0
        n = min(len(into), len(self._buffer) - self._at)
        into[:n] = self._buffer[self._at:self._at + n]
        self._at += n
        return n


def to_rdflib(term):
    """A pyoxigraph term as an rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"no rdflib form for {term!r}")


class EmbeddedStore:
    """pyoxigraph store folders under `root`: builds/<id>/ and the `current` link."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._open: tuple[Path, ox.Store] | None = None
        self._info: tuple[Path, BuildInfo] | None = None
        self._current: tuple[str, Path] | None = None

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current_path(self) -> Path | None:
        """The served build's folder (one readlink per call: the API asks on every request)."""
        try:
            target = os.readlink(self.current_link)
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
    def publish(self, graphs: dict[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
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
        shutil.rmtree(staging, ignore_errors=True)
        try:
            store = ox.Store(str(staging))
            # one bulk load for every graph: each call writes and ingests its own files
            store.bulk_load(io.BufferedReader(LineStream(nquads_lines(graphs)), 1 << 20), format=ox.RdfFormat.N_QUADS)
            store.flush()
            store.optimize()
            del store
            (staging / "cspkg-build.json").write_text(json.dumps(info.__dict__))
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        tmp_link = self.root / ".current.tmp"
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(Path("builds") / target.name)
        os.replace(tmp_link, self.current_link)  # atomic swap
        self._prune(keep=target)

    def _prune(self, keep: Path) -> None:
        # dot-folders are builds still being staged (perhaps by another process): not ours to prune
        builds = sorted((p for p in (self.root / "builds").iterdir()
                         if p.is_dir() and p != keep and not p.name.startswith(".")),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in builds[KEEP_BUILDS - 1:]:
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

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None):
        kwargs: dict = {}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store().query(sparql, **kwargs)

    # -- query files (the API's views) -----------------------------------------------------
    def _run(self, text: str, **kwargs):
        try:
            return self.store().query(text, prefixes=PREFIXES, **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None

    def select(self, query: str, bindings: Mapping[str, Binding] | None = None, *,
               limit: int | None = None, offset: int = 0) -> list[Row]:
        text = bind_values(query, bindings) + slice_clause(limit, offset)
        solutions = self._run(text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = []
        known: dict = {}  # terms repeat a lot (subjects, predicates, sources): convert each once
        for solution in solutions:
            row = {}
            for name, term in zip(names, solution):
                if term is not None:
                    converted = known.get(term)
                    if converted is None:
                        converted = known[term] = to_rdflib(term)
                    row[name] = converted
            rows.append(row)
        return rows

    def count(self, query: str, bindings: Mapping[str, Binding] | None = None) -> int:
        solutions = self._run(count_query(bind_values(query, bindings)), use_default_graph_as_union=True)
        return int(next(iter(solutions))["count"].value)

    def ask(self, query: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        return bool(self._run(bind_values(query, bindings), use_default_graph_as_union=True))

    def construct(self, query: str, bindings: Mapping[str, Binding] | None = None) -> Graph:
        graph = Graph()
        for triple in self._run(bind_values(query, bindings), use_default_graph_as_union=True):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    # -- user queries (/sparql) ----------------------------------------------------------
    @staticmethod
    def _dataset(query: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None) -> dict:
        if default_graph is None and named_graphs is None:
            # pyoxigraph ignores FROM / FROM NAMED when asked for the union default graph
            maybe = "from" in query.lower() or "\\u" in query.lower()
            return {} if maybe and scan(query).dataset else {"use_default_graph_as_union": True}
        return {"default_graph": [ox.NamedNode(g) for g in default_graph or ()],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()]}

    def raw(self, query: str, formats: Formats, *, default_graph: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None, limit: int | None = None) -> RawResult:
        try:
            dataset = self._dataset(query, default_graph, named_graphs)
        except ValueError as exc:  # a graph name that is not an IRI
            raise QueryError(str(exc)) from None
        result = self._run(query, **dataset)
        try:
            if isinstance(result, ox.QueryBoolean):
                media_type = _first(formats.solutions, BOOLEAN_WRITERS, "boolean")
                return RawResult(BOOLEAN_WRITERS[media_type](bool(result)), media_type, "boolean")
            if isinstance(result, ox.QuerySolutions):
                media_type = _first(formats.solutions, SOLUTION_WRITERS, "solutions")
                variables = [v.value for v in result.variables]
                rows, truncated = _take(result, limit)
                body = SOLUTION_WRITERS[media_type](variables, rows)
                return RawResult(body, media_type, "solutions", len(rows), truncated)
            media_type = _first(formats.graph, GRAPH_FORMATS, "graph")
            triples, truncated = _take(result, limit)
            body = ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes=PREFIXES) \
                if GRAPH_FORMATS[media_type] in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) \
                else ox.serialize(triples, format=GRAPH_FORMATS[media_type])
            if GRAPH_FORMATS[media_type] is ox.RdfFormat.RDF_XML:
                body = body.replace(b"\r", b"&#13;")  # a raw CR would reach XML readers as LF
            return RawResult(body, media_type, "graph", len(triples), truncated)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None


def _first(acceptable: Sequence[str], supported: Mapping, form: str) -> str:
    for media_type in acceptable:
        if media_type in supported:
            return media_type
    raise NotAcceptable(form, list(supported))


def _take(items, limit: int | None) -> tuple[list, bool]:
    """Up to `limit` items of an iterator (solutions as tuples of terms), and whether there were more."""
    solutions = isinstance(items, ox.QuerySolutions)
    out = list(itertools.islice(items, limit)) if limit is not None else list(items)
    more = limit is not None and len(out) == limit and next(iter(items), None) is not None
    return ([tuple(s) for s in out] if solutions else out), more
