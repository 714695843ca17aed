"""The store interface: the rest of cspkg talks to this, never to a particular store.

Query files (.rq) given to `select`, `ask`, `construct` and `count` follow two conventions so that
every store can run them the same way:

- no PREFIX lines: the store declares `graph_build.namespaces.PREFIXES` itself;
- parameters are declared by the file's first VALUES clause, written with UNDEF, e.g.
  `VALUES (?body ?asAt) { (UNDEF UNDEF) }` at the top of the WHERE group. `bind_values` fills it
  with the caller's RDF terms, serialised as N-Triples terms: request input is never pasted into
  query text. A parameter left out (or None) stays UNDEF; a list gives one row per value.
  Put the clause in the outermost group, and filters that read parameters in that group too (or
  inside EXISTS there): SPARQL evaluates inner groups without the outer group's bindings.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..triples import Triple


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or holds no build yet."""


class QueryError(ValueError):
    """The query is not valid SPARQL (or not a query); the message is the parser's."""


class NotAcceptable(ValueError):
    """None of the acceptable result formats applies to the query's form."""

    def __init__(self, form: str, offered: Sequence[str]):
        super().__init__(form, list(offered))  # plain args, so that it pickles
        self.form = form
        self.offered = list(offered)

    def __str__(self) -> str:
        return f"a {self.form} result can be given as {', '.join(self.offered)}"


@dataclass(frozen=True)
class BuildInfo:
    """What identifies one build: its id (a content hash, used as ETag) and when it was made."""

    build_id: str
    built_at: str
    input_hash: str


@dataclass(frozen=True)
class MetaPatch:
    """A change to the meta graph: every statement about `subjects` goes, `triples` come in
    (what a build that replaces a few graphs changes of it; the meta graph holds a few
    statements per source, too many to rewrite for one)."""

    graph: URIRef
    subjects: tuple[URIRef, ...]
    triples: tuple[Triple, ...]

    def sparql(self) -> str:
        """The patch as one SPARQL Update request (one transaction on the servers cspkg names)."""
        graph = term_n3(self.graph)
        subjects = " ".join(term_n3(s) for s in self.subjects)
        lines = "\n".join(f"{term_n3(s)} {term_n3(p)} {term_n3(o)} ." for s, p, o in self.triples)
        return (
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {subjects} }} GRAPH {graph} {{ ?s ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}"
        )


# Result media types every store must produce for `raw` (canonical names).
SOLUTION_MEDIA_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_MEDIA_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


@dataclass(frozen=True)
class RawResult:
    """A query answer serialised by the store: the bytes, their media type and what they hold."""

    body: bytes
    media_type: str
    form: str  # 'solutions' | 'boolean' | 'graph'
    count: int | None = None  # rows or triples written (None for ASK)
    truncated: bool = False  # True when the answer was cut at the result limit


Binding = Node | Sequence[Node] | None
Row = dict[str, Node]


@dataclass(frozen=True)
class Formats:
    """The acceptable media types for each query form, best first (from content negotiation)."""

    solutions: tuple[str, ...] = SOLUTION_MEDIA_TYPES
    graph: tuple[str, ...] = GRAPH_MEDIA_TYPES

    def for_form(self, form: str) -> tuple[str, ...]:
        return self.graph if form == "graph" else self.solutions


class GraphStore(Protocol):
    """Publishes named graphs atomically and answers SPARQL over them."""

    bounds_query_time: bool
    """True when every call returns within the store's own time limits (raising StoreTimeout past
    them), so it may run on a thread; False when a query can run on unbounded, so a caller that
    must stop it runs it in a process it can kill (the API's query workers, api/pool.py)."""

    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
        """Replace the store's content with these named graphs; readers see the old or the new."""

    def update(
        self,
        graphs: Mapping[URIRef, Iterable[Triple]],
        drop: Iterable[URIRef],
        info: BuildInfo,
        meta: MetaPatch,
    ) -> None:
        """Replace these named graphs of the served build, drop those in `drop` and patch the meta
        graph, keeping the rest; the new build is served once all of it is in (the meta graph,
        naming it, last)."""

    def build_info(self) -> BuildInfo | None:
        """The build now served, or None when there is none."""

    def query(
        self, sparql: str, *, default_graph: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Any:
        """Run a SPARQL query (prefixes predeclared); the default graph is the union of all named
        graphs unless given. The answer as pyoxigraph results, read as it is iterated:
        QuerySolutions, QueryBoolean, or an iterable of Triples."""

    def select(
        self,
        query: str,
        bindings: Mapping[str, Binding] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        """Rows of a SELECT query file (rdflib terms, unbound variables left out)."""

    def count(self, query: str, bindings: Mapping[str, Binding] | None = None) -> int:
        """How many rows the SELECT query file gives (for honest paging)."""

    def ask(self, query: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        """The answer of an ASK query file."""

    def construct(self, query: str, bindings: Mapping[str, Binding] | None = None) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE query file, as an rdflib Graph."""

    def raw(
        self,
        query: str,
        formats: Formats,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> RawResult:
        """Run a user's query and serialise the answer in the first acceptable format for its form.

        With neither `default_graph` nor `named_graphs`, the dataset is the query's own FROM /
        FROM NAMED, or else the union of all named graphs as default graph and every named graph.
        Given either (even empty), they are the dataset (SPARQL 1.1 Protocol). At most `limit`
        rows or triples are written. Raises QueryError, NotAcceptable or StoreUnavailable."""


# -- binding values into query files -----------------------------------------------------

_PARAMS = re.compile(
    r"VALUES\s*(?:\(\s*(?P<vars>(?:[?$]\w+\s*)+)\)|(?P<var>[?$]\w+))\s*\{[^{}]*\}", re.IGNORECASE
)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term_n3(term: Node) -> str:
    """An RDF term as SPARQL/N-Triples text, escaped; IRIs with characters an IRI cannot hold
    are refused (so no binding can change the query's structure)."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise ValueError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise ValueError(f"not a language tag: {term.language!r}")
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^{term_n3(URIRef(term.datatype))}'
        return f'"{text}"'
    if isinstance(term, BNode):
        raise ValueError("blank nodes cannot be bound in a query")  # noqa: TRY004 - a term, of the wrong kind
    raise TypeError(f"not an RDF term: {term!r}")


def bind_values(query: str, bindings: Mapping[str, Binding] | None) -> str:
    """The query file with its parameter VALUES clause filled from `bindings`.

    Names in `bindings` must be variables of that clause; missing ones stay UNDEF. Sequences
    give one row per value (the cross product when several are sequences; an empty sequence
    gives no row, so the query answers nothing).

    >>> from rdflib import Literal, URIRef
    >>> bind_values("SELECT ?name WHERE { VALUES ?body {} ?body ?p ?name }",
    ...             {"body": URIRef("https://w3id.org/cspkg/id/body/plymouth-csp")})
    'SELECT ?name WHERE { VALUES (?body) { (<https://w3id.org/cspkg/id/body/plymouth-csp>) } ?body ?p ?name }'
    >>> bind_values("SELECT * WHERE { VALUES (?a ?b) {} }", {"a": [Literal(1), Literal(2)]})
    'SELECT * WHERE { VALUES (?a ?b) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF) ("2"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF) } }'
    """
    match = _PARAMS.search(query)
    bindings = dict(bindings or {})
    if match is None:
        if bindings:
            raise ValueError("the query declares no parameters (VALUES clause) to bind")
        return query
    names = [v[1:] for v in (match.group("vars") or match.group("var")).split()]
    unknown = set(bindings) - set(names)
    if unknown:
        raise ValueError(f"the query has no parameter {', '.join(sorted(unknown))}")
    columns = []
    for name in names:
        value = bindings.get(name)
        if value is None:
            columns.append(["UNDEF"])
        elif isinstance(value, (URIRef, Literal, BNode)):
            columns.append([term_n3(value)])
        elif isinstance(value, (list, tuple)):
            columns.append([term_n3(v) for v in value])
        else:
            raise TypeError(f"not an RDF term or a list of terms: {value!r}")
    rows = " ".join("(" + " ".join(row) + ")" for row in itertools.product(*columns))
    clause = f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"
    return query[: match.start()] + clause + query[match.end() :]


def slice_clause(limit: int | None, offset: int = 0) -> str:
    """LIMIT / OFFSET text from integers (checked to be integers, never text)."""
    text = ""
    if limit is not None:
        text += f" LIMIT {operator.index(limit):d}"
    if offset:
        text += f" OFFSET {operator.index(offset):d}"
    return text


def count_query(query: str) -> str:
    """A query counting the rows of a (prologue-free) SELECT query file."""
    return f"SELECT (COUNT(*) AS ?count) WHERE {{\n{query}\n}}"
