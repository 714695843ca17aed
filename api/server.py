"""Serving the API: uvicorn on httptools, in one process or several.

With several HTTP workers each process binds its own socket to the same port with SO_REUSEPORT,
so the kernel spreads connections evenly over them (a shared listening socket lets one busy
worker take most keep-alive connections). Each worker has its own query pool (settings.workers
processes). A supervisor restarts workers that die and stops them all on SIGINT / SIGTERM.

    python -m api.server --port 8000 --http-workers 2     # settings from CSPKG_* variables
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph_build.config import Settings, get_settings

from .allocator import jemalloc_preloaded

log = logging.getLogger("cspkg.api.server")


def _config(settings: Settings, host: str, port: int, log_level: str, access_log: bool) -> uvicorn.Config:
    from .app import create_app

    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        http=guarded_protocol(settings.header_timeout_s, settings.body_timeout_s),
        log_level=log_level,
        access_log=access_log,
        timeout_keep_alive=30,
    )


def guarded_protocol(header_timeout_s: float, body_timeout_s: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with read deadlines: a connection that does not send a
    request's headers within `header_timeout_s` of connecting (or of the previous response), or
    its body within `body_timeout_s` of the headers, is closed (an idle kept-alive connection is
    closed by uvicorn's keep-alive timeout). Without them a client that opens
    connections and trickles bytes (slowloris) holds them open for ever."""

    class Guarded(HttpToolsProtocol):
        deadline: asyncio.TimerHandle | None = None

        def _expect(self, seconds: float | None) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = self.loop.call_later(seconds, self._too_slow) if seconds else None

        def _too_slow(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._expect(header_timeout_s)

        def on_message_begin(self) -> None:  # the first byte of a request on a kept-alive connection
            super().on_message_begin()
            if self.deadline is None:
                self._expect(header_timeout_s)

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._expect(body_timeout_s)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._expect(None)

        def connection_lost(self, exc: Exception | None) -> None:
            self._expect(None)
            super().connection_lost(exc)

    return Guarded


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(settings: Settings, host: str, port: int, log_level: str, access_log: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor sends SIGTERM
    sock = _reuseport_socket(host, port)
    uvicorn.Server(_config(settings, host, port, log_level, access_log)).run(sockets=[sock])


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    http_workers: int = 1,
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Serve until interrupted; `http_workers` > 1 runs that many uvicorn processes on one port."""
    host, port = host or settings.host, port or settings.port
    settings = with_public_url(settings, host, port)
    if http_workers <= 1:
        uvicorn.Server(_config(settings, host, port, log_level, access_log)).run()
        return
    ctx = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        proc = ctx.Process(
            target=_worker, args=(settings, host, port, log_level, access_log), name="cspkg-http"
        )
        with jemalloc_preloaded(settings.jemalloc):  # views evaluate queries in the HTTP processes too
            proc.start()
        return proc

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    procs = [start() for _ in range(http_workers)]
    try:
        while not stopping:
            time.sleep(0.5)
            for i, proc in enumerate(procs):
                if not proc.is_alive() and not stopping:
                    log.warning("HTTP worker %s exited with %s; starting another", proc.pid, proc.exitcode)
                    procs[i] = start()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(15)
            if proc.is_alive():
                proc.kill()


def with_public_url(settings: Settings, host: str, port: int) -> Settings:
    """Settings naming the URL clients reach the server at: CSPKG_PUBLIC_URL, else the address
    served (not a wildcard address, which clients do not use)."""
    if settings.public_url or host in ("0.0.0.0", "::", ""):
        return settings
    return settings.model_copy(update={"public_url": f"http://{f'[{host}]' if ':' in host else host}:{port}"})


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the cspkg API (settings from CSPKG_* variables).")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--http-workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args()
    serve(
        get_settings(),
        args.host,
        args.port,
        http_workers=args.http_workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
    )


if __name__ == "__main__":
    main()
