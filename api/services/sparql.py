"""The SPARQL 1.1 Protocol, query operation: read the request, refuse what a read-only public
endpoint must refuse, negotiate the result format and run the query in a worker process.

- GET with `query`; POST as application/x-www-form-urlencoded or application/sparql-query.
- `default-graph-uri` / `named-graph-uri` (in the URL, or in the form body) replace the query's
  FROM / FROM NAMED; without them the default graph is the union of all named graphs.
- Errors: malformed query 400 (with the parser's message), no or two `query` 400, other
  content types 415, updates / LOAD / SERVICE 403, nothing acceptable 406, time limit 503.
  What a query contains is decided by a SPARQL parser in the query worker (query_check.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response

from graph_build.store.base import BuildInfo, NotAcceptable, QueryError, RawResult

from ..cache import Rendered, request_key
from ..pool import ClientBusy, PoolBusy, QueryTimeout, WorkerCrashed
from ..problems import Problem
from ..render import Validators, not_modified, not_modified_response, validators
from ..state import Services
from .formats import Negotiated, negotiate
from .query_check import QueryRefused
from .syntax import explain

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

RETRY_AFTER = "2"  # seconds: about a quick-lane turn
_CHARSET_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples"}
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')


@dataclass(frozen=True)
class ProtocolRequest:
    """One query operation: the query and the dataset the protocol gives it (None: not given),
    and the result formats the client named in `format` / `output` parameters, if any."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    formats: tuple[str, ...] = ()


_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}  # ASCII is UTF-8


def _decode(data: bytes, charset: str = "utf-8") -> str:
    """The body as text. The protocol says UTF-8: another charset is refused, not decoded."""
    if charset.lower() not in _UTF8:
        raise Problem(
            415,
            "unsupported-media-type",
            f"the body is {charset}; the SPARQL protocol takes queries in UTF-8 only",
            headers={"Accept-Post": f"{FORM}; charset=utf-8, {SPARQL_QUERY}; charset=utf-8"},
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "bad-encoding", "the request is not valid UTF-8 text") from None


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Problem(
            400, "bad-encoding", "the parameters are not valid UTF-8 once percent-decoded"
        ) from None


async def read_request(request: Request) -> ProtocolRequest | None:
    """The query operation a request asks for; None for a bare GET (the service description)."""
    params = _pairs(request.scope.get("query_string", b"").decode("latin-1"))
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        media_type, _, rest = content_type.partition(";")
        media_type = media_type.strip().lower()
        charset = "utf-8"
        for param in rest.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        body = await request.body()
        if media_type == FORM:
            params = params + _pairs(_decode(body, charset))
        elif media_type == SPARQL_QUERY:
            params = params + [("query", _decode(body, charset))]
        elif media_type == SPARQL_UPDATE:
            raise Problem(403, "update-refused", "this endpoint is read-only: SPARQL Update is not accepted")
        else:
            raise Problem(
                415,
                "unsupported-media-type",
                f"POST a query as {FORM} or {SPARQL_QUERY}, not {media_type or 'a body without Content-Type'}",
                headers={"Accept-Post": f"{FORM}, {SPARQL_QUERY}"},
            )
    names = {name for name, _ in params}
    if names & {"update", "using-graph-uri", "using-named-graph-uri"}:
        raise Problem(403, "update-refused", "this endpoint is read-only: SPARQL Update is not accepted")
    queries = [value for name, value in params if name == "query"]
    # Some clients send `default-graph-uri=` when no graph is chosen: an empty value names no graph.
    defaults = tuple(value for name, value in params if name == "default-graph-uri" and value.strip())
    named = tuple(value for name, value in params if name == "named-graph-uri" and value.strip())
    if len(queries) > 1:
        raise Problem(
            400, "bad-request", f"the request has {len(queries)} 'query' parameters; give exactly one"
        )
    if not queries:
        if request.method in ("GET", "HEAD") and not (defaults or named):
            return None
        raise Problem(400, "bad-request", "the request has no 'query' parameter")
    for iri in defaults + named:
        if not _IRI.match(iri):
            raise Problem(
                400, "bad-request", f"not an absolute IRI: {iri!r} (default-graph-uri / named-graph-uri)"
            )
    fmt = tuple(value for name, value in params if name in ("format", "output") and value.strip())
    if defaults or named:
        return ProtocolRequest(queries[0], defaults, named, fmt)
    return ProtocolRequest(queries[0], None, None, fmt)


def query_validators(info: BuildInfo, request: Request, preq: ProtocolRequest) -> Validators:
    digest = hashlib.sha256(repr((preq, request.headers.get("accept"))).encode()).hexdigest()[:16]
    return validators(info, request, f"sparql:{digest}")


# Functions whose value differs from one evaluation to the next (in any case, or escaped).
_VOLATILE = ("NOW", "RAND", "UUID", "BNODE", "\\U")


def repeatable(query: str) -> bool:
    """Whether every evaluation over one build gives the same answer (no NOW(), RAND(), UUID(),
    STRUUID(), BNODE()); a false "no" only means the answer is not kept."""
    upper = query.upper()
    return not any(word in upper for word in _VOLATILE)


async def answer(
    request: Request, preq: ProtocolRequest, services: Services, info: BuildInfo | None
) -> Response:
    """Answer one query operation over the services' store: 304 when the client's copy is current,
    the answer kept for this build when the same query was asked before, else run it (and keep
    the answer)."""
    negotiated = negotiate(request.headers.get("accept"), preq.formats)
    v = query_validators(info, request, preq) if info else None
    if v is not None and not_modified(request, v):
        return not_modified_response(v)
    answers = services.answers
    build_id = info.build_id if info is not None else None
    key = (preq, request.headers.get("accept")) if build_id is not None and repeatable(preq.query) else None
    kept = answers.get(build_id, key) if build_id is not None and key is not None else None
    if kept is not None:
        response = Response(kept.body, status_code=kept.status, headers=dict(kept.headers))
    else:
        client = request.client.host if request.client else None
        response = await run_query(preq, services, negotiated, v, client)
        if build_id is not None and key is not None:
            body = bytes(response.body)
            answers.put(
                build_id, key, Rendered(200, body, response.media_type or "", tuple(response.headers.items()))
            )
    if build_id is not None and key is not None and request.method == "GET":
        answers.alias(build_id, request_key(request.scope), key)
    return response


async def run_query(
    preq: ProtocolRequest,
    services: Services,
    negotiated: Negotiated,
    v: Validators | None,
    client: str | None = None,
) -> Response:
    """Run the query in a worker, on the services' store; its answer, or the problem that stopped it."""
    settings = services.settings
    try:
        result: RawResult = await services.query_pool.run(
            "raw",
            preq.query,
            negotiated.formats,
            default_graph=preq.default_graphs,
            named_graphs=preq.named_graphs,
            limit=settings.result_limit,
            base_iri=settings.base_uri,  # relative IRIs in a query resolve against the graph's base
            client=client,
            store=services.store,
        )
    except QueryError as exc:
        problem = explain(preq.query, str(exc))
        where: dict[str, Any] = {"line": problem.line, "column": problem.column} if problem.line else {}
        raise Problem(400, "malformed-query", problem.detail, **where) from None
    except QueryRefused as exc:
        raise Problem(403, exc.kind, exc.detail) from None
    except NotAcceptable as exc:
        raise Problem(
            406,
            "not-acceptable",
            f"none of the acceptable media types fits this query: {exc}",
            headers={"Vary": "Accept"},
        ) from None
    except QueryTimeout as exc:
        raise Problem(
            503,
            "query-timeout",
            f"{exc}; narrow the query (LIMIT, more specific patterns)",
            title="Query time limit exceeded",
            time_limit_s=settings.query_timeout_s,
        ) from None
    except PoolBusy as exc:
        raise Problem(
            503, "busy", f"{exc}; try again shortly", headers={"Retry-After": RETRY_AFTER}
        ) from None
    except ClientBusy as exc:
        raise Problem(
            429, "too-many-queries", f"{exc}; wait for an answer first", headers={"Retry-After": RETRY_AFTER}
        ) from None
    except WorkerCrashed as exc:
        raise Problem(503, "query-failed", str(exc)) from None
    except MemoryError:
        raise Problem(
            503, "query-failed", "the query needed more memory than the server allows; narrow it"
        ) from None
    media_type = negotiated.media_type(result.media_type)
    headers = v.headers() if v else {"Vary": "Accept", "Cache-Control": "no-cache"}
    if result.truncated:
        headers["X-SPARQL-MaxRows"] = str(settings.result_limit)
        headers["CSPKG-Results-Truncated"] = "true"
    if result.count is not None:
        headers["CSPKG-Result-Count"] = str(result.count)
    content_type = f"{media_type}; charset=utf-8" if media_type in _CHARSET_TYPES else media_type
    return Response(result.body, media_type=content_type, headers=headers)
