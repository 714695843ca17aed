"""How every REST view answers: negotiate, check the client's cached copy, use or build the
rendered view (kept per build, see api/cache.py), render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import Response

from graph_build.store.base import BuildInfo

from ..cache import Rendered, request_key
from ..deps import services_for
from ..render import CsvSpec, choose, not_modified, not_modified_response, offers, render, validators
from ..views.shape import first_text
from .params import page_request, page_urls


async def respond(
    request: Request,
    info: BuildInfo,
    build: Callable[[], dict],
    *,
    title: str | Callable[[dict], str],
    csv_spec: CsvSpec | None = None,
    csv_items: Callable[[dict], list] | None = None,
) -> Response:
    """Answer a view: 304 when the client's copy is current, else the chosen representation.
    A kept representation is answered on the event loop; only building one goes to a thread."""
    media_type = choose(request, offers(csv=csv_spec is not None))
    v = validators(info, request, media_type)
    if not_modified(request, v):
        return not_modified_response(v)
    services = services_for(request)
    cache = services.views
    key = (
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        media_type,
        request.url.scheme,
        request.headers.get("host", ""),
        request.scope.get("root_path", ""),
    )
    kept = cache.get(info.build_id, key)
    if kept is not None:
        cache.alias(info.build_id, request_key(request.scope), key)
        return Response(kept.body, status_code=kept.status, headers=dict(kept.headers))

    def build_and_render() -> Response:
        doc = build()
        name = title(doc) if callable(title) else title
        items = (csv_items(doc) if csv_items else doc.get("results", [])) if csv_spec else None
        return render(request, doc, media_type, v, title=name, csv_items=items, csv_spec=csv_spec)

    response = await anyio.to_thread.run_sync(build_and_render, limiter=services.view_builders)
    if response.status_code == 200:
        cache.put(
            info.build_id,
            key,
            Rendered(200, bytes(response.body), media_type, tuple(response.headers.items())),
        )
        cache.alias(info.build_id, request_key(request.scope), key)
    return response


def name_of(doc: dict) -> str:
    return first_text(doc, "name", "label", "title") or doc.get("id", "")


async def respond_list(
    request: Request,
    info: BuildInfo,
    view: Callable[..., dict],
    *,
    page: int,
    per_page: int,
    title: str,
    csv_spec: CsvSpec | None = None,
    csv_items: Callable[[dict], list] | None = None,
    **filters: Any,
) -> Response:
    """Answer one page of a list view: `view(**filters, page=..., self_url=..., page_url=...)`,
    with the URLs of this request's list and its other pages."""
    self_url, page_url = page_urls(request)
    return await respond(
        request,
        info,
        lambda: view(**filters, page=page_request(page, per_page), self_url=self_url, page_url=page_url),
        title=title,
        csv_spec=csv_spec,
        csv_items=csv_items,
    )
