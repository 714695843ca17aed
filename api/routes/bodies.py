"""Bodies, one body, and its accountability; the accountability gaps."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from .. import deps
from ..views import accountability as acc
from ..views import bodies
from . import examples
from .params import AsAt, Format, Page, PerPage
from .views import name_of, respond, respond_list

router = APIRouter(tags=["bodies and accountability"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild
Key = Annotated[
    str,
    Path(description="The body's id (slug), as in its URI {base}id/body/{key}", examples=["plymouth-csp"]),
]


@router.get(
    "/bodies",
    name="list_bodies",
    summary="Bodies, filtered and paged",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_bodies(
    request: Request,
    ctx: Ctx,
    info: Info,
    type: Annotated[
        str | None,
        Query(description="A body class, subclasses included", examples=["CommunitySafetyPartnership"]),
    ] = None,
    area: Annotated[str | None, Query(description="Text in the body's area", examples=["Plymouth"])] = None,
    q: Annotated[
        str | None, Query(description="Text in a name, alternative name or identifier", examples=["safer"])
    ] = None,
    as_at: AsAt = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    """Bodies sorted by name, with the total count and first / previous / next / last links."""
    return await respond_list(
        request,
        info,
        partial(bodies.list_bodies, ctx),
        page=page,
        per_page=per_page,
        type_=type,
        q=q,
        area=area,
        as_at=as_at,
        title="Bodies",
        csv_spec=bodies.BODY_CSV,
    )


@router.get(
    "/bodies/{key}", name="body", summary="One body", responses=examples.view_responses(examples.BODY)
)
async def body(
    request: Request, key: Key, ctx: Ctx, info: Info, as_at: AsAt = None, format: Format = None
) -> Response:
    """A body: names, identifiers, dates, parent and sub-organisations, members (roles, dates),
    what it is a member of, posts and holders, meetings, stated concerns, observations, sources."""
    return await respond(request, info, lambda: bodies.body_detail(ctx, key, as_at=as_at), title=name_of)


@router.get(
    "/bodies/{key}/accountability",
    name="accountability",
    summary="Who holds a body to account, and whom it holds",
    responses=examples.view_responses(examples.ACCOUNTABILITY, csv=True),
)
async def accountability(
    request: Request,
    key: Key,
    ctx: Ctx,
    info: Info,
    as_at: AsAt = None,
    depth: Annotated[
        int | None, Query(ge=1, le=50, description="How many steps to walk (default: all)")
    ] = None,
    format: Format = None,
) -> Response:
    """Accountability links above (`upward`) and below (`downward`) the body, each with its
    holder, held body, mechanism, status, legal basis, dates, citation and sources, and its
    `depth` (1 = the body's own links). The walk follows oversight links in force or questioned;
    proposed and claimed links, and co-operation, are shown but not followed (`followed`)."""
    return await respond(
        request,
        info,
        lambda: acc.accountability(
            ctx, key, as_at=as_at, depth=depth, self_url=str(request.url.remove_query_params("format"))
        ),
        title=lambda d: f"Accountability: {name_of(d['subject'])}",
        csv_spec=acc.LINK_CSV,
        csv_items=lambda d: d["upward"] + d["downward"],
    )


@router.get(
    "/accountability/gaps",
    name="gaps",
    summary="Accountability gaps",
    responses=examples.view_responses(
        {"@context": examples.CTX, "type": "GapReport"}, csv=True, not_found=False
    ),
)
async def gaps(
    request: Request,
    ctx: Ctx,
    info: Info,
    as_at: AsAt = None,
    type: Annotated[
        str | None, Query(description="Only bodies of this class", examples=["CommunitySafetyPartnership"])
    ] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    """Bodies nothing holds to account (paged; CSV lists them), accountability links that
    sources call into question (status questioned or claimed), and stated gaps and concerns."""
    return await respond_list(
        request,
        info,
        partial(acc.gaps, ctx),
        page=page,
        per_page=per_page,
        as_at=as_at,
        type_=type,
        title="Accountability gaps",
        csv_spec=bodies.BODY_CSV,
        csv_items=lambda d: d["unaccountableBodies"],
    )
