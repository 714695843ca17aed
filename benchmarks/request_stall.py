"""Does one large request stall the others? A kept view's latency while a client sends a 100 MB
query body, with the body limit (CSPKG_MAX_BODY_KB, default 1 MiB) against a limit above the
body's size (the baseline: the body is read, decoded and handed to the query check, as before
the limit), in the same run, on the same store.

    .venv/bin/python benchmarks/request_stall.py                # synthetic data, ~100k triples
    .venv/bin/python benchmarks/request_stall.py --mb 100 --workdir /tmp/cspkg-lanes

Prints, for each configuration and each way of sending (Content-Length given, or chunked), how
the big request was answered and how long it took, the kept view's latency meanwhile (p50,
max) and the server's resident memory afterwards. Loopback only; bounded in size and time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_bench import prepare, stop
from benchmarks.query_lanes import start

VIEW = "/bodies"
CHUNK = b"SELECT * WHERE { ?s ?p ?o } # " + b"x" * (1 << 20)


def chunks(megabytes: int) -> Iterator[bytes]:
    for _ in range(megabytes):
        yield CHUNK[: 1 << 20]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(base: str, megabytes: int, declared: bool) -> dict[str, object]:
    outcome: dict[str, object] = {}

    def send() -> None:
        started = time.perf_counter()
        headers = {"content-type": "application/sparql-query"}
        if declared:
            headers["content-length"] = str(megabytes << 20)
        try:
            r = httpx.post(base + "/sparql", content=chunks(megabytes), headers=headers, timeout=120)
            outcome["status"] = r.status_code
        except httpx.HTTPError as exc:  # the server may close the connection after its 413
            outcome["status"] = type(exc).__name__
        outcome["seconds"] = time.perf_counter() - started

    latencies = []
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get(VIEW)  # kept from now on
        sender = threading.Thread(target=send)
        sender.start()
        while sender.is_alive():
            began = time.perf_counter()
            client.get(VIEW)
            latencies.append((time.perf_counter() - began) * 1000)
            time.sleep(0.02)
        sender.join()
    outcome["p50"] = statistics.median(latencies) if latencies else float("nan")
    outcome["max"] = max(latencies) if latencies else float("nan")
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--data", help="a data folder to build instead of synthetic data")
    parser.add_argument("--workdir", help="keep the data and store here (reused when present)")
    parser.add_argument("--mb", type=int, default=100, help="size of the large body in MiB")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cspkg-stall-"))
    data_dir, store_dir = prepare(args, work)
    configs = {
        f"limit above {args.mb} MiB (baseline)": str((args.mb + 10) * 1024),
        "limit 1 MiB (default)": "1024",
    }
    rows = []
    for name, limit in configs.items():
        proc, base = start(store_dir, data_dir, {"CSPKG_MAX_BODY_KB": limit})
        try:
            for declared in (True, False):
                result = measure(base, args.mb, declared)
                rows.append((name, "Content-Length" if declared else "chunked", result, rss_mb(proc.pid)))
        finally:
            stop(proc)
    print(f"\na kept view ({VIEW}) while one client sends a {args.mb} MiB query body (latency in ms)")
    print(
        f"{'configuration':<32}{'sent with':<16}{'answer':>8}{'took s':>8}{'p50':>8}{'max':>9}{'RSS MB':>8}"
    )
    for name, how, r, rss in rows:
        print(
            f"{name:<32}{how:<16}{r['status']!s:>8}{r['seconds']:>8.2f}"
            f"{r['p50']:>8.1f}{r['max']:>9.1f}{rss:>8.0f}"
        )


if __name__ == "__main__":
    main()
