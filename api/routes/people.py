"""People and posts over time."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import deps
from ..views import people
from . import examples
from .params import AsAt, Format, Page, PerPage
from .views import name_of, respond, respond_list

router = APIRouter(tags=["people and posts"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild


@router.get(
    "/people",
    name="list_people",
    summary="People",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_people(
    request: Request,
    ctx: Ctx,
    info: Info,
    q: Annotated[str | None, Query(description="Text in the name", examples=["boulting"])] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(people.list_people, ctx),
        page=page,
        per_page=per_page,
        q=q,
        title="People",
        csv_spec=people.PERSON_CSV,
    )


@router.get(
    "/people/{key}",
    name="person",
    summary="One person and the posts they held",
    responses=examples.view_responses(examples.BODY),
)
async def person(
    request: Request, key: str, ctx: Ctx, info: Info, as_at: AsAt = None, format: Format = None
) -> Response:
    """A person: posts held over time (`postsHeld`), memberships, meetings attended, concerns raised."""
    return await respond(request, info, lambda: people.person_detail(ctx, key, as_at=as_at), title=name_of)


@router.get(
    "/posts",
    name="list_posts",
    summary="Posts and their holders over time",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_posts(
    request: Request,
    ctx: Ctx,
    info: Info,
    body: Annotated[
        str | None, Query(description="Only posts in this body (its id)", examples=["plymouth-csp"])
    ] = None,
    role: Annotated[str | None, Query(description="Only posts with this role", examples=["chair"])] = None,
    holder: Annotated[str | None, Query(description="Only posts held by this person (id)")] = None,
    as_at: AsAt = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(people.list_posts, ctx),
        page=page,
        per_page=per_page,
        body=body,
        role=role,
        holder=holder,
        as_at=as_at,
        title="Posts",
        csv_spec=people.POST_CSV,
    )


@router.get(
    "/posts/{key:path}",
    name="post",
    summary="One post (tenure)",
    responses=examples.view_responses(examples.BODY),
)
async def post(request: Request, key: str, ctx: Ctx, info: Info, format: Format = None) -> Response:
    return await respond(request, info, lambda: people.post_detail(ctx, key), title=name_of)
