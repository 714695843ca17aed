"""The edge of the app: the one ASGI path every request and every response passes through.

From the outside in: compression (gzip), CORS (one policy, from the settings), the public origin
(links and redirects are built from CSPKG_PUBLIC_URL, never from a client's Host header), the
request body limit (counted while the body is read), HEAD answered as GET, then the short paths
(kept answers, /sparql: api/fastpath.py) and the framework's routing. A short path answers
inside this stack, so a setting changed here reaches every route alike; nothing re-applies
headers by hand.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_build.config import Settings

from .fastpath import HeadAsGet, KeptViews, SparqlFastPath
from .problems import Problem, problem_response

log = logging.getLogger("cspkg.api")

GZIP_MIN_BYTES = 1024
EXPOSED_HEADERS = [
    "ETag",
    "Last-Modified",
    "Location",
    "Retry-After",
    "X-SPARQL-MaxRows",
    "CSPKG-Results-Truncated",
    "CSPKG-Result-Count",
]


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the app's routes in the edge (the last middleware added is the outermost)."""
    app.add_middleware(SparqlFastPath)
    app.add_middleware(KeptViews)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_kb * 1024)
    app.add_middleware(PublicOrigin, public_url=settings.public_url, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)


async def refuse(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
    """Answer a request with a problem from the edge (the same problem+json as a route's)."""
    await problem_response(Request(scope, receive), problem)(scope, receive, send)


class PublicOrigin:
    """Requests seen as addressed to the public URL: its scheme and host replace the client's
    Host header, so no link, Location or kept answer carries a host a client chose. With
    `allowed_hosts`, a request for another host is refused (400)."""

    def __init__(self, app: ASGIApp, public_url: str | None, allowed_hosts: list[str]):
        self.app = app
        parts = urlsplit(public_url) if public_url else None
        self.scheme = parts.scheme if parts else None
        self.host = parts.netloc.encode("latin-1") if parts else None
        self.server = (
            (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)) if parts else None
        )
        self.allowed = {host.lower() for host in allowed_hosts}
        if self.allowed and parts is not None:
            self.allowed.add((parts.hostname or "").lower())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((value for name, value in scope["headers"] if name == b"host"), b"")
        if self.allowed and "*" not in self.allowed and _hostname(host) not in self.allowed:
            await refuse(
                scope, receive, send, Problem(400, "bad-host", "this server does not answer for that host")
            )
            return
        if self.host is not None:
            headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
            scope = {
                **scope,
                "scheme": self.scheme,
                "server": self.server,
                "headers": [(b"host", self.host), *headers],
            }
        await self.app(scope, receive, send)


def _hostname(host: bytes) -> str:
    text = host.decode("latin-1").lower()
    if text.startswith("["):  # [::1]:8000
        return text[: text.find("]") + 1]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


class BodyLimit:
    """Request bodies of at most `max_bytes`: a larger Content-Length is refused before anything is
    read, and a body without one is counted as it arrives (413 as soon as it passes the limit).
    A client that goes away mid-upload ends its request quietly."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def too_large(self) -> Problem:
        return Problem(
            413,
            "body-too-large",
            f"the request body is larger than this server accepts ({self.max_bytes // 1024} KiB)",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await refuse(scope, receive, send, self.too_large())
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self.too_large()
            return message

        try:
            await self.app(scope, counted, send)
        except ClientDisconnect:
            log.info(
                "%s %s: the client went away before sending the whole body", scope["method"], scope["path"]
            )
