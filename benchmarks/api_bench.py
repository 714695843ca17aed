"""Loopback load benchmark of the API: /sparql against a bare `oxigraph serve-read-only` on the
same store and queries, in the same run, and the REST views.

    .venv/bin/python benchmarks/api_bench.py                    # synthetic data, ~100k triples
    .venv/bin/python benchmarks/api_bench.py --data data        # the curated data instead
    .venv/bin/python benchmarks/api_bench.py --triples 1000000 --workdir /tmp/bench-1m \
        --duration 5 --engine-duration 20 --engine-warmup 5     # keeps the 1M data and store for reruns
    .venv/bin/python benchmarks/api_bench.py --workdir /tmp/bench-1m --only "lookup,view body"

Both servers read the same build folder. The API runs as it would at scale (`python -m api.server
--http-workers 2`): two uvicorn processes on httptools, each on its own SO_REUSEPORT socket and
with CSPKG_WORKERS query processes; Oxigraph with
--union-default-graph so that both answer the same queries the same way. A small asyncio
HTTP/1.1 client keeps N keep-alive connections busy for a fixed time (bounded: duration and a
per-request timeout) and reports requests/s, p50 and p99 latency, the ratio to the bare
server, and the CPU time the server's processes spent per answer (other load on a shared machine
moves throughput and tail latency a lot, CPU per answer much less). Targets: cheap lookups at 16
connections >= 40 % of the bare server's throughput; engine-bound queries within 10 %; the REST
view of one body p99 < 30 ms at 16 connections. The API builds every body's JSON-LD view ahead
(api/warm.py) and the benchmark waits for that, as a load balancer would: `view body` asks for
any body, `view body hot` for 100 of them, and `view body as-at` for any body as at a random day,
which is never built ahead and so measures building a view on request. Answers are kept per
build, so `sparql lookup` (a few thousand different queries, asked again and again) is mostly
answered from kept answers once warm; the `distinct` scenarios ask every query once (a numbered
comment) and so measure the query path and the engine themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROLOGUE = (
    "PREFIX csp: <https://w3id.org/cspkg/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX org: <http://www.w3.org/ns/org#> "
)
JSON_RESULTS = "application/sparql-results+json"


# -- a minimal HTTP/1.1 keep-alive client ------------------------------------------------------
class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def get(self, target: str, accept: str) -> tuple[int, bytes]:
        assert self.reader and self.writer
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: {accept}\r\n"
            f"Accept-Encoding: identity\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b""):
                        pass
                    break
                parts.append(await self.reader.readexactly(size + 2))
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            await self.open()
        return status, body

    def close(self) -> None:
        if self.writer:
            self.writer.close()


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    requests: int = 0  # answered during warm-up and measurement
    completed: int = 0  # answered within the measured seconds (whenever sent)
    server_cpu: float = 0.0  # CPU seconds the server's processes used meanwhile

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per answer: unlike req/s, barely moved by other load on the machine."""
        return self.server_cpu / self.requests * 1000 if self.requests else float("nan")

    @property
    def rps(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def load(
    host: str,
    port: int,
    targets: Callable[[], str],
    accept: str,
    connections: int,
    duration: float,
    warmup: float,
    timeout: float = 30.0,
) -> Stats:
    """Keep `connections` connections busy for warmup + duration seconds; measure the duration."""
    stats = Stats()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration

    async def one() -> None:
        conn = Connection(host, port)
        await conn.open()
        try:
            while (now := time.perf_counter()) < stop_at:
                target = targets()
                try:
                    status, _ = await asyncio.wait_for(conn.get(target, accept), timeout)
                except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                    stats.errors += 1
                    conn.close()
                    await conn.open()
                    continue
                done = time.perf_counter()
                stats.requests += 1
                stats.completed += measure_from <= done <= stop_at
                if now >= measure_from:  # latency of requests sent after the warm-up
                    stats.latencies.append(done - now)
                    if status != 200:
                        stats.errors += 1
        finally:
            conn.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    stats.seconds = duration
    return stats


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


# -- servers ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port: int, path: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def start_oxigraph(location: Path, port: int) -> subprocess.Popen:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph binary is missing: pip install oxigraph")
    proc = subprocess.Popen(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],  # (--timeout-s makes 0.5.x fail under load: EAGAIN)
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(port, "/query?query=" + quote("ASK {}"), proc)
    return proc


def api_env(store_dir: Path, data_dir: Path, query_workers: int) -> dict[str, str]:
    env = {
        **os.environ,
        "CSPKG_STORE_DIR": str(store_dir),
        "CSPKG_DATA_DIR": str(data_dir),
        "CSPKG_WORKERS": str(query_workers),
        "CSPKG_QUERY_TIMEOUT_S": "10",
        "CSPKG_RESULT_LIMIT": "10000",
    }
    env.pop("CSPKG_STORE", None)
    return env


def start_api(
    store_dir: Path, data_dir: Path, port: int, workers: int, query_workers: int
) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--http-workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=api_env(store_dir, data_dir, query_workers),
    )
    wait_http(port, "/status", proc)
    wait_prepared(port, workers, proc)
    return proc


def start_inline_api(store_dir: Path, data_dir: Path, port: int, workers: int) -> subprocess.Popen:
    """The API with /sparql queries on the event loop (benchmarks/inline_app.py): what the hop to a
    query worker costs. Never to be served: its queries cannot be stopped."""
    env = {**api_env(store_dir, data_dir, 0), "CSPKG_PREPARE_VIEWS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.inline_app", "--port", str(port), "--http-workers", str(workers)],
        cwd=ROOT,
        env=env,
    )
    wait_http(port, "/status", proc)
    return proc


def wait_prepared(port: int, workers: int, proc: subprocess.Popen, timeout: float = 600) -> None:
    """Wait until every HTTP worker has built its body views ahead (api/warm.py), as a load
    balancer would wait for readiness; prints how long that took."""
    import urllib.request

    started, ready = time.monotonic(), set()
    while len(ready) < workers and time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as answer:
            status = json.load(answer)
        prepared = status.get("prepared_views")
        if prepared is None:
            return  # not preparing (CSPKG_PREPARE_VIEWS=false)
        if prepared["done"]:
            ready.add(status["process"])
        else:
            time.sleep(0.2)
    print(
        f"body views built ahead by {len(ready)} HTTP worker(s) in {time.monotonic() - started:.1f} s",
        flush=True,
    )


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- data -------------------------------------------------------------------------------------------
def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    from graph_build.store import EmbeddedStore

    store_dir = work / "store"
    if args.data:
        data = Path(args.data).resolve()
    else:
        from benchmarks.synth import generate

        data = work / "data"
        if EmbeddedStore(store_dir).build_info() is not None:  # a kept --workdir: built before
            print(f"reusing the store built in {work}", flush=True)
            return data, store_dir
        print(f"generating ~{args.triples:,} synthetic triples ...", flush=True)
        generate(data, args.triples)
    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.progress import Reporter

    started = time.perf_counter()
    pipeline.build(
        Settings(data_dir=data, store_dir=store_dir, store=None), EmbeddedStore(store_dir), Reporter()
    )
    print(f"built {data} in {time.perf_counter() - started:.1f}s", flush=True)
    return data, store_dir


def sample_ids(store_dir: Path) -> tuple[list[str], list[str]]:
    from graph_build.store import EmbeddedStore

    db = EmbeddedStore(store_dir)
    bodies = [str(r["b"]) for r in db.select("SELECT DISTINCT ?b WHERE { ?b a csp:Body } ORDER BY ?b")]
    csps = [
        str(r["b"])
        for r in db.select("SELECT DISTINCT ?b WHERE { ?b a csp:CommunitySafetyPartnership } ORDER BY ?b")
    ]
    return bodies, csps or bodies


# -- the run ----------------------------------------------------------------------------------------
@dataclass
class Row:
    scenario: str
    server: str
    connections: int
    stats: Stats
    ratio: float | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a data folder to build (default: synthetic data)")
    parser.add_argument("--triples", type=int, default=100_000, help="size of the synthetic data")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per scenario")
    parser.add_argument(
        "--engine-duration",
        type=float,
        default=0.0,
        help="seconds measured for engine-bound queries, when longer than --duration",
    )
    parser.add_argument(
        "--engine-warmup",
        type=float,
        default=0.0,
        help="warm-up for engine-bound queries, when longer than --warmup",
    )
    parser.add_argument("--connections", default="1,16", help="comma-separated connection counts")
    parser.add_argument("--uvicorn-workers", type=int, default=2)
    parser.add_argument("--query-workers", type=int, default=2, help="CSPKG_WORKERS of each uvicorn worker")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--only",
        help="comma-separated words: run only the scenarios whose name holds one (e.g. 'lookup,view body')",
    )
    parser.add_argument(
        "--inline-baseline",
        action="store_true",
        help="also measure /sparql with queries run on the event loop, without worker processes "
        "(no time limit: shows what the worker hop costs)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the synthetic data and store here, and reuse them when present (one per size)",
    )
    args = parser.parse_args()
    conns = [int(c) for c in args.connections.split(",")]

    work = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="cspkg-api-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data, store_dir = prepare(args, work)
        location = (store_dir / "current").resolve()
        bodies, csps = sample_ids(store_dir)
        rng = random.Random(1)
        ox_port, api_port = free_port(), free_port()
        oxigraph = start_oxigraph(location, ox_port)
        print(f"oxigraph on {ox_port}, api on {api_port}", flush=True)
        api = start_api(store_dir, data, api_port, args.uvicorn_workers, args.query_workers)
        inline_port = free_port() if args.inline_baseline else None
        inline = start_inline_api(store_dir, data, inline_port, args.uvicorn_workers) if inline_port else None
        try:
            pids = {ox_port: oxigraph.pid, api_port: api.pid, **({inline_port: inline.pid} if inline else {})}
            rows = run(args, conns, bodies, csps, rng, ox_port, api_port, pids, inline_port)
        finally:
            for proc in (inline, api, oxigraph):
                if proc is not None:
                    stop(proc)
        report(rows, args, len(bodies))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


_ASKED = itertools.count()


def lookup(body: str, csp: str) -> str:
    return f"{PROLOGUE}SELECT ?name WHERE {{ <{body}> skos:prefLabel ?name }}"


def path(body: str, csp: str) -> str:
    return (
        f"{PROLOGUE}SELECT ?holder ?name WHERE {{ <{body}> (^csp:oversees)+ ?holder "
        f"OPTIONAL {{ ?holder skos:prefLabel ?name }} }}"
    )


def engine(body: str, csp: str) -> str:
    return (
        f"{PROLOGUE}SELECT ?csp (COUNT(DISTINCT ?m) AS ?members) WHERE {{ ?csp a "
        f"csp:CommunitySafetyPartnership . ?ms org:organization ?csp ; org:member ?m }} GROUP BY ?csp"
    )


def distinct(make: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """The same query, each time asked once (a numbered comment): no answer kept for the build serves it."""
    return lambda body, csp: f"{make(body, csp)} # {next(_ASKED)}"


SPARQL = {
    "lookup": lookup,  # repeated, as clients do: served from kept answers once warm
    "lookup distinct": distinct(lookup),  # the query path itself
    "path distinct": distinct(path),
    "engine distinct": distinct(engine),  # engine-bound: hundreds of ms at 1M triples
}


ENGINE_BOUND = {"sparql engine distinct"}


def run(
    args, conns, bodies, csps, rng, ox_port, api_port, pids: dict[int, int], inline_port: int | None = None
) -> list[Row]:
    rows: list[Row] = []

    def measure(scenario, server, port, targets, accept, n):
        # engine-bound queries take long at 1M triples: give them time for many answers
        slow = scenario in ENGINE_BOUND
        duration = max(args.duration, args.engine_duration) if slow else args.duration
        warmup = max(args.warmup, args.engine_warmup) if slow else args.warmup
        cpu_before = tree_cpu_seconds(pids[port])
        stats = asyncio.run(load("127.0.0.1", port, targets, accept, n, duration, warmup))
        stats.server_cpu = tree_cpu_seconds(pids[port]) - cpu_before
        print(
            f"  {scenario:<22} {server:<9} {n:>3} conns  {stats.rps:9.1f} req/s  p50 {stats.pct(50):7.2f} ms  "
            f"p99 {stats.pct(99):7.2f} ms  cpu {stats.cpu_ms_per_request:6.3f} ms/req  errors {stats.errors}",
            flush=True,
        )
        return stats

    wanted = [w.strip() for w in args.only.split(",")] if args.only else None

    def chosen(scenario: str) -> bool:
        return wanted is None or any(w in scenario for w in wanted)

    for name, make in SPARQL.items():
        if not chosen(f"sparql {name}"):
            continue
        for n in conns:

            def api_target(make=make):
                return "/sparql?" + urlencode({"query": make(rng.choice(bodies), rng.choice(csps))})

            def ox_target(make=make):
                return "/query?" + urlencode({"query": make(rng.choice(bodies), rng.choice(csps))})

            bare = measure(f"sparql {name}", "oxigraph", ox_port, ox_target, JSON_RESULTS, n)
            rows.append(Row(f"sparql {name}", "oxigraph", n, bare))
            ours = measure(f"sparql {name}", "cspkg", api_port, api_target, JSON_RESULTS, n)
            rows.append(Row(f"sparql {name}", "cspkg", n, ours, ours.rps / bare.rps if bare.rps else None))
            if inline_port and f"sparql {name}" not in ENGINE_BOUND:  # (they would hold up the event loop)
                inline = measure(f"sparql {name}", "inline", inline_port, api_target, JSON_RESULTS, n)
                rows.append(
                    Row(f"sparql {name}", "inline", n, inline, inline.rps / bare.rps if bare.rps else None)
                )

    keys = [b.rsplit("/", 1)[-1] for b in bodies]
    hot = random.Random(2).sample(keys, min(100, len(keys)))
    csp_keys = [b.rsplit("/", 1)[-1] for b in csps]
    views = {
        "view body": lambda: f"/bodies/{rng.choice(keys)}",  # any body: mostly built, not kept, at 1M
        "view body hot": lambda: f"/bodies/{rng.choice(hot)}",  # 100 bodies: kept after the warm-up
        # as at a day: not built ahead, so built on request (the cost of a body view itself)
        "view body as-at": lambda: f"/bodies/{rng.choice(keys)}?as_at={rng.randint(2000, 2024)}-06-30",
        "view accountability": lambda: f"/bodies/{rng.choice(csp_keys)}/accountability",
        "view bodies list": lambda: (
            "/bodies?"
            + urlencode({"type": "CommunitySafetyPartnership", "per_page": 20, "page": rng.randint(1, 2)})
        ),
    }
    for name, targets in views.items():
        if not chosen(name):
            continue
        for n in conns:
            rows.append(
                Row(name, "cspkg", n, measure(name, "cspkg", api_port, targets, "application/ld+json", n))
            )
    return rows


def report(rows: list[Row], args, n_bodies: int) -> None:
    print()
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'scenario':<22} {'server':<9} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>10} "
        f"{'errors':>6} {'vs bare':>8}"
    )
    for r in rows:
        ratio = f"{r.ratio * 100:6.0f} %" if r.ratio is not None else ""
        print(
            f"{r.scenario:<22} {r.server:<9} {r.connections:>5} {r.stats.rps:9.1f} {r.stats.pct(50):8.2f} "
            f"{r.stats.pct(99):8.2f} {r.stats.cpu_ms_per_request:10.3f} {r.stats.errors:>6} {ratio:>8}"
        )
    checks = []
    for r in rows:
        if r.server == "cspkg" and r.connections == 16 and r.ratio is not None:
            target = 0.9 if r.scenario in ENGINE_BOUND else 0.4
            checks.append((f"{r.scenario} at 16 connections >= {target:.0%} of bare", r.ratio >= target))
        if r.scenario.startswith("view body") and r.connections == 16:
            checks.append((f"{r.scenario} p99 < 30 ms at 16 connections", r.stats.pct(99) < 30))
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "scenario": r.scenario,
                        "server": r.server,
                        "connections": r.connections,
                        "rps": r.stats.rps,
                        "p50_ms": r.stats.pct(50),
                        "p99_ms": r.stats.pct(99),
                        "cpu_ms_per_request": r.stats.cpu_ms_per_request,
                        "errors": r.stats.errors,
                        "ratio": r.ratio,
                    }
                    for r in rows
                ],
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
