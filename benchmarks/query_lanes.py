"""How long a cheap /sparql query waits while slow ones run: one lane (the baseline: every worker
may be held by a slow query, and a query waits for a worker up to the time limit) against the
quick lane (api/pool.py), in the same run, on the same store.

    .venv/bin/python benchmarks/query_lanes.py                  # synthetic data, ~100k triples
    .venv/bin/python benchmarks/query_lanes.py --slow 2,4 --window 8

For each configuration and each number N of slow queries (a cross product stopped at the time
limit, sent at once from other clients), one client asks fresh cheap lookups one after another
for `--window` seconds and the script prints their latency (p50, p95, max), how many were
answered 200 and how many 503, and the ratio of the p95 to the baseline's. Loopback only;
bounded in count and time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_bench import free_port, prepare, stop, wait_http

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "SELECT ?s WHERE { ?s a ?t } LIMIT 1"
CONFIGS = {
    "one lane (baseline)": {"CSPKG_QUICK_WORKERS": "0", "CSPKG_QUEUE_WAIT_S": "10"},
    "quick lane": {"CSPKG_QUICK_WORKERS": "1", "CSPKG_QUICK_LANE_S": "1", "CSPKG_QUEUE_WAIT_S": "2"},
}
_ASKED = itertools.count()


def start(store_dir: Path, data_dir: Path, extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "CSPKG_STORE_DIR": str(store_dir),
        "CSPKG_DATA_DIR": str(data_dir),
        "CSPKG_WORKERS": "2",
        "CSPKG_QUERY_TIMEOUT_S": "10",
        "CSPKG_PREPARE_VIEWS": "false",
        "CSPKG_CLIENT_QUERIES": "1000",
        **extra,
    }
    env.pop("CSPKG_STORE", None)
    command = [sys.executable, "-m", "api.server", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command + ["--no-access-log", "--log-level", "error"], cwd=ROOT, env=env)
    wait_http(port, "/status", proc)
    return proc, f"http://127.0.0.1:{port}"


def measure(base: str, slow: int, window: float) -> dict[str, float]:
    """Cheap-query latencies (ms) while `slow` slow queries run."""
    threads = [
        threading.Thread(
            target=lambda: httpx.get(
                base + "/sparql", params={"query": f"{SLOW} # {next(_ASKED)}"}, timeout=40
            )
        )
        for _ in range(slow)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    latencies, statuses = [], []
    deadline = time.monotonic() + window
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            r = client.get("/sparql", params={"query": f"{CHEAP} # {next(_ASKED)}"})
            latencies.append((time.perf_counter() - started) * 1000)
            statuses.append(r.status_code)
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "max": latencies[-1],
        "ok": statuses.count(200),
        "503": statuses.count(503),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--data", help="a data folder to build instead of synthetic data")
    parser.add_argument("--workdir", help="keep the data and store here (reused when present)")
    parser.add_argument("--slow", default="0,2,4", help="numbers of slow queries running, comma-separated")
    parser.add_argument("--window", type=float, default=8.0, help="seconds of cheap queries per measurement")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cspkg-lanes-"))
    data_dir, store_dir = prepare(args, work)
    results: dict[tuple[str, int], dict[str, float]] = {}
    for name, extra in CONFIGS.items():
        proc, base = start(store_dir, data_dir, extra)
        try:
            for slow in (int(n) for n in args.slow.split(",")):
                results[name, slow] = measure(base, slow, args.window)
                time.sleep(1)  # the stopped workers are replaced
        finally:
            stop(proc)
    print(f"\ncheap queries while N slow ones run ({args.window:g} s each; latency in ms)")
    print(
        f"{'configuration':<22}{'N':>3}{'asked':>7}{'200':>6}{'503':>6}{'p50':>9}{'p95':>9}{'max':>9}{'p95 ratio':>11}"
    )
    baseline = next(iter(CONFIGS))
    for (name, slow), r in results.items():
        ratio = r["p95"] / results[baseline, slow]["p95"]
        print(
            f"{name:<22}{slow:>3}{r['n']:>7}{r['ok']:>6}{r['503']:>6}"
            f"{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{ratio:>10.2f}x"
        )


if __name__ == "__main__":
    main()
