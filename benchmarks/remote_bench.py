"""Loopback load benchmark of the API on a remote store beside the embedded store: the same
build, the same requests, in the same run.

    .venv/bin/python benchmarks/remote_bench.py                          # ~100k synthetic triples
    .venv/bin/python benchmarks/remote_bench.py --duration 10 --connections 1,16
    .venv/bin/python benchmarks/remote_bench.py --dataset-per-query      # the portable dataset mode

The build is made once into the embedded store, then published into an `oxigraph serve`
(read-write) with RemoteStore.publish, which is timed. Two APIs run side by side (`python -m
api.server`, the same processes and settings), one on each store; the server runs with
`--union-default-graph` and CSPKG_STORE_UNION_DEFAULT_GRAPH=true unless --dataset-per-query. The
client, the scenarios and the figures are those of benchmarks/api_bench.py: requests/s, p50 and
p99, and here the ratio remote / embedded. The views are measured as the API serves them (from
its view cache, kept per build) and rendered afresh ("uncached": every request queries the
store). Figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_bench import (
    JSON_RESULTS,
    ROOT,
    SPARQL,
    free_port,
    load,
    prepare,
    sample_ids,
    start_api,
    stop,
    wait_http,
)


def start_oxigraph(location: Path, port: int, union_default_graph: bool) -> subprocess.Popen:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph binary is missing: pip install oxigraph")
    args = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        args + (["--union-default-graph"] if union_default_graph else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(port, "/query?query=" + quote("ASK {}"), proc)
    return proc


def publish_remote(store_dir: Path, ox_port: int, union_default_graph: bool) -> float:
    """Load the embedded build into the server as `cspkg build` would; returns the seconds it took."""
    from graph_build.store import EmbeddedStore, RemoteStore
    from graph_build.store.terms import to_rdflib

    embedded = EmbeddedStore(store_dir)
    graphs = defaultdict(list)
    for q in embedded.store().quads_for_pattern(None, None, None, None):
        graphs[to_rdflib(q.graph_name)].append(
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        )
    remote = RemoteStore(
        f"http://127.0.0.1:{ox_port}/query",
        update_url=f"http://127.0.0.1:{ox_port}/update",
        graph_base="https://w3id.org/cspkg/graph/",
        union_default_graph=union_default_graph,
    )
    started = time.perf_counter()
    remote.publish(dict(graphs), embedded.build_info())
    return time.perf_counter() - started


def start_remote_api(ox_port: int, data_dir: Path, port: int, args) -> subprocess.Popen:
    env = {
        **os.environ,
        "CSPKG_STORE": f"http://127.0.0.1:{ox_port}/query",
        "CSPKG_STORE_UPDATE": f"http://127.0.0.1:{ox_port}/update",
        "CSPKG_STORE_UNION_DEFAULT_GRAPH": "false" if args.dataset_per_query else "true",
        "CSPKG_DATA_DIR": str(data_dir),
        "CSPKG_WORKERS": str(args.query_workers),
        "CSPKG_QUERY_TIMEOUT_S": "10",
        "CSPKG_RESULT_LIMIT": "10000",
    }
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
            str(args.uvicorn_workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    wait_http(port, "/status", proc)
    return proc


def scenarios(bodies: list[str], csps: list[str], rng: random.Random) -> dict:
    """name → (targets, accept): api_bench's SPARQL queries and REST views."""
    out = {}
    for name, make in SPARQL.items():
        out[f"sparql {name}"] = (
            lambda make=make: "/sparql?" + urlencode({"query": make(rng.choice(bodies), rng.choice(csps))}),
            JSON_RESULTS,
        )
    keys = [b.rsplit("/", 1)[-1] for b in bodies]
    csp_keys = [b.rsplit("/", 1)[-1] for b in csps]
    out["view body"] = (lambda: f"/bodies/{rng.choice(keys)}", "application/ld+json")
    out["view accountability"] = (
        lambda: f"/bodies/{rng.choice(csp_keys)}/accountability",
        "application/ld+json",
    )
    out["view bodies list"] = (
        lambda: (
            "/bodies?"
            + urlencode({"type": "CommunitySafetyPartnership", "per_page": 20, "page": rng.randint(1, 2)})
        ),
        "application/ld+json",
    )
    # the same views rendered afresh each time: a parameter the views ignore keeps them out of the view cache
    for name in ("view body", "view accountability", "view bodies list"):
        targets, accept = out[name]
        out[f"{name} uncached"] = (lambda targets=targets: _uncached(targets(), rng), accept)
    return out


def _uncached(path: str, rng: random.Random) -> str:
    return f"{path}{'&' if '?' in path else '?'}_={rng.getrandbits(64)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a data folder to build (default: synthetic data)")
    parser.add_argument("--triples", type=int, default=100_000, help="size of the synthetic data")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", default="1,16", help="comma-separated connection counts")
    parser.add_argument("--uvicorn-workers", type=int, default=1)
    parser.add_argument("--query-workers", type=int, default=2, help="CSPKG_WORKERS of each uvicorn worker")
    parser.add_argument(
        "--dataset-per-query",
        action="store_true",
        help="name the build's graphs in every query instead of the server's union default graph",
    )
    args = parser.parse_args()
    args.workdir = None
    conns = [int(c) for c in args.connections.split(",")]
    union = not args.dataset_per_query

    work = Path(tempfile.mkdtemp(prefix="cspkg-remote-bench-"))
    procs = []
    try:
        data, store_dir = prepare(args, work)
        bodies, csps = sample_ids(store_dir)
        ox_port, embedded_port, remote_port = free_port(), free_port(), free_port()
        procs.append(start_oxigraph(work / "oxigraph", ox_port, union))
        print(
            f"published into oxigraph serve in {publish_remote(store_dir, ox_port, union):.1f}s", flush=True
        )
        procs.append(start_api(store_dir, data, embedded_port, args.uvicorn_workers, args.query_workers))
        procs.append(start_remote_api(ox_port, data, remote_port, args))
        rows = []
        for name, (targets, accept) in scenarios(bodies, csps, random.Random(1)).items():
            for n in conns:
                pair = []
                for server, port in (("embedded", embedded_port), ("remote", remote_port)):
                    stats = asyncio.run(
                        load("127.0.0.1", port, targets, accept, n, args.duration, args.warmup)
                    )
                    print(
                        f"  {name:<30} {server:<9} {n:>3} conns {stats.rps:9.1f} req/s  p50 {stats.pct(50):7.2f} ms"
                        f"  p99 {stats.pct(99):7.2f} ms  errors {stats.errors}",
                        flush=True,
                    )
                    pair.append(stats)
                rows.append((name, n, *pair))
        report(rows, args)
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def report(rows, args) -> None:
    mode = "dataset named per query" if args.dataset_per_query else "server union default graph"
    print(f"\nremote = oxigraph serve ({mode}); figures are noisy on a shared machine\n")
    print(
        f"{'scenario':<30} {'conns':>5} {'embedded req/s':>15} {'p50':>7} {'p99':>7} {'remote req/s':>13} "
        f"{'p50':>7} {'p99':>7} {'remote/embedded':>16} {'errors':>6}"
    )
    for name, n, emb, rem in rows:
        ratio = rem.rps / emb.rps if emb.rps else float("nan")
        print(
            f"{name:<30} {n:>5} {emb.rps:15.1f} {emb.pct(50):7.2f} {emb.pct(99):7.2f} {rem.rps:13.1f} "
            f"{rem.pct(50):7.2f} {rem.pct(99):7.2f} {ratio:15.0%} {emb.errors + rem.errors:>6}"
        )


if __name__ == "__main__":
    main()
