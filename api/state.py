"""The parts the API runs on, as one typed object: `Services`.

`create_app` makes one (`Services.from_settings`) and keeps it as `app.state.services`, the only
thing the app keeps in `app.state`. Routes ask for the parts they use through the dependencies in
api/deps.py (`deps.get_services`, `deps.get_store` ...), so a test can swap one part with
`app.dependency_overrides` or run a router without the rest of the app. Code that runs outside a
route (the middlewares answering before routing, api/fastpath.py; building views ahead,
api/warm.py; error pages) takes the object with `services_of(app)`.

>>> from graph_build.config import Settings
>>> services = Services.from_settings(Settings(store_dir="var/no-store-here"))
>>> services.store.build_info() is None  # an empty store folder holds no build
True
>>> services.pool is None  # the query worker processes start with the app (its lifespan)
True
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from graph_build.config import Settings
from graph_build.store import open_store
from graph_build.store.base import GraphStore

from .cache import ViewCache
from .services.description import StatisticsCache
from .views.base import KeptNames
from .views.vocab import VocabCache

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .pages.kept import PageCaches
    from .pool import QueryPool
    from .problems import Problem
    from .warm import ViewWarmer

VIEW_BUILDERS = max(2, os.cpu_count() or 2)  # views built at once per process: one per core
ANSWERS_CACHE_BYTES = 32 * 1024 * 1024  # repeatable SPARQL answers kept per build

ProblemPage = Callable[[Request, "Problem", dict[str, str]], Response | None]


def _page_caches() -> PageCaches:
    from .pages.kept import PageCaches  # imported here: api.pages imports this module

    return PageCaches()


@dataclass(eq=False)
class Services:
    """The store, the caches kept per build, and the workers of one app."""

    settings: Settings
    store: GraphStore
    vocab: VocabCache = field(default_factory=VocabCache)  # the ontology's labels
    names: KeptNames = field(default_factory=KeptNames)  # names found for resources
    statistics: StatisticsCache = field(default_factory=StatisticsCache)  # VoID counts
    views: ViewCache = field(default_factory=ViewCache)  # rendered views
    answers: ViewCache = field(default_factory=lambda: ViewCache(max_bytes=ANSWERS_CACHE_BYTES))
    pages: PageCaches = field(default_factory=_page_caches)  # the pages' counts and terms
    problem_page: ProblemPage | None = None  # errors as HTML pages (api/pages/errors.py)
    pool: QueryPool | None = None  # the query worker processes, while the app runs
    warmer: ViewWarmer | None = None  # building views ahead, when asked (api/warm.py)
    _view_builders: anyio.CapacityLimiter | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        """The parts the settings name: the store (embedded or remote) and empty caches."""
        return cls(
            settings=settings,
            store=open_store(settings),
            views=ViewCache(max_bytes=settings.view_cache_mb << 20),
        )

    @property
    def view_builders(self) -> anyio.CapacityLimiter:
        """How many views one process builds at once. Building is mostly Python, under the GIL: more
        threads than cores only take turns, and their switching costs throughput (the store's engine
        work runs without the GIL, see EmbeddedStore._evaluate). Made on first use: a limiter
        belongs to the event loop that runs the app."""
        if self._view_builders is None:
            self._view_builders = anyio.CapacityLimiter(VIEW_BUILDERS)
        return self._view_builders

    def with_store(self, store: GraphStore) -> Services:
        """These services over another store (a test's swap): the same caches, which key what they
        keep by build, and the same workers, which run each query on the store it names. The same
        object when the store is this one's."""
        return self if store is self.store else dataclasses.replace(self, store=store)

    @property
    def query_pool(self) -> QueryPool:
        """The query worker processes (started by the app's lifespan)."""
        if self.pool is None:
            raise RuntimeError("the query workers are not started: use the app inside its lifespan")
        return self.pool


# Where a request keeps the services its dependencies (or the short paths) resolved, for the code
# they do not reach: the rendering of a view and its page, an error page.
REQUEST_SERVICES = "cspkg.services"


def services_of(app: Starlette) -> Services:
    """The services of an app made by create_app (for code that runs outside a route)."""
    services = getattr(app.state, "services", None)
    assert isinstance(services, Services), "not an app made by api.app.create_app"
    return services


def request_services(scope: Scope) -> Services | None:
    """The services a request was answered with: those its dependencies resolved (with a part
    swapped by `app.dependency_overrides`), else its app's; None in an app not made by create_app
    whose routes resolved none (a test running one router)."""
    resolved = scope.get(REQUEST_SERVICES)
    if isinstance(resolved, Services):
        return resolved
    services = getattr(scope["app"].state, "services", None)
    return services if isinstance(services, Services) else None
