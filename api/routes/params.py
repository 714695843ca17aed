"""Query parameters shared by the views, and the URLs of a list's pages."""

from __future__ import annotations

import re
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


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """A day as YYYY-MM-DD, nothing else (not a Unix time, which the date type would take);
    an HTML form sends an empty date field as `as_at=`, which means no date."""
    if value == "" or value is None:
        return None
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError("a day as YYYY-MM-DD (ISO 8601), such as 2016-01-29")
    return value


AsAt = Annotated[
    date | None,
    BeforeValidator(_iso_day),
    Query(
        alias="as_at",
        description="Only what was (possibly) in force on this day (YYYY-MM-DD); partial dates "
        "count as their whole period",
        examples=["2016-01-29"],
    ),
]
MAX_PAGE = 1_000_000  # far past any list's end; keeps every offset a number the engine takes
# A day in other parameters (from, to ...): the same ISO rule, the same empty value.
Day = Annotated[date | None, BeforeValidator(_iso_day)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Items per page (at most 500)")]


def page_urls(request: Request) -> tuple[str, Callable[[int], str]]:
    """The list's own URL (without page and format) and the URL of page n."""
    base = request.url.remove_query_params(["page", "format"])
    return str(base), lambda n: str(base.include_query_params(page=n))


def page_request(page: int, per_page: int) -> PageRequest:
    return PageRequest(page, per_page)
