"""The ASGI app: `create_app(settings)`, served by `cspkg serve` (uvicorn)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from graph_build import __version__
from graph_build.config import Settings, get_settings
from graph_build.store import StoreUnavailable
from graph_build.store.base import GraphStore

from . import edge, openapi, pages, problems
from .pool import QueryPool
from .routes import bodies, docs, meetings, meta, people, resources, sources, sparql, vocabulary
from .state import Services
from .warm import ViewWarmer

DESCRIPTION = """
A knowledge graph of community safety partnerships (CSPs) in England and Wales and the bodies
around them, and of **who holds whom to account**, with every fact citing its source.

* **SPARQL** at `/sparql`: the SPARQL 1.1 Protocol (GET, POST form, POST
  `application/sparql-query`), read-only, with a time limit and a result limit; a bare `GET
  /sparql` gives the SPARQL Service Description with VoID statistics.
* **REST views** of bodies, accountability (up and down, transitively, as at a date), gaps,
  people and posts, meetings and decisions, sources and observations.
* **Representations**: every view is JSON-LD with the published context
  [`/context.jsonld`](/context.jsonld), or Turtle, N-Triples, RDF/XML, HTML, and CSV for lists;
  choose with `Accept` (q-values honoured) or `?format=`. Responses carry `ETag` (the build),
  `Last-Modified` and `Vary: Accept`; lists have honest totals and paging links.
* **URIs** `{base}id/{kind}/{key}` dereference here: `GET /id/...` answers `303 See Other` to
  the document about the resource.
* **Errors** are `application/problem+json` (RFC 9457), and an HTML page for browsers.
"""

TAGS = [
    {"name": "SPARQL", "description": "The SPARQL 1.1 query endpoint and its service description"},
    {"name": "bodies and accountability", "description": "Bodies, who holds them to account, and the gaps"},
    {"name": "people and posts", "description": "People and the posts they held, over time"},
    {
        "name": "meetings and decisions",
        "description": "Meetings, agenda items, decisions and recommendations",
    },
    {"name": "sources and observations", "description": "Source documents and the facts each contributed"},
    {"name": "resource URIs", "description": "Dereferencing {base}id/... URIs"},
    {
        "name": "vocabulary",
        "description": "The ontology and its code lists as linked data; term and code URIs",
    },
    {"name": "about", "description": "Entry points, the JSON-LD context, the served build"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over the store the settings name (embedded or remote; the API does not know which)."""
    settings = settings or get_settings()
    services = Services.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = QueryPool(settings)
        await pool.start()
        services.pool = pool
        preparing = _prepare_views(app, services)
        gc.collect()
        gc.freeze()  # what start-up made lives as long as the process: keep it out of collections
        try:
            yield
        finally:
            if preparing is not None:
                preparing.cancel()
            await pool.close()
            services.pool = None

    app = FastAPI(
        title="cspkg API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # /docs is served from the package, with no CDN (api/routes/docs.py)
        redoc_url=None,
    )
    app.state.services = services  # the only thing kept in app.state (api/state.py)
    _check_store(services.store)
    problems.install(app)
    for module in (meta, sparql, bodies, people, meetings, sources, resources, vocabulary):
        app.include_router(module.router)
    pages.install(app)
    docs.install(app)
    openapi.install(app, settings)
    edge.install(app, settings)  # one path for every response: compression, CORS, limits, host
    return app


def _prepare_views(app: FastAPI, services: Services) -> asyncio.Task | None:
    """Start building body views ahead (api/warm.py) for the URL clients use, when it is known."""
    settings = services.settings
    services.warmer = None
    if not (settings.prepare_views and settings.public_url):
        return None
    services.warmer = ViewWarmer(app, settings.public_url)
    return asyncio.get_running_loop().create_task(services.warmer.run())


def _check_store(store: GraphStore) -> None:
    """Say at start when the store cannot be reached; the API starts anyway and answers 503 until it can."""
    try:
        store.build_info()
    except StoreUnavailable as exc:
        logging.getLogger("cspkg.api").warning("%s; requests answer 503 until the store is back", exc)


def app_from_env() -> FastAPI:
    """For `uvicorn --factory api.app:app_from_env` (several workers): settings from CSPKG_*."""
    return create_app(get_settings())
