"""The read side of GraphStore, shared by both stores: query files and users' queries answered
from pyoxigraph query results.

A store built on `SparqlAnswers` gives one method, `_run(text, **dataset)`: run the query with
the predeclared prefixes (`graph_build.namespaces.PREFIXES`) and return pyoxigraph results
(QuerySolutions, QueryBoolean, or an iterable of Triples); the dataset keywords are those of
pyoxigraph's `Store.query` (`use_default_graph_as_union`, `default_graph`, `named_graphs`).
Turning those results into rows, graphs and serialised answers happens here only, so the
stores answer alike by construction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import Graph

from ..namespaces import PREFIXES
from .base import (
    Binding,
    Formats,
    NotAcceptable,
    QueryError,
    RawResult,
    Row,
    bind_values,
    count_query,
    slice_clause,
)
from .results import BOOLEAN_WRITERS, GRAPH_FORMATS, SOLUTION_FORMATS
from .sparqltext import scan
from .terms import to_rdflib

# The dataset of a query, as pyoxigraph's Store.query takes it (None: the query's own, or the default).
DefaultGraphs = list[ox.NamedNode] | None
NamedGraphs = list[ox.NamedNode] | None


class SparqlAnswers:
    """GraphStore's query methods over `_run` (see the module docstring)."""

    def _run(
        self,
        text: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: DefaultGraphs = None,
        named_graphs: NamedGraphs = None,
        base_iri: str | None = None,
    ) -> Any:
        """The query's pyoxigraph results, over the dataset the keywords name (as Store.query's)."""
        raise NotImplementedError

    def _evaluate(self, text: str, **dataset: Any) -> Any:
        """`_run` for answers read whole (query files): a store may evaluate them its own way."""
        return self._run(text, **dataset)

    def query(
        self, sparql: str, *, default_graph: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Any:
        dataset: dict = (
            {"default_graph": [ox.NamedNode(g) for g in default_graph]}
            if default_graph
            else {"use_default_graph_as_union": True}
        )
        if named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._run(sparql, **dataset)

    # -- query files (the API's views) -----------------------------------------------------
    def select(
        self,
        query: str,
        bindings: Mapping[str, Binding] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        text = bind_values(query, bindings) + slice_clause(limit, offset)
        solutions = self._evaluate(text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = []
        known: dict = {}  # terms repeat a lot (subjects, predicates, sources): convert each once
        for solution in solutions:
            row = {}
            for name, term in zip(names, solution, strict=False):
                if term is not None:
                    converted = known.get(term)
                    if converted is None:
                        converted = known[term] = to_rdflib(term)
                    row[name] = converted
            rows.append(row)
        return rows

    def count(self, query: str, bindings: Mapping[str, Binding] | None = None) -> int:
        solutions = self._evaluate(count_query(bind_values(query, bindings)), use_default_graph_as_union=True)
        return int(next(iter(solutions))["count"].value)

    def ask(self, query: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        return bool(self._run(bind_values(query, bindings), use_default_graph_as_union=True))

    def construct(self, query: str, bindings: Mapping[str, Binding] | None = None) -> Graph:
        graph = Graph()
        for triple in self._evaluate(bind_values(query, bindings), use_default_graph_as_union=True):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    # -- user queries (/sparql, cspkg query) -----------------------------------------------
    @staticmethod
    def _dataset(query: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None) -> dict:
        if default_graph is None and named_graphs is None:
            # pyoxigraph ignores FROM / FROM NAMED when asked for the union default graph
            maybe = "from" in query.lower() or "\\u" in query.lower()
            return {} if maybe and scan(query).dataset else {"use_default_graph_as_union": True}
        return {
            "default_graph": [ox.NamedNode(g) for g in default_graph or ()],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()],
        }

    def raw(
        self,
        query: str,
        formats: Formats,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        try:
            dataset = self._dataset(query, default_graph, named_graphs)
        except ValueError as exc:  # a graph name that is not an IRI
            raise QueryError(str(exc)) from None
        result = self._run(query, **dataset, base_iri=base_iri or None)
        try:
            if isinstance(result, ox.QueryBoolean):
                media_type = _first(formats.solutions, BOOLEAN_WRITERS, "boolean")
                return RawResult(BOOLEAN_WRITERS[media_type](bool(result)), media_type, "boolean")
            if isinstance(result, ox.QuerySolutions):
                media_type = _first(formats.solutions, SOLUTION_FORMATS, "solutions")
                body, count, truncated = _solutions(result, SOLUTION_FORMATS[media_type], limit)
                return RawResult(body, media_type, "solutions", count, truncated)
            media_type = _first(formats.graph, GRAPH_FORMATS, "graph")
            triples, truncated = _take(result, limit)
            body = as_bytes(
                ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes=PREFIXES)
                if GRAPH_FORMATS[media_type] in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
                else ox.serialize(triples, format=GRAPH_FORMATS[media_type])
            )
            if GRAPH_FORMATS[media_type] is ox.RdfFormat.RDF_XML:
                body = body.replace(b"\r", b"&#13;")  # a raw CR would reach XML readers as LF
            return RawResult(body, media_type, "graph", len(triples), truncated)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None


def as_bytes(body: bytes | None) -> bytes:
    """What a pyoxigraph serialiser returned, given no output to write to: the bytes. (Its type is
    `bytes | None`: None is for when it wrote to an output.)"""
    if body is None:
        raise TypeError("the serialiser wrote to an output instead of returning bytes")
    return body


class _Lines:
    """A binary output that keeps what pyoxigraph writes, counting lines, and stops the writing
    (and so the evaluation) once it holds more than `limit` of them."""

    def __init__(self, limit: int | None):
        self.limit, self.lines = limit, 0
        self.parts: list[bytes] = []

    @property
    def full(self) -> bool:
        return self.limit is not None and self.lines > self.limit

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.lines += self.parts[-1].count(b"\n")
        if self.full:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


class _Enough(Exception):
    """Raised in _Lines.write: the answer has more rows than are sent."""


def _solutions(
    result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, limit: int | None
) -> tuple[bytes, int, bool]:
    """The solutions written by pyoxigraph, at most `limit` of them: (bytes, rows, whether there
    were more). Written first as TSV, where every solution is one line (line breaks in values are
    escaped), so rows are counted and cut without a Python object per term; read back and
    written in the wanted format when that is another."""
    out = _Lines(None if limit is None else limit + 1)  # the header line, then the rows
    try:
        result.serialize(cast(IO[bytes], out), format=ox.QueryResultsFormat.TSV)  # out has write()
    except Exception:  # pyoxigraph may wrap _Enough in an OSError
        if not out.full:
            raise
    tsv = b"".join(out.parts)
    truncated = out.full
    if truncated and limit is not None:  # keep the header and `limit` rows: drop the lines past them
        end = len(tsv)
        for _ in range(out.lines - limit):
            end = tsv.rindex(b"\n", 0, end)
        tsv = tsv[: end + 1]
    count = tsv.count(b"\n") - 1
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv, count, truncated
    body = as_bytes(ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt))
    if fmt == ox.QueryResultsFormat.XML:
        body = body.replace(b"\r", b"&#13;")  # a raw CR would reach XML readers as LF
    return body, count, truncated


def _first(acceptable: Sequence[str], supported: Mapping, form: str) -> str:
    for media_type in acceptable:
        if media_type in supported:
            return media_type
    raise NotAcceptable(form, list(supported))


def _take(items: Iterable[Any], limit: int | None) -> tuple[list, bool]:
    """Up to `limit` items of an iterator (solutions as tuples of terms), and whether there were more."""
    solutions = isinstance(items, ox.QuerySolutions)
    out = list(itertools.islice(items, limit)) if limit is not None else list(items)
    more = limit is not None and len(out) == limit and next(iter(items), None) is not None
    return ([tuple(s) for s in out] if solutions else out), more
