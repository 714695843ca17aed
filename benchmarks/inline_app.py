"""For benchmarks/api_bench.py --inline-baseline only: the API served as `cspkg serve` serves it
(api/server.py), but with /sparql queries run on the event loop instead of in worker processes.
Such a query cannot be stopped (no time limit, and it holds up every other request of its
process), so this is never to be served: it measures what the worker hop costs.

    python -m benchmarks.inline_app --port 8001 --http-workers 2    # settings from CSPKG_*
"""

from __future__ import annotations

import argparse

import api.app
from graph_build.config import get_settings
from graph_build.store import open_store


class InlineQueries:
    """QueryPool's interface, calling the store in the caller's thread."""

    def __init__(self, settings):
        self.settings = settings
        self.store = None

    async def start(self) -> None:
        self.store = open_store(self.settings)

    async def run(self, method: str, *args, timeout_s: float | None = None, **kwargs):
        return getattr(self.store, method)(*args, **kwargs)

    async def close(self) -> None:
        pass


# At import, so in the HTTP worker processes too (they import the main module again).
api.app.QueryPool = InlineQueries

if __name__ == "__main__":
    from api.server import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--http-workers", type=int, default=2)
    args = parser.parse_args()
    serve(
        get_settings(),
        "127.0.0.1",
        args.port,
        http_workers=args.http_workers,
        log_level="warning",
        access_log=False,
    )
