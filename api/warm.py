"""Body views prepared ahead: after the API starts and after each new build is served, the
JSON-LD view of every body is built in the background and kept (api/cache.py), so that the first
request for a body is answered from kept bytes instead of waiting for three store queries and
the shaping of a few hundred statements (~5 ms of CPU at 1M triples).

Views are prepared by asking the app itself (in-process, no socket) for `GET /bodies/{key}` at
the address clients use (`settings.public_url`), so they are built and kept exactly as a client's
request would be. One view is built at a time, and none while requests of clients are being built
(they share the view builders, api/routes/views.py). Progress is in `/status`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import anyio
import httpx
from fastapi import FastAPI

from graph_build.store import StoreUnavailable

from .queries import load
from .state import services_of

log = logging.getLogger("cspkg.api.warm")

JSONLD = "application/ld+json"
POLL_S = 2.0  # how often a new build is looked for
YIELD_S = 0.005  # how long to wait while requests of clients are being built


@dataclass
class Progress:
    build_id: str | None = None
    prepared: int = 0
    total: int = 0
    done: bool = False
    failed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "build_id": self.build_id,
            "prepared": self.prepared,
            "of": self.total,
            "done": self.done,
            "failed": len(self.failed),
        }


class ViewWarmer:
    """Prepares the body views of each build served, for one base URL (see the module docstring)."""

    def __init__(self, app: FastAPI, base_url: str) -> None:
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.progress = Progress()

    async def run(self) -> None:
        """Until cancelled: prepare the views of the served build whenever a new one is seen."""
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)  # a failure is a 500
        async with httpx.AsyncClient(
            transport=transport, base_url=self.base_url, headers={"accept": JSONLD}, timeout=None
        ) as client:
            while True:
                build_id = self._served()
                if build_id is not None and not (self.progress.build_id == build_id and self.progress.done):
                    try:
                        await self._prepare(client, build_id)
                    except StoreUnavailable:
                        pass  # tried again once the store answers
                    except Exception:  # not tried again for this build: requests build views as usual
                        log.exception("building views ahead stopped")
                        self.progress.done = True
                await asyncio.sleep(POLL_S)

    def _served(self) -> str | None:
        try:
            info = services_of(self.app).store.build_info()
        except StoreUnavailable:
            return None
        return info.build_id if info is not None else None

    async def _prepare(self, client: httpx.AsyncClient, build_id: str) -> None:
        services = services_of(self.app)
        self.progress = progress = Progress(build_id)
        rows = await anyio.to_thread.run_sync(services.store.select, load("bodies_list"))
        prefix = services.settings.id_base + "body/"
        keys = [str(r["body"])[len(prefix) :] for r in rows if str(r["body"]).startswith(prefix)]
        progress.total = len(keys)
        builders = services.view_builders
        for key in keys:
            while builders.borrowed_tokens:  # clients' views first
                await asyncio.sleep(YIELD_S)
            if self._served() != build_id:
                return  # a newer build is served: start again with it
            if progress.prepared and services.views.nearly_full:  # (full of this build's views)
                log.warning(
                    "the view cache is nearly full after %d body views: building no more ahead "
                    "(CSPKG_VIEW_CACHE_MB)",
                    progress.prepared,
                )
                break
            response = await client.get(f"/bodies/{key}")
            if response.status_code != 200:
                progress.failed.append(key)
                log.warning("preparing /bodies/%s gave %s", key, response.status_code)
            progress.prepared += 1
        progress.done = True
        log.info("prepared %d of %d body views of build %s", progress.prepared, progress.total, build_id)
