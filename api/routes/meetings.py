"""Meetings, their items and decisions; decisions and recommendations across meetings."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import deps
from ..views import meetings
from . import examples
from .params import Day, Format, Page, PerPage
from .views import name_of, respond, respond_list

router = APIRouter(tags=["meetings and decisions"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild


@router.get(
    "/meetings",
    name="list_meetings",
    summary="Meetings, latest first",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_meetings(
    request: Request,
    ctx: Ctx,
    info: Info,
    body: Annotated[
        str | None, Query(description="Only meetings of this body (id)", examples=["plymouth-csp"])
    ] = None,
    from_: Annotated[Day, Query(alias="from", description="Meetings on or after (YYYY-MM-DD)")] = None,
    to: Annotated[Day, Query(description="Meetings on or before (YYYY-MM-DD)")] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(meetings.list_meetings, ctx),
        page=page,
        per_page=per_page,
        body=body,
        from_=from_,
        to=to,
        title="Meetings",
        csv_spec=meetings.MEETING_CSV,
    )


@router.get(
    "/meetings/{key}",
    name="meeting",
    summary="One meeting with its items and decisions",
    responses=examples.view_responses(examples.BODY),
)
async def meeting(request: Request, key: str, ctx: Ctx, info: Info, format: Format = None) -> Response:
    return await respond(request, info, lambda: meetings.meeting_detail(ctx, key), title=name_of)


@router.get(
    "/decisions",
    name="list_decisions",
    summary="Decisions, recommendations, delegations, notings",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_decisions(
    request: Request,
    ctx: Ctx,
    info: Info,
    kind: Annotated[
        str | None,
        Query(
            description="decision (any kind), resolution, recommendation, delegation or noting",
            examples=["recommendation"],
        ),
    ] = None,
    party: Annotated[
        str | None,
        Query(
            description="A body id (or person/<id>) that took, received or was delegated the decision",
            examples=["devon-and-cornwall-pcc"],
        ),
    ] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(meetings.list_decisions, ctx),
        page=page,
        per_page=per_page,
        kind=kind,
        party=party,
        title="Decisions",
        csv_spec=meetings.DECISION_CSV,
    )
