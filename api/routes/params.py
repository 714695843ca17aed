"""Query parameters shared by the views, and the URLs of a list's pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Query, Request
from pydantic import BeforeValidator

from ..views.base import PageRequest

Format = Annotated[
    str | None,
    Query(
        description="Representation, instead of the Accept header: jsonld, json, ttl, nt, rdf, csv (lists), html",
        examples=["jsonld"],
    ),
]


def _blank_is_none(value: object) -> object:
    """An HTML form sends an empty date field as `as_at=`: that means no date."""
    return None if value == "" else value


AsAt = Annotated[
    date | None,
    BeforeValidator(_blank_is_none),
    Query(
        alias="as_at",
        description="Only what was (possibly) in force on this day (YYYY-MM-DD); partial dates "
        "count as their whole period",
        examples=["2016-01-29"],
    ),
]
Page = Annotated[int, Query(ge=1, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Items per page (at most 500)")]


def page_urls(request: Request) -> tuple[str, Callable[[int], str]]:
    """The list's own URL (without page and format) and the URL of page n."""
    base = request.url.remove_query_params(["page", "format"])
    return str(base), lambda n: str(base.include_query_params(page=n))


def page_request(page: int, per_page: int) -> PageRequest:
    return PageRequest(page, per_page)
