"""Meetings, their items and decisions; decisions and recommendations across meetings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import deps
from ..views import meetings
from . import examples
from .params import Day, Format, Page, PerPage, page_request, page_urls
from .views import name_of, respond

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
    self_url, page_url = page_urls(request)
    return await respond(
        request,
        info,
        lambda: meetings.list_meetings(
            ctx,
            body=body,
            from_=from_,
            to=to,
            page=page_request(page, per_page),
            self_url=self_url,
            page_url=page_url,
        ),
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
    self_url, page_url = page_urls(request)
    return await respond(
        request,
        info,
        lambda: meetings.list_decisions(
            ctx,
            kind=kind,
            party=party,
            page=page_request(page, per_page),
            self_url=self_url,
            page_url=page_url,
        ),
        title="Decisions",
        csv_spec=meetings.DECISION_CSV,
    )
