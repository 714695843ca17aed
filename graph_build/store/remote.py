"""The remote store: any SPARQL 1.1 server. Queries go over the SPARQL 1.1 Protocol; builds are
loaded with SPARQL 1.1 Update, or with the Graph Store HTTP Protocol when a GSP endpoint is
configured. Both through httpx, whose pool keeps connections open between queries: on loopback a
new connection per query (as urllib, and so SPARQLWrapper, makes) is most of a small query's cost
(0.8 ms against 0.3 ms for a view's query).

Which graphs are the build's. Every named graph whose IRI starts with `{CSPKG_BASE_URI}graph/`
belongs to cspkg: a build replaces them and drops those it no longer makes. Graphs under other
IRIs on the same server are left alone.

The union default graph. The API's default graph is the union of the build's named graphs. How
to get it differs between servers, so there are two ways:
- by default every query names the build's graphs itself, as `default-graph-uri` and
  `named-graph-uri` parameters (SPARQL 1.1 Protocol): this works on any server, but some engines
  (Oxigraph among them) evaluate such a dataset graph by graph, which is slow with many graphs;
- with `CSPKG_STORE_UNION_DEFAULT_GRAPH=true` queries are sent as they are, for servers whose
  default graph already is the union (Oxigraph `--union-default-graph`, Fuseki with
  `unionDefaultGraph`, GraphDB, Neptune). Any other graph on the server then shows too, and a
  query's own FROM / FROM NAMED are sent again as protocol parameters (Oxigraph ignores them then).

Publishing. Everything is validated before the first request. Each graph is then replaced by one
request: `DROP SILENT GRAPH` + `INSERT DATA`, one transaction on the servers the README lists,
so readers never see half a graph; or a GSP `PUT`, which some servers run as a delete and then a
load. The meta graph, which names the build, goes last: readers (and the API's ETags) move to the
new build only once every graph is in. Graphs the build no longer has are dropped after that. A
failure partway stops the build and says which graphs were already replaced.
"""

from __future__ import annotations

import contextvars
import io
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import Literal, URIRef

from ..namespaces import CSP, DCTERMS, PREFIXES, XSD
from ..triples import Triple
from .answers import DefaultGraphs, NamedGraphs, SparqlAnswers, as_bytes
from .base import BuildInfo, Formats, MetaPatch, QueryError, RawResult, StoreUnavailable, term_n3
from .sparqltext import _TOKEN as TOKEN
from .sparqltext import scan
from .terms import TermConverter

if TYPE_CHECKING:
    from ..config import Settings

QueryResults = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]

BUILD_INFO_TTL_S = 1.0  # how long a reader trusts the build it last saw before asking again
DRAIN_MAX_BYTES = 1 << 16  # the most of an unread answer read to keep its connection open
NO_GRAPH = "urn:x-cspkg:no-graph"  # names an empty dataset: the protocol has no other way to say so
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
# For CONSTRUCT and DESCRIBE: a graph format only (Virtuoso answers the first type listed, even a
# solutions format for a graph: a table of ?s ?p ?o).
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso answers ASK as one row of this variable (1 or 0), or none
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
# one line, so that the server's error positions keep the user's line numbers
PROLOGUE = " ".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()) + " "

_request_timeout: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "request_timeout", default=None
)


class StoreTimeout(StoreUnavailable):
    """The remote store did not answer in time."""


class PublishFailed(StoreUnavailable):
    """A build stopped partway through loading; the message says which graphs were replaced."""


@dataclass(frozen=True)
class _Seen:
    """The build the server named, the graphs it has, when; or why it could not say."""

    at: float
    info: BuildInfo | None
    graphs: tuple[str, ...]
    error: StoreUnavailable | None = None


class RemoteStore(SparqlAnswers):
    """A SPARQL 1.1 server holding the build as named graphs (see the module docstring).
    Answers are read from the server's results by `_run`; SparqlAnswers does the rest."""

    # The store stops its own requests at a time limit (an HTTP timeout): its queries need no
    # worker process to be stoppable.
    bounds_query_time = True

    def __init__(
        self,
        query_url: str,
        *,
        graph_base: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout_s: float = 30.0,
        query_timeout_s: float = 10.0,
        write_timeout_s: float = 300.0,
        union_default_graph: bool = False,
    ):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.auth = (user, password or "") if user else None
        self.timeout_s = timeout_s
        self.query_timeout_s = query_timeout_s
        self.write_timeout_s = write_timeout_s
        self.union_default_graph = union_default_graph
        self.graph_base = graph_base
        self.meta_graph = graph_base + "meta"
        self._seen: _Seen | None = None
        self._refreshing = threading.Lock()
        self.connections_opened = 0  # by queries (a trace of the connection pool counts them)
        self._queries = httpx.Client(
            auth=self.auth, limits=httpx.Limits(max_keepalive_connections=32), headers={"Accept": ACCEPT}
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        if not settings.store:  # else every query would fail later on a request to no URL
            raise ValueError("the settings name no remote store (CSPKG_STORE is unset)")
        return cls(
            settings.store,
            graph_base=settings.graph_base,
            update_url=settings.store_update,
            gsp_url=settings.store_gsp,
            user=settings.store_user,
            password=settings.store_password,
            timeout_s=settings.store_timeout_s,
            query_timeout_s=settings.query_timeout_s,
            write_timeout_s=settings.store_write_timeout_s,
            union_default_graph=settings.store_union_default_graph,
        )

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # -- the build now served ------------------------------------------------------------------
    def build_info(self) -> BuildInfo | None:
        """The build the meta graph names; raises StoreUnavailable while the server cannot say."""
        return self._current().info

    def _current(self) -> _Seen:
        """What the server said last. Only the first call waits for it: later ones answer at once
        and, once a second at most, ask again on a thread of their own, so that no caller (the
        API's event loop among them) waits on the network for it."""
        seen = self._seen
        if seen is None:
            seen = self._refresh()
        elif time.monotonic() - seen.at > BUILD_INFO_TTL_S and self._refreshing.acquire(blocking=False):
            threading.Thread(
                target=self._refresh, kwargs={"release": True}, daemon=True, name="cspkg-build-info"
            ).start()
        if seen.error is not None:
            raise type(seen.error)(str(seen.error))  # a fresh exception per caller (callers are threads)
        return seen

    def _refresh(self, release: bool = False) -> _Seen:
        try:
            before = self._seen
            try:
                info = self._read_build_info()
                same = before is not None and before.error is None and before.info == info
                graphs = before.graphs if same and before is not None else self._graphs_of(info)
                seen = _Seen(time.monotonic(), info, graphs)
            except StoreUnavailable as exc:
                seen = _Seen(time.monotonic(), None, (), exc)
            self._seen = seen
            return seen
        finally:
            if release:
                self._refreshing.release()

    def _graphs_of(self, info: BuildInfo | None) -> tuple[str, ...]:
        """The graphs the union default graph names, when queries name it themselves."""
        return self.owned_graphs() if info is not None and not self.union_default_graph else ()

    def _read_build_info(self) -> BuildInfo | None:
        meta = term_n3(URIRef(self.meta_graph))
        rows = self._rows(
            f"SELECT ?id ?at ?hash WHERE {{ GRAPH {meta} {{ {meta} dcterms:identifier ?id ; "
            f"dcterms:modified ?at ; csp:inputHash ?hash }} }} LIMIT 1"
        )
        if not rows:
            return None
        # servers may write the time in another lexical form (Z for +00:00): give it as the build wrote it
        return BuildInfo(rows[0][0], _isoformat(rows[0][1]), rows[0][2])

    def owned_graphs(self) -> tuple[str, ...]:
        """The named graphs on the server that belong to cspkg (their IRIs start with the graph base)."""
        base = term_n3(Literal(self.graph_base))
        rows = self._rows(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{}} FILTER(STRSTARTS(STR(?g), {base})) }}")
        if not rows:  # Virtuoso matches no graph to an empty pattern: ask for graphs with a statement
            rows = self._rows(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {base})) }}"
            )
        return tuple(sorted(row[0] for row in rows))

    def _rows(self, text: str) -> list[list[str]]:
        """The values of a query's rows on the server's own dataset (no unbound variables)."""
        return [[term.value for term in row] for row in self._run(text)]

    def _forget(self) -> None:
        self._seen = None

    # -- queries --------------------------------------------------------------------------------
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
        token = _request_timeout.set(self.query_timeout_s)  # a user's query gets the query time limit
        try:
            return super().raw(
                query,
                formats,
                default_graph=default_graph,
                named_graphs=named_graphs,
                limit=limit,
                base_iri=base_iri,
            )
        finally:
            _request_timeout.reset(token)

    def _run(
        self,
        text: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: DefaultGraphs = None,
        named_graphs: NamedGraphs = None,
        base_iri: str | None = None,
    ) -> Any:
        """Send a query with the predeclared prefixes (and a base IRI, if given: on the same first
        line, so error positions shift only there); its answer as pyoxigraph results (streamed)."""
        if use_default_graph_as_union:
            params = self._union_dataset()
        elif default_graph is None and named_graphs is None:
            params = self._own_dataset(text)
        else:
            params = _dataset_params(
                [g.value for g in default_graph or ()], [g.value for g in named_graphs or ()]
            )
        prologue = f"BASE <{base_iri}> {PROLOGUE}" if base_iri else PROLOGUE
        answer = self._send(prologue + text, params, len(prologue))
        return _parse(_Body(answer, self), answer.headers.get("Content-Type", ""), self)

    def _own_dataset(self, query: str) -> list[tuple[str, str]]:
        """The query's FROM / FROM NAMED as it stands; a server with a union default graph may
        ignore them (Oxigraph does), so then they are sent again as protocol parameters."""
        if not self.union_default_graph or "from" not in query.lower():
            return []
        defaults, named = dataset_clauses(query)
        return _dataset_params(defaults, named) if defaults or named else []

    def _union_dataset(self) -> list[tuple[str, str]]:
        if self.union_default_graph:
            return []
        graphs = list(self._current().graphs)
        return _dataset_params(graphs, graphs)

    def _send(
        self, text: str, params: list[tuple[str, str]], prologue: int = len(PROLOGUE)
    ) -> httpx.Response:
        """POST the query, form-encoded (SPARQL 1.1 Protocol); the answer, to read as a stream.
        `prologue`: how many characters were put before the user's text."""
        timeout = _request_timeout.get() or self.timeout_s
        graph_form = scan(text).form in ("CONSTRUCT", "DESCRIBE")
        request = self._queries.build_request(
            "POST",
            self.query_url,
            content=urlencode([("query", text), *params]).encode(),
            timeout=timeout,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": GRAPH_ACCEPT if graph_form else ACCEPT,
            },
            extensions={"trace": self._trace},
        )
        try:
            answer = self._queries.send(
                request, stream=True
            )  # redirects are not followed: not re-sent elsewhere
        except httpx.HTTPError as exc:
            raise self.failure(exc, timeout) from None
        if answer.status_code >= 300:
            raise self._refusal(answer, prologue)
        return answer

    def _trace(self, event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            self.connections_opened += 1

    def _refusal(self, answer: httpx.Response, prologue: int = len(PROLOGUE)) -> Exception:
        """What an HTTP error from the query URL means for the user (a 400: the query is wrong)."""
        try:
            message = answer.read().decode("utf-8", "replace").strip()
        except httpx.HTTPError:  # the reason alone says enough
            message = ""
        finally:
            answer.close()
        status, reason, url = answer.status_code, answer.reason_phrase, self.query_url
        if status == 400:
            return QueryError(_user_positions(message, prologue))
        if status == 401:
            return StoreUnavailable(
                f"the SPARQL store at {url} refused the credentials (HTTP 401): "
                "check CSPKG_STORE_USER and CSPKG_STORE_PASSWORD"
            )
        if status == 404:
            return StoreUnavailable(f"there is no SPARQL endpoint at {url} (HTTP 404): check CSPKG_STORE")
        kind = StoreTimeout if status in (408, 504) else StoreUnavailable
        detail = f": {message[:300]}" if message else ""
        return kind(f"the SPARQL store at {url} answered HTTP {status} {reason}{detail}")

    def failure(
        self, exc: BaseException, timeout: float | None = None, url: str | None = None
    ) -> StoreUnavailable:
        """What a failed request to the server means for the user."""
        url, within = url or self.query_url, f" within {timeout or self.timeout_s:g} s"
        if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
            return StoreTimeout(f"the SPARQL store at {url} did not answer{within}")
        if isinstance(exc, (OSError, httpx.TransportError)):
            return StoreUnavailable(f"cannot reach the SPARQL store at {url}: {exc}")
        return StoreUnavailable(f"the SPARQL store at {url} failed: {type(exc).__name__}: {exc}")

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
        """Replace cspkg's graphs on the server, one request per graph, the meta graph last."""
        self._check_owned(graphs)
        before = set(self.owned_graphs())  # also: fail here, before any change, when unreachable
        self._write_graphs(graphs, info, lambda replaced: sorted(before - set(replaced)))

    def update(
        self,
        graphs: Mapping[URIRef, Iterable[Triple]],
        drop: Iterable[URIRef],
        info: BuildInfo,
        meta: MetaPatch,
    ) -> None:
        """Replace only these graphs, then patch the meta graph (one request), then drop those
        in `drop`; the others stay as they are."""
        self._check_owned([*graphs, meta.graph])
        self.owned_graphs()  # fail here, before any change, when the server cannot be reached
        gone = sorted({str(g) for g in drop} - {str(g) for g in graphs})
        self._write_graphs(graphs, info, lambda replaced: gone, meta)

    def _check_owned(self, graphs: Iterable[URIRef]) -> None:
        foreign = [str(g) for g in graphs if not str(g).startswith(self.graph_base)]
        if foreign:
            raise ValueError(
                f"graphs outside {self.graph_base} would not be served: {', '.join(foreign[:5])}"
            )

    def _write_graphs(
        self,
        graphs: Mapping[URIRef, Iterable[Triple]],
        info: BuildInfo,
        stale: Callable[[list[str]], list[str]],
        patch: MetaPatch | None = None,
    ) -> None:
        """Each graph by one request, the meta graph (naming the build) last, whole or patched;
        then the graphs `stale` names (given those replaced) are dropped."""
        meta = URIRef(self.meta_graph)
        if patch is None:
            graphs = {**graphs, meta: [*graphs.get(meta, ()), *self._info_triples(info)]}
        order = [g for g in graphs if g != meta] + [meta]
        timeout = httpx.Timeout(self.write_timeout_s, connect=self.timeout_s)
        with httpx.Client(auth=self.auth, timeout=timeout) as client:
            replaced: list[str] = []
            for graph in order:
                try:
                    if graph == meta and patch is not None:
                        self._patch(client, patch)
                    else:
                        self._replace(client, str(graph), graphs[graph])
                except Exception as exc:  # the server's failure, or the graph's triples could not be written
                    raise PublishFailed(_partial(exc, replaced, len(order))) from exc
                replaced.append(str(graph))
            gone = stale(replaced)
            if gone:
                try:
                    self._drop(client, gone)
                except StoreUnavailable as exc:
                    raise PublishFailed(
                        f"build {info.build_id} is published, but dropping the graphs it no "
                        f"longer has failed ({exc}); they are not served: "
                        f"{', '.join(gone)}"
                    ) from None
        self._forget()

    def _info_triples(self, info: BuildInfo) -> list[Triple]:
        """What `build_info` reads (the same statements the build writes into its meta graph)."""
        meta = URIRef(self.meta_graph)
        return [
            (meta, DCTERMS.identifier, Literal(info.build_id)),
            (meta, DCTERMS.modified, Literal(info.built_at, datatype=XSD.dateTime)),
            (meta, CSP.inputHash, Literal(info.input_hash)),
        ]

    def _replace(self, client: httpx.Client, graph: str, triples: Iterable[Triple]) -> None:
        body = _ntriples(triples)
        if self.gsp_url:
            self._write(client, "PUT", self.gsp_url, body, "application/n-triples", params={"graph": graph})
        else:
            name = term_n3(URIRef(graph))
            update = f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n".encode() + body + b"} }"
            self._write(client, "POST", self.update_url, update, "application/sparql-update")

    def _patch(self, client: httpx.Client, patch: MetaPatch) -> None:
        self._write(client, "POST", self.update_url, patch.sparql().encode(), "application/sparql-update")

    def _drop(self, client: httpx.Client, graphs: list[str]) -> None:
        if self.gsp_url and not self._has_update_url():
            for graph in graphs:
                self._write(
                    client, "DELETE", self.gsp_url, b"", None, params={"graph": graph}, missing_ok=True
                )
            return
        update = " ;\n".join(f"DROP SILENT GRAPH {term_n3(URIRef(graph))}" for graph in graphs)
        self._write(client, "POST", self.update_url, update.encode(), "application/sparql-update")

    def _has_update_url(self) -> bool:
        return self.update_url != self.query_url

    def _write(
        self,
        client: httpx.Client,
        method: str,
        url: str,
        body: bytes,
        media_type: str | None,
        *,
        params: dict | None = None,
        missing_ok: bool = False,
    ) -> None:
        headers = {"Content-Type": media_type} if media_type else {}
        try:
            response = client.request(method, url, content=body, headers=headers, params=params)
        except httpx.HTTPError as exc:
            raise self.failure(exc, self.write_timeout_s, url) from None
        if response.status_code >= 400 and not (missing_ok and response.status_code == 404):
            raise StoreUnavailable(
                f"the store at {url} refused {method} {params or ''}: HTTP "
                f"{response.status_code} {response.text[:300].strip()}"
            )


# -- helpers -------------------------------------------------------------------------------------
def dataset_clauses(query: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's FROM and FROM NAMED clauses (prefixed names resolved)."""
    tokens = [(m.lastgroup, m.group()) for m in TOKEN.finditer(query) if m.lastgroup != "comment"]
    prefixes = dict(PREFIXES)
    defaults: list[str] = []
    named: list[str] = []
    for i, (kind, text) in enumerate(tokens[:-1]):
        word = text.upper() if kind == "word" else None
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        elif word == "FROM":
            is_named = tokens[i + 1][0] == "word" and tokens[i + 1][1].upper() == "NAMED"
            kind, text = tokens[i + 2] if is_named and i + 2 < len(tokens) else tokens[i + 1]
            iri = (
                text[1:-1]
                if kind == "iri"
                else prefixes.get(text.partition(":")[0], "") + text.partition(":")[2]
            )
            (named if is_named else defaults).append(iri)
    return defaults, named


def _dataset_params(default_graphs: list[str], named_graphs: list[str]) -> list[tuple[str, str]]:
    return [("default-graph-uri", g) for g in default_graphs or [NO_GRAPH]] + [
        ("named-graph-uri", g) for g in named_graphs or [NO_GRAPH]
    ]


def _ntriples(triples: Iterable[Triple]) -> bytes:
    term = TermConverter().term
    return as_bytes(
        ox.serialize(
            (ox.Triple(term(s), term(p), term(o)) for s, p, o in triples), format=ox.RdfFormat.N_TRIPLES
        )
    )


_LINE_1 = re.compile(r"(\bat 1:|\bline 1, column )(\d+)")


def _user_positions(message: str, prologue: int = len(PROLOGUE)) -> str:
    """The server's message with positions on the first line counted in the user's text, not
    after the prologue put before it (Oxigraph says "at 1:40", Jena "line 1, column 40")."""

    def shift(m: re.Match) -> str:
        column = int(m.group(2)) - prologue
        return f"{m.group(1)}{column}" if column > 0 else m.group(0)

    return _LINE_1.sub(shift, message)


def _isoformat(value: str) -> str:
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return value


def _partial(exc: Exception, replaced: list[str], total: int) -> str:
    if not replaced:
        return f"{exc}; no graph was replaced: the store's data is as it was"
    return (
        f"{exc}; {len(replaced)} of {total} graphs were already replaced ({', '.join(replaced)}), the meta "
        f"graph was not: readers still see the previous build's id, with those graphs' new content. "
        f"Run the build again."
    )


class _Body(io.RawIOBase):
    """An answer as a byte stream for pyoxigraph's streaming parsers; network failures become
    StoreUnavailable. Read to its end, its connection goes back to the pool; closed before, the
    connection is closed with it (the rest of the answer must not reach the next query)."""

    def __init__(self, answer: httpx.Response, store: RemoteStore):
        self._answer = answer
        self._chunks = answer.iter_bytes()
        self._pending = b""
        self._store = store

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # io passes a memoryview
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                self._answer.close()
                return 0
            except httpx.HTTPError as exc:
                raise self._store.failure(exc) from None
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._drain()
            self._answer.close()
        super().close()

    def _drain(self) -> None:
        """Read what is left of an answer whose reader stopped early: mostly only its end (a
        parser stops at the last result, before the end of the stream), and then the connection
        can carry the next query; a longer rest (an answer cut at the limit) goes with it."""
        left = DRAIN_MAX_BYTES - len(self._pending)
        try:
            for chunk in self._chunks:
                left -= len(chunk)
                if left < 0:
                    return
        except httpx.HTTPError:
            pass


def _parse(body: _Body, content_type: str, store: RemoteStore) -> QueryResults:
    """The answer as pyoxigraph results: QuerySolutions, QueryBoolean, or an iterator of Triples."""
    media_type = content_type.split(";")[0].strip().lower()
    try:
        if media_type in RESULT_FORMATS:
            stream = cast(IO[bytes], body)  # a readable byte stream (io.RawIOBase)
            return _boolean_as_boolean(ox.parse_query_results(stream, format=RESULT_FORMATS[media_type]))
        if media_type in GRAPH_FORMATS:
            return _triples(ox.parse(cast(IO[bytes], body), format=GRAPH_FORMATS[media_type]))
    except SyntaxError as exc:
        raise StoreUnavailable(
            f"the SPARQL store at {store.query_url} sent an unreadable answer: {exc}"
        ) from None
    body.close()
    raise StoreUnavailable(
        f"the SPARQL store at {store.query_url} answered {media_type or 'without a media type'}, "
        "not a SPARQL result format"
    )


def _boolean_as_boolean(result: ox.QuerySolutions | ox.QueryBoolean) -> ox.QuerySolutions | ox.QueryBoolean:
    """An ASK answer a server gave as a table of one ASK_VARIABLE (Virtuoso) as the boolean it is."""
    if not isinstance(result, ox.QuerySolutions) or [v.value for v in result.variables] != [ASK_VARIABLE]:
        return result
    value = any(row[0] is not None and row[0].value not in ("0", "false") for row in result)
    return ox.parse_query_results(
        b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"), format=ox.QueryResultsFormat.JSON
    )


def _triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
    for quad in quads:
        yield ox.Triple(quad.subject, quad.predicate, quad.object)
