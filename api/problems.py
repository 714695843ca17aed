"""Errors as RFC 9457 problem details (application/problem+json), one type URI per kind."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_build.store import StoreTimeout, StoreUnavailable

PROBLEM_TYPES = "https://w3id.org/cspkg/problems/"
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error the API answers with: status, a short kind (the type URI's last part) and detail."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(request: Request, problem: Problem) -> Response:
    """problem+json; or the problem as a page, when the pages are installed and the client prefers HTML."""
    headers = {"Cache-Control": "no-store", **problem.headers}
    from .state import request_services  # imported here: api.state imports the views, which import this

    services = request_services(request.scope)
    page = services.problem_page if services is not None else None
    if page is not None and (answer := page(request, problem, headers)) is not None:
        return answer
    body = {
        "type": PROBLEM_TYPES + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": str(request.url.path),
    }
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


_HTTP_KINDS = {
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    415: "unsupported-media-type",
}


def install(app: FastAPI) -> None:
    """Answer every error as problem+json (as a page to a browser, see api/pages/errors.py)."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing is published at {request.url.path}"
        if exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on {request.url.path}: the API is read-only"
        kind = _HTTP_KINDS.get(exc.status_code, f"http-{exc.status_code}")
        return problem_response(
            request, Problem(exc.status_code, kind, detail, headers=dict(exc.headers or {}))
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "parameter": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                "in": (e.get("loc") or ("query",))[0],
                "rule": e.get("msg"),
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['parameter']}: {e['rule']}" for e in errors)
        return problem_response(request, Problem(400, "invalid-parameter", detail, errors=errors))

    @app.exception_handler(StoreUnavailable)
    @app.exception_handler(StoreTimeout)
    async def _known(request: Request, exc: Exception) -> Response:
        problem = problem_for(exc)
        assert problem is not None
        return problem_response(request, problem)

    @app.exception_handler(Exception)
    async def _bug(
        request: Request, exc: Exception
    ) -> Response:  # logged by the server; the client gets a problem
        return problem_response(request, internal_error())


def problem_for(exc: Exception) -> Problem | None:
    """The problem a failure of the store is answered with (None: a bug, answered 500 and
    logged). Every route and the short paths (api/fastpath.py) answer through this one mapping.
    A QueryError outside /sparql (which answers its own as `malformed-query`) is a view's own
    query failing: a bug, never the client's malformed query. A store past its time limit is
    504 `store-timeout`; /sparql, whose time limits are all 503, answers its own
    (api/routes/sparql.py, `store_timeout`) on every path a request takes to it."""
    if isinstance(exc, StoreTimeout):  # tested before its base class
        return Problem(504, "store-timeout", str(exc), title="Store time limit exceeded")
    if isinstance(exc, StoreUnavailable):
        return Problem(503, "store-unavailable", str(exc), headers={"Retry-After": "30"})
    return None


def internal_error() -> Problem:
    return Problem(500, "internal-error", "the server failed to answer this request; it has been logged")
