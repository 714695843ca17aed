"""Sources with the facts each contributed; performance observations."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import deps
from ..views import observations, sources
from . import examples
from .params import Format, Page, PerPage
from .views import respond, respond_list

router = APIRouter(tags=["sources and observations"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild


@router.get(
    "/sources",
    name="list_sources",
    summary="Source documents, latest first",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_sources(
    request: Request,
    ctx: Ctx,
    info: Info,
    kind: Annotated[
        str | None,
        Query(description="minutes, decision-record, report, register ...", examples=["minutes"]),
    ] = None,
    publisher: Annotated[str | None, Query(description="Publisher's body id")] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(sources.list_sources, ctx),
        page=page,
        per_page=per_page,
        kind=kind,
        publisher=publisher,
        title="Sources",
        csv_spec=sources.SOURCE_CSV,
    )


@router.get(
    "/sources/{key}",
    name="source",
    summary="One source and the facts it contributed",
    responses=examples.view_responses(examples.BODY),
)
async def source(request: Request, key: str, ctx: Ctx, info: Info, format: Format = None) -> Response:
    """A source document, its named graph, counts of facts by class, the n-ary facts it states
    (`facts`) and the bodies and people it describes (`describes`), as that source states them."""
    return await respond(
        request, info, lambda: sources.source_detail(ctx, key), title=lambda d: str(d.get("title") or d["id"])
    )


@router.get(
    "/observations",
    name="list_observations",
    summary="Performance observations",
    responses=examples.view_responses(examples.LIST, csv=True, not_found=False),
)
async def list_observations(
    request: Request,
    ctx: Ctx,
    info: Info,
    area: Annotated[str | None, Query(description="The body the figure is about (id)")] = None,
    q: Annotated[str | None, Query(description="Text in the indicator", examples=["101"])] = None,
    page: Page = 1,
    per_page: PerPage = 50,
    format: Format = None,
) -> Response:
    return await respond_list(
        request,
        info,
        partial(observations.list_observations, ctx),
        page=page,
        per_page=per_page,
        area=area,
        q=q,
        title="Observations",
        csv_spec=observations.OBSERVATION_CSV,
    )
