"""Query worker processes: users' SPARQL runs where it can be stopped.

pyoxigraph's Python API has no query timeout (oxigraph issue 1926) and a thread cannot be
killed, so each /sparql query runs in one of `settings.workers` worker processes. Each worker
opens the store itself (`open_store`, read-only for the embedded store, which reopens when a new
build is swapped in) and calls one store method per request. A query that passes its time limit
is stopped by killing its worker; a fresh worker takes its place while the others go on
answering. The same happens to a worker whose query needs more memory than
`settings.query_memory_mb`. A store that stops its own requests at a time limit (a remote SPARQL
server: `bounds_query_time`) needs none of this: its calls run on threads (`_Threads`).

The event loop watches every worker's pipe all the time (no thread per query, no registering
per request) and messages are length-prefixed pickles written and read with one system call
each way: on small machines system calls, not Python, are what a cheap query costs.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import resource
import signal
import struct
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from graph_build.config import Settings
from graph_build.store import EmbeddedStore, StoreTimeout, open_store
from graph_build.store.base import GraphStore, QueryError

from .allocator import jemalloc_preloaded
from .sandbox import deny_network
from .services.query_check import check_query, syntax_error

log = logging.getLogger("cspkg.api.pool")

_PRELOAD = [
    "graph_build.store",
    "graph_build.store.embedded",
    "graph_build.store.results",
    "api.services.query_check",
    "pyseccomp",
]
_CHECKED = {"raw"}  # the calls that run a client's query text: checked before they run
_HEADER = struct.Struct("!I")
MAIN, QUICK = "main", "quick"
_CHUNK = 1 << 16


class QueryTimeout(Exception):
    """The query ran past its time limit and its worker was stopped."""


class PoolBusy(Exception):
    """No worker became free within the longest wait (settings.queue_wait_s)."""


class ClientBusy(Exception):
    """The client already runs as many queries as one client may (settings.client_queries)."""


class WorkerCrashed(Exception):
    """The worker died while running the query (e.g. out of memory)."""


def _write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:  # a large message on a non-blocking pipe: wait until it drains
            os.set_blocking(fd, True)
            try:
                data = data[os.write(fd, data) :]
            finally:
                os.set_blocking(fd, False)


def _take_frame(buffer: bytearray) -> bytes | None:
    """The first whole message in the buffer (removed from it), or None."""
    if len(buffer) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack_from(buffer)
    if len(buffer) < _HEADER.size + size:
        return None
    payload = bytes(buffer[_HEADER.size : _HEADER.size + size])
    del buffer[: _HEADER.size + size]
    return payload


def _limit_memory(megabytes: int) -> None:
    """Cap the worker's heap: a query that would materialise more (ORDER BY over a cross product
    grows by hundreds of MB a second) fails its allocation and ends the worker, which is answered
    as WorkerCrashed, long before it can exhaust the machine's memory."""
    if megabytes > 0:
        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def call_store(store: Any, method: str, args: tuple, kwargs: dict) -> Any:
    """One store call; a client's query is checked first (api/services/query_check.py), and
    when the engine cannot read it, the check's grammar says where and what is wrong."""
    if method not in _CHECKED:
        return getattr(store, method)(*args, **kwargs)
    check_query(args[0])
    try:
        return getattr(store, method)(*args, **kwargs)
    except QueryError as exc:
        raise (syntax_error(args[0]) or exc) from None


def _worker_main(conn: Connection, settings: Settings, stderr: Connection) -> None:
    """A worker: cut off the network, open the store, then answer (store, method, args, kwargs)
    messages until EOF (store: None for the settings' store, else another embedded store's
    folder, opened on first use)."""
    os.dup2(stderr.fileno(), 2)  # what the engine says as it dies tells why (see crash_report)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    _limit_memory(settings.query_memory_mb)
    deny_network()  # before anything reads a query; logs loudly where it cannot
    stores: dict[str | None, GraphStore] = {None: open_store(settings)}
    fd = conn.fileno()
    buffer = bytearray()
    while True:
        payload = _take_frame(buffer)
        if payload is None:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                return
            buffer += chunk
            continue
        folder, method, args, kwargs = pickle.loads(payload)
        try:
            store = stores.get(folder) or stores.setdefault(folder, EmbeddedStore(Path(folder)))
            reply = ("ok", call_store(store, method, args, kwargs))
        except Exception as exc:  # noqa: BLE001 - any failure of the call is sent back and raised in the parent
            reply = ("error", exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - e.g. an exception that does not pickle
            data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        _write_frame(fd, data)


class _Worker:
    def __init__(self, ctx: ForkServerContext, settings: Settings, lane: str = "main") -> None:
        self.lane = lane
        self.conn, child = ctx.Pipe()
        self.stderr, child_stderr = ctx.Pipe(duplex=False)
        self.process = ctx.Process(
            target=_worker_main, args=(child, settings, child_stderr), daemon=True, name="cspkg-query-worker"
        )
        self.process.start()
        child.close()
        child_stderr.close()
        self.stderr_fd = self.stderr.fileno()
        os.set_blocking(self.stderr_fd, False)
        self.said = bytearray()  # the end of what the worker wrote to stderr
        self.fd = self.conn.fileno()
        os.set_blocking(self.fd, False)
        self.buffer = bytearray()
        self.pending: asyncio.Future | None = None

    def readable(self) -> None:
        """Event-loop callback: collect what the worker wrote; resolve the pending call."""
        error: Exception
        try:
            chunk = os.read(self.fd, _CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:
            chunk, error = b"", exc
        else:
            error = EOFError("the worker closed its pipe")
        if not chunk:
            if self.pending is not None and not self.pending.done():
                self.pending.set_exception(error)
            return
        self.buffer += chunk
        payload = _take_frame(self.buffer)
        if payload is not None and self.pending is not None and not self.pending.done():
            self.pending.set_result(payload)

    def stderr_readable(self) -> None:
        """Event-loop callback: pass on what the worker wrote to stderr (its log), keeping the end."""
        try:
            chunk = os.read(self.stderr_fd, _CHUNK)
        except (BlockingIOError, OSError):
            return
        if chunk:
            self.said = (self.said + chunk)[-8192:]
            for line in chunk.decode("utf-8", "replace").splitlines():
                if line.strip():
                    log.warning("query worker %s: %s", self.process.pid, line)

    def crash_report(self, exc: BaseException) -> str:
        """Why the worker died while running a query, from its exit status and its last words."""
        self.process.join(0.2)  # it has closed its pipe: it is dead or nearly so
        self.stderr_readable()
        said, code = self.said.decode("utf-8", "replace"), self.process.exitcode
        if "overflowed its stack" in said or code == -signal.SIGSEGV:
            return "the query is nested too deeply: its worker ran out of stack and was stopped"
        if "memory allocation" in said or isinstance(exc, MemoryError):
            return "the query needed more memory than the server allows and was stopped; narrow it"
        return f"the query worker stopped unexpectedly (exit status {code}, {type(exc).__name__})"

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        self.stderr.close()


class _Threads:
    """Store calls on threads, for a store that stops its own requests at a time limit (a remote
    server): nothing in this process needs killing. Threads, not processes: they wait on the network."""

    def __init__(self, store: GraphStore, size: int) -> None:
        self.store = store
        self.executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="cspkg-query")

    async def run(
        self, method: str, args: tuple, kwargs: dict, timeout: float, store: GraphStore | None = None
    ) -> Any:
        """The call on this pool's store, or on another that also bounds its own query time."""
        if store is not None and not store.bounds_query_time:
            raise ValueError(f"{store!r} cannot stop its own queries: it needs the query workers")
        call = partial(call_store, store or self.store, method, args, kwargs)
        try:
            return await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(self.executor, call), timeout
            )
        except (TimeoutError, StoreTimeout):
            raise QueryTimeout(
                f"the query ran longer than the {timeout:g} s time limit and was stopped"
            ) from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class QueryPool:
    """Worker processes in two lanes; `run` sends one store call to a free worker.

    The main lane (`settings.workers`) runs queries up to the time limit. The quick lane
    (`settings.quick_workers`) takes a query only when every main worker is busy, and only for
    `settings.quick_lane_s`: a query still running then is stopped, remembered as slow, and
    started again in the main lane. So however many slow queries hold the main lane, a cheap
    query waits at most about that long. A query waits at most `settings.queue_wait_s` for a
    worker (then PoolBusy: 503 with Retry-After), and one client address runs at most
    `settings.client_queries` at once (then ClientBusy: 429)."""

    def __init__(self, settings: Settings, size: int | None = None, timeout_s: float | None = None):
        self.settings = settings
        self.size = max(1, size or settings.workers)
        self.quick_size = settings.quick_workers
        self.timeout_s = timeout_s or settings.query_timeout_s
        self._own_folder = Path(settings.store_dir).resolve()
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(_PRELOAD)
        self._idle: dict[str, list[_Worker]] = {MAIN: [], QUICK: []}
        self._waiting: deque[tuple[tuple[str, ...], asyncio.Future]] = deque()
        self._slow: OrderedDict[str, None] = OrderedDict()  # queries that overran the quick lane
        self._clients: Counter[str] = Counter()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self.restarts = 0
        self._threads: _Threads | None = None
        self._started = False

    async def _start_worker(self, lane: str) -> _Worker:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(None, _Worker, self._ctx, self.settings, lane)
        loop.add_reader(worker.fd, worker.readable)
        loop.add_reader(worker.stderr_fd, worker.stderr_readable)
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        store = open_store(self.settings)
        if store.bounds_query_time:
            self._threads = _Threads(store, 4 * self.size)
            return
        with jemalloc_preloaded(
            self.settings.jemalloc
        ):  # the fork server starts a program: workers inherit it
            await asyncio.get_running_loop().run_in_executor(None, multiprocessing.forkserver.ensure_running)
        for lane, size in ((MAIN, self.size), (QUICK, self.quick_size)):
            for _ in range(size):
                self._release(await self._start_worker(lane))
        self._started = True

    async def close(self) -> None:
        if self._threads is not None:
            self._threads.close()
        for task in list(self._tasks):
            task.cancel()
        loop = asyncio.get_running_loop()
        for worker in list(self._all):
            loop.remove_reader(worker.fd)
            loop.remove_reader(worker.stderr_fd)
            await loop.run_in_executor(None, worker.stop)
        self._all.clear()

    async def run(
        self,
        method: str,
        *args: Any,
        timeout_s: float | None = None,
        client: str | None = None,
        store: GraphStore | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call `store.<method>(*args, **kwargs)` in a worker; raises what the store raised,
        QueryTimeout, PoolBusy, ClientBusy or WorkerCrashed. The store is the settings' unless
        another is given (an embedded store swapped in by a test's dependency override)."""
        timeout = timeout_s or self.timeout_s
        if self._threads is not None:
            return await self._threads.run(method, args, kwargs, timeout, store)
        assert self._started, "QueryPool.start() was not awaited"
        folder = self._folder_of(store)
        with self._client_slot(client):
            message = (folder, method, args, kwargs)
            key = hashlib.sha1(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
            quick_s = self.settings.quick_lane_s
            worker = await self._acquire((MAIN,) if key in self._slow else (MAIN, QUICK))
            if worker.lane == QUICK and timeout > quick_s:
                try:
                    return await self._run_on(worker, message, quick_s)
                except QueryTimeout:
                    self._remember_slow(key)
                worker = await self._acquire((MAIN,))
            return await self._run_on(worker, message, timeout)

    def _folder_of(self, store: GraphStore | None) -> str | None:
        """What a message names as its store: None for the settings' own, else an embedded
        store's folder (the workers open it themselves)."""
        if store is None or (
            isinstance(store, EmbeddedStore) and store.root == Path(self.settings.store_dir)
        ):
            return None
        if self._threads is None and isinstance(store, EmbeddedStore):
            return str(store.root)
        raise ValueError(
            f"the query workers run on {self.settings.store or self.settings.store_dir}, not {store!r}"
        )

    @contextmanager
    def _client_slot(self, client: str | None) -> Iterator[None]:
        if client is not None and self._clients[client] >= self.settings.client_queries:
            raise ClientBusy(
                f"this client already has {self._clients[client]} queries running "
                f"(at most {self.settings.client_queries} at once)"
            )
        if client is not None:
            self._clients[client] += 1
        try:
            yield
        finally:
            if client is not None:
                self._clients[client] -= 1
                if not self._clients[client]:
                    del self._clients[client]

    def _remember_slow(self, key: str) -> None:
        self._slow[key] = None
        if len(self._slow) > 4096:
            self._slow.popitem(last=False)

    async def _acquire(self, lanes: tuple[str, ...]) -> _Worker:
        """A free worker of one of the lanes (the first listed first), waiting in turn (FIFO) at
        most `settings.queue_wait_s`."""
        for lane in lanes:
            if self._idle[lane]:
                return self._idle[lane].pop()
        wait_s = self.settings.queue_wait_s
        handed: asyncio.Future = asyncio.get_running_loop().create_future()
        entry = (lanes, handed)
        self._waiting.append(entry)
        try:
            await asyncio.wait({handed}, timeout=wait_s)
        except asyncio.CancelledError:  # the request went away while waiting
            if handed.done():
                self._release(handed.result())  # handed over at that very moment: pass it on
            handed.cancel()
            raise
        finally:
            if entry in self._waiting:
                self._waiting.remove(entry)
        if not handed.done():
            handed.cancel()
            raise PoolBusy(f"every query worker stayed busy for {wait_s:g} s")
        worker: _Worker = handed.result()
        return worker

    def _release(self, worker: _Worker) -> None:
        """A worker is free: hand it to the longest-waiting request that takes its lane, or keep it."""
        for entry in self._waiting:
            lanes, handed = entry
            if worker.lane in lanes and not handed.done():
                self._waiting.remove(entry)
                handed.set_result(worker)
                return
        self._idle[worker.lane].append(worker)

    async def _run_on(self, worker: _Worker, message: tuple, timeout: float) -> Any:
        healthy = False
        try:
            status, value = pickle.loads(await self._call(worker, message, timeout))
            healthy = True
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran longer than the {timeout:g} s time limit and was stopped"
            ) from None
        except (EOFError, OSError) as exc:
            raise WorkerCrashed(worker.crash_report(exc)) from None
        finally:
            if healthy:
                self._release(worker)
            else:  # timed out, crashed or cancelled: the worker may still be busy, so replace it
                self._replace(worker)
        if status == "error":
            raise value
        return value

    async def _call(self, worker: _Worker, message: tuple, timeout: float) -> bytes:
        loop = asyncio.get_running_loop()
        worker.pending = ready = loop.create_future()

        def expire() -> None:
            if not ready.done():
                ready.set_exception(TimeoutError())

        timer = loop.call_later(timeout, expire)
        try:
            _write_frame(worker.fd, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            answer: bytes = await ready
            return answer
        finally:
            timer.cancel()
            worker.pending = None

    def _replace(self, worker: _Worker) -> None:
        self.restarts += 1
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        loop.remove_reader(worker.fd)
        loop.remove_reader(worker.stderr_fd)
        await loop.run_in_executor(None, worker.stop)
        self._release(await self._start_worker(worker.lane))
        log.info("query worker replaced (%d so far)", self.restarts)
