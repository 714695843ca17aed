"""Dereferencing: GET {base}id/{kind}/{key...} on the API's own host.

Every resource URI answers 303 See Other to the document that describes it: the REST view of
its kind (bodies, people, meetings, sources, posts) or the generic description at
/resources/{kind}/{key...}. That document serves HTML to browsers and JSON-LD, Turtle,
N-Triples or RDF/XML to machines by content negotiation (Vary: Accept). A URI the store knows
nothing of is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import URIRef

from .. import deps
from ..problems import Problem
from ..queries import load
from ..views import resources
from . import examples
from .params import Format
from .views import respond

router = APIRouter(tags=["resource URIs"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild
Kind = Annotated[
    str,
    Path(
        description="body, person, post, meeting, source, membership, link, observation, concern ...",
        examples=["body"],
    ),
]
Key = Annotated[
    str, Path(description="The rest of the URI after {base}id/{kind}/", examples=["plymouth-csp"])
]


@router.get(
    "/id/{kind}/{key:path}",
    name="dereference",
    status_code=303,
    summary="Dereference a resource URI",
    responses={
        303: {"description": "See Other: the document describing the resource"},
        404: {
            "description": "Unknown resource",
            "content": {"application/problem+json": {"example": examples.PROBLEM_404}},
        },
    },
)
def dereference(request: Request, kind: Kind, key: Key, ctx: Ctx) -> Response:
    iri = ctx.uri(kind, key)
    if not ctx.store.select(load("resource_types"), {"s": URIRef(iri)}):
        raise Problem(404, "not-found", f"nothing is known of {iri}")
    path = resources.view_path(kind, key)
    target = ctx.link(path) if path else str(request.url_for("resource", kind=kind, key=key))
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/resources/{kind}/{key:path}",
    name="resource",
    summary="What the store says about any resource",
    responses=examples.view_responses(examples.BODY),
)
async def resource(
    request: Request, kind: Kind, key: Key, ctx: Ctx, info: Info, format: Format = None
) -> Response:
    """Every statement whose subject is {base}id/{kind}/{key}, with the names of what it points to."""
    return await respond(request, info, lambda: resources.resource(ctx, kind, key), title=f"{kind}: {key}")
