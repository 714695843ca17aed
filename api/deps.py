"""Request dependencies: the app's services (api/state.py) and their parts, the served build, a
view context.

Every part is its own dependency, so a test swaps one with `app.dependency_overrides`:

    app.dependency_overrides[deps.get_store] = lambda: EmbeddedStore(other_folder)

and every route that reads the store, the served build or a view context uses the other one, as
do the short paths that answer before routing (/sparql and kept answers: `services_at_edge`).
FastAPI runs a plain function dependency in the thread pool (a hop per request); these do only
in-memory work, so they are coroutines and run on the event loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from starlette.types import Scope

from graph_build.config import Settings
from graph_build.namespaces import Ids
from graph_build.store import StoreUnavailable
from graph_build.store.base import BuildInfo, GraphStore

from .state import REQUEST_SERVICES, Services, request_services, services_of
from .views.base import ViewContext
from .views.shape import Shaper

# Where a request keeps the view context its dependencies resolved (see REQUEST_SERVICES).
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


async def get_served(request: Request, services: ServicesDep, store: StoreDep) -> Services:
    """The services over the store this request resolved: what a route answers with. Kept in the
    request for the code the dependencies do not reach (REQUEST_SERVICES)."""
    served = services.with_store(store)
    request.scope[REQUEST_SERVICES] = served
    return served


ServedDep = Annotated[Services, Depends(get_served)]


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


async def current_build(served: ServedDep) -> BuildInfo:
    return build_info(served.store)


CurrentBuild = Annotated[BuildInfo, Depends(current_build)]


async def current_view_context(request: Request, served: ServedDep, info: CurrentBuild) -> ViewContext:
    ctx = view_context(request, served, served.store, info)
    request.scope[_RESOLVED] = ctx  # the view's page uses the same (view_context_of)
    return ctx


CurrentViewContext = Annotated[ViewContext, Depends(current_view_context)]


def services_for(request: Request) -> Services:
    """The services a request was resolved with (REQUEST_SERVICES), else the app's."""
    return request_services(request.scope) or services_of(request.app)


_EDGE_PARTS = (get_services, get_store, get_served)


async def services_at_edge(scope: Scope) -> Services | None:
    """What `get_served` gives a request, for the short paths that answer before routing
    (api/fastpath.py): the app's services, or those with the parts `app.dependency_overrides`
    swaps in. None when an override takes parameters (dependencies of its own, which only
    routing resolves): the request then goes through routing."""
    app = scope["app"]
    services = services_of(app)
    overrides = app.dependency_overrides
    if not overrides:
        return services
    swapped = {part: overrides[part] for part in _EDGE_PARTS if part in overrides}
    if any(inspect.signature(swap).parameters for swap in swapped.values()):
        return None
    if get_served in swapped:
        served = await _call(swapped[get_served])
    else:
        if get_services in swapped:
            services = await _call(swapped[get_services])
        served = services.with_store(
            await _call(swapped[get_store]) if get_store in swapped else services.store
        )
    scope[REQUEST_SERVICES] = served
    return cast(Services, served)


async def _call(swap: Callable[[], Any]) -> Any:
    result = swap()
    return await result if inspect.isawaitable(result) else result


def view_context_of(request: Request) -> ViewContext:
    """The view context of a request, for code the dependencies do not reach (a view's page, drawn
    while rendering): the one the route resolved, else one from the app's services."""
    resolved = request.scope.get(_RESOLVED)
    if isinstance(resolved, ViewContext):
        return resolved
    services = services_for(request)
    return view_context(request, services, services.store, build_info(services.store))
