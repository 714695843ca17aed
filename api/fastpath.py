"""Short paths through the ASGI stack: /sparql, and answers already kept for the build.

A SPARQL lookup takes well under a millisecond in the engine, so the framework's per-request
work (routing, dependency resolution) would dominate it. This middleware answers GET / POST
/sparql itself with the very same handler as the documented route (api/routes/sparql.py);
everything else goes down the stack. Both sit inside the edge (api/edge.py): compression, CORS,
the public origin and the body limit apply to their answers as to every other.

A GET seen before (same URL, Accept and host) whose answer is kept for the served build, a view
(KeptViews) or a repeatable SPARQL answer (api/services/sparql.py), is answered from the kept
bytes at once: no parsing, no routing, no query.
"""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_build.store import StoreUnavailable

from .cache import ViewCache, request_key
from .deps import services_at_edge
from .problems import Problem, internal_error, problem_for, problem_response
from .state import Services

log = logging.getLogger("cspkg.api")


class SparqlFastPath:
    def __init__(self, app: ASGIApp, path: str = "/sparql"):
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        from .routes.sparql import sparql  # the documented route's handler

        services = await services_at_edge(scope)
        if services is None:  # a part swapped by an override only routing resolves
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if scope["method"] == "GET":
            kept = kept_response(services, services.answers, scope)
            if kept is not None:
                await kept(scope, receive, send)
                return
        try:
            response = await sparql(request, services)
        except ClientDisconnect:
            raise  # the edge ends the request quietly
        except Problem as exc:
            response = problem_response(request, exc)
        except Exception as exc:
            problem = problem_for(exc)
            if problem is None:
                log.exception("error answering %s %s", scope["method"], self.path)
                problem = internal_error()
            response = problem_response(request, problem)
        await response(scope, receive, send)


class KeptViews:
    """GET of a view whose representation is kept for the served build (api/cache.py), answered
    before routing: the same request again costs a dictionary lookup, not the framework's
    routing, parameter validation and dependencies. Conditional requests, and anything not
    seen before, go down the stack. The services are those the request's dependencies would
    give (api/deps.py), so a store swapped by a test reaches kept views too."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = (
            await services_at_edge(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        )
        kept = kept_response(services, services.views, scope) if services is not None else None
        if kept is None:
            await self.app(scope, receive, send)
            return
        await kept(scope, receive, send)


def kept_response(services: Services, cache: ViewCache, scope: Scope) -> Response | None:
    """The kept representation a GET seen before was answered with (None: not kept, or a
    conditional request, which the stack answers with 304 or 200)."""
    if any(name in (b"if-none-match", b"if-modified-since") for name, _ in scope["headers"]):
        return None
    try:
        info = services.store.build_info()
    except StoreUnavailable:  # the stack answers that (503)
        return None
    kept = cache.get_alias(info.build_id, request_key(scope)) if info is not None else None
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

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
