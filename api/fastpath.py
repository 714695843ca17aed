"""Short paths through the ASGI stack: /sparql, and answers already kept for the build.

A SPARQL lookup takes well under a millisecond in the engine, so the framework's per-request
work (routing, dependency resolution, the CORS and gzip middlewares) would dominate it. This
middleware, installed outermost, answers GET / HEAD / POST /sparql itself with the very same
handler as the documented route (api/routes/sparql.py), adding the CORS and compression headers
those middlewares would; everything else, OPTIONS preflights included, goes down the stack.

A GET seen before (same URL, Accept and host) whose answer is kept for the served build, a view
(KeptViews) or a repeatable SPARQL answer (api/services/sparql.py), is answered from the kept
bytes at once: no parsing, no routing, no query.
"""

from __future__ import annotations

import gzip
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from graph_build.store import StoreUnavailable

from .cache import request_key
from .problems import Problem, internal_error, problem_response

log = logging.getLogger("cspkg.api")

GZIP_MIN_BYTES = 1024
EXPOSE = "ETag, Last-Modified, Location, X-SPARQL-MaxRows, CSPKG-Results-Truncated, CSPKG-Result-Count"


class SparqlFastPath:
    def __init__(self, app: ASGIApp, path: str = "/sparql"):
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in ("GET", "HEAD", "POST")
        ):
            await self.app(scope, receive, send)
            return
        from .routes.sparql import sparql  # the documented route's handler

        request = Request(scope, receive)
        if scope["method"] == "GET":
            kept = kept_response(scope["app"].state, "answers", scope)
            if kept is not None:
                await finish(request, kept)(scope, receive, send)
                return
        try:
            response = await sparql(request)
        except Problem as exc:
            response = problem_response(request, exc)
        except StoreUnavailable as exc:
            response = problem_response(
                request, Problem(503, "store-unavailable", str(exc), headers={"Retry-After": "30"})
            )
        except Exception:
            log.exception("error answering %s %s", scope["method"], self.path)
            response = problem_response(request, internal_error())
        await finish(request, response)(scope, receive, send)


def finish(request: Request, response: Response) -> Response:
    """What the gzip and CORS middlewares would add (in their order), for responses that skip them."""
    headers = response.headers
    body = getattr(response, "body", b"")
    if (
        len(body) >= GZIP_MIN_BYTES
        and "gzip" in request.headers.get("accept-encoding", "")
        and "content-encoding" not in headers
    ):
        response.body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(response.body))
        headers["Vary"] = ", ".join(filter(None, [headers.get("vary"), "Accept-Encoding"]))
    if "origin" in request.headers:
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = EXPOSE
    headers["Vary"] = ", ".join(filter(None, [headers.get("vary"), "Origin"]))
    return response


class KeptViews:
    """GET of a view whose representation is kept for the served build (api/cache.py), answered
    before routing: the same request again costs a dictionary lookup, not the framework's
    routing, parameter validation and dependencies. Conditional requests, and anything not
    seen before, go down the stack."""

    def __init__(self, app: ASGIApp, state):
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kept = (
            kept_response(self.state, "views", scope)
            if scope["type"] == "http" and scope["method"] == "GET"
            else None
        )
        if kept is None:
            await self.app(scope, receive, send)
            return
        await finish(Request(scope, receive), kept)(scope, receive, send)


def kept_response(state, cache: str, scope: Scope) -> Response | None:
    """The kept representation a GET seen before was answered with (None: not kept, or a
    conditional request, which the stack answers with 304 or 200)."""
    if any(name in (b"if-none-match", b"if-modified-since") for name, _ in scope["headers"]):
        return None
    try:
        info = state.store.build_info()
    except StoreUnavailable:  # the stack answers that (503)
        return None
    kept = getattr(state, cache).get_alias(info.build_id, request_key(scope)) if info is not None else None
    return (
        Response(kept.body, status_code=kept.status, headers=dict(kept.headers)) if kept is not None else None
    )


class HeadAsGet:
    """HEAD on any GET route: answered as GET, without the body (RFC 9110 §9.3.2)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
