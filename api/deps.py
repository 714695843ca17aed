"""Request dependencies: settings, the store, the served build, a view context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph_build.config import Settings
from graph_build.namespaces import Ids
from graph_build.store import StoreUnavailable
from graph_build.store.base import BuildInfo, GraphStore

from .views.base import ViewContext
from .views.shape import Shaper


def settings(request: Request) -> Settings:
    return request.app.state.settings


def store(request: Request) -> GraphStore:
    return request.app.state.store


def build_info(request: Request) -> BuildInfo:
    """The build now served; 503 when the store holds none."""
    info = request.app.state.store.build_info()
    if info is None:
        raise StoreUnavailable("the store holds no build yet: run 'cspkg build'")
    return info


def view_context(request: Request) -> ViewContext:
    state = request.app.state
    info = build_info(request)
    vocab = state.vocab.get(state.store, info.build_id)
    base = str(request.base_url).rstrip("/")
    return ViewContext(
        store=state.store,
        ids=Ids(state.settings.base_uri),
        vocab=vocab,
        shaper=Shaper(vocab),
        link=lambda path: base + path,
        ontology_dir=state.settings.ontology_dir,
        names=state.names.for_build(info.build_id),
    )


# For Depends: FastAPI runs a plain function dependency in the thread pool (a hop per request);
# these do only in-memory work, so they run on the event loop.
async def current_build(request: Request) -> BuildInfo:
    return build_info(request)


async def current_view_context(request: Request) -> ViewContext:
    return view_context(request)


CurrentBuild = Annotated[BuildInfo, Depends(current_build)]
CurrentViewContext = Annotated[ViewContext, Depends(current_view_context)]
