"""Request dependencies: the app's services (api/state.py) and their parts, the served build, a
view context.

Every part is its own dependency, so a test swaps one with `app.dependency_overrides`:

    app.dependency_overrides[deps.get_store] = lambda: EmbeddedStore(other_folder)

and every route that reads the store, the served build or a view context uses the other one.
FastAPI runs a plain function dependency in the thread pool (a hop per request); these do only
in-memory work, so they are coroutines and run on the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph_build.config import Settings
from graph_build.namespaces import Ids
from graph_build.store import StoreUnavailable
from graph_build.store.base import BuildInfo, GraphStore

from .state import Services, services_of
from .views.base import ViewContext
from .views.shape import Shaper

# Where a request keeps what its dependencies resolved, for code they do not reach (the rendering
# of a view and its page): so that a part swapped by dependency_overrides is used there too.
_SERVICES = "cspkg.services"
_RESOLVED = "cspkg.view_context"


async def get_services(request: Request) -> Services:
    return services_of(request.app)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_store(services: ServicesDep) -> GraphStore:
    return services.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]


def build_info(store: GraphStore) -> BuildInfo:
    """The build the store now serves; 503 when it holds none."""
    info = store.build_info()
    if info is None:
        raise StoreUnavailable("the store holds no build yet: run 'cspkg build'")
    return info


def view_context(request: Request, services: Services, store: GraphStore, info: BuildInfo) -> ViewContext:
    """What the views of one request read: the store, the build's vocabulary and kept names."""
    vocab = services.vocab.get(store, info.build_id)
    base = str(request.base_url).rstrip("/")
    return ViewContext(
        store=store,
        ids=Ids(services.settings.base_uri),
        vocab=vocab,
        shaper=Shaper(vocab),
        link=lambda path: base + path,
        ontology_dir=services.settings.ontology_dir,
        names=services.names.for_build(info.build_id),
    )


async def current_build(request: Request, services: ServicesDep, store: StoreDep) -> BuildInfo:
    request.scope[_SERVICES] = services
    return build_info(store)


CurrentBuild = Annotated[BuildInfo, Depends(current_build)]


async def current_view_context(
    request: Request, services: ServicesDep, store: StoreDep, info: CurrentBuild
) -> ViewContext:
    ctx = view_context(request, services, store, info)
    request.scope[_RESOLVED] = ctx  # the view's page uses the same (view_context_of)
    return ctx


CurrentViewContext = Annotated[ViewContext, Depends(current_view_context)]


def services_for(request: Request) -> Services:
    """The services a request was resolved with (see _SERVICES), else the app's."""
    resolved = request.scope.get(_SERVICES)
    return resolved if isinstance(resolved, Services) else services_of(request.app)


def view_context_of(request: Request) -> ViewContext:
    """The view context of a request, for code the dependencies do not reach (a view's page, drawn
    while rendering): the one the route resolved, else one from the app's services."""
    resolved = request.scope.get(_RESOLVED)
    if isinstance(resolved, ViewContext):
        return resolved
    services = services_for(request)
    return view_context(request, services, services.store, build_info(services.store))
