"""The index, the published JSON-LD context and the status of the served build."""

from __future__ import annotations

import hashlib
import json
import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import deps
from ..context import context_document
from ..negotiation import best

router = APIRouter(tags=["about"])

ENTRY_POINTS = (
    "list_bodies",
    "gaps",
    "list_people",
    "list_posts",
    "list_meetings",
    "list_decisions",
    "list_sources",
    "list_observations",
    "sparql",
    "context",
    "swagger_ui_html",
    "openapi",
)


@router.get("/", name="index", summary="Entry points", include_in_schema=True)
def index(request: Request) -> Response:
    links = {name: str(request.url_for(name)) for name in ENTRY_POINTS}
    if best(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        from ..pages.routes import home

        return home(request)
    return JSONResponse(
        {"title": "cspkg: community safety partnerships in England and Wales", "links": links},
        headers={"Vary": "Accept"},
    )


_CONTEXT_BODY = json.dumps(context_document(), ensure_ascii=False, indent=1).encode()
_CONTEXT_ETAG = '"' + hashlib.sha256(_CONTEXT_BODY).hexdigest()[:20] + '"'


@router.get(
    "/context.jsonld",
    name="context",
    summary="The JSON-LD @context of every view",
    responses={200: {"content": {"application/ld+json": {"example": context_document()}}}},
)
def jsonld_context(request: Request) -> Response:
    """Stable: it changes only with the API's version, never with the data."""
    headers = {"ETag": _CONTEXT_ETAG, "Cache-Control": "public, max-age=86400"}
    if _CONTEXT_ETAG in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return Response(_CONTEXT_BODY, media_type="application/ld+json", headers=headers)


@router.get("/status", name="status", summary="The build now served")
def status(info: deps.CurrentBuild, services: deps.ServicesDep) -> Response:
    warmer = services.warmer
    return JSONResponse(
        {
            "build_id": info.build_id,
            "built_at": info.built_at,
            "input_hash": info.input_hash,
            "process": os.getpid(),
            "prepared_views": warmer.progress.as_json() if warmer is not None else None,
        },
        headers={"Cache-Control": "no-cache", "ETag": f'W/"{info.build_id}"'},
    )
