"""Query and HTTP worker processes run with jemalloc when it is installed (api/allocator.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.allocator import jemalloc_path, jemalloc_preloaded
from api.app import create_app
from api.state import services_of
from tests.fixtures import ROOT, api_settings_for, start_api_server, stop_api_server

needs_jemalloc = pytest.mark.skipif(
    jemalloc_path() is None, reason="libjemalloc2 is not installed (make test installs it)"
)


def mapped(pid: int) -> bool:
    return "libjemalloc" in Path(f"/proc/{pid}/maps").read_text()


@needs_jemalloc
def test_query_workers_run_with_jemalloc(api_store):
    before = os.environ.get("LD_PRELOAD")
    app = create_app(api_settings_for(api_store, jemalloc=True))
    with TestClient(app) as client:
        assert (
            client.get(
                "/sparql",
                params={"query": "ASK { ?s ?p ?o }"},
                headers={"accept": "application/sparql-results+json"},
            ).json()["boolean"]
            is True
        )
        workers = [w.process.pid for w in services_of(app).query_pool._all]
        assert workers and all(pid is not None and mapped(pid) for pid in workers)
    assert os.environ.get("LD_PRELOAD") == before  # only the started programs had it
    assert not mapped(os.getpid())


@needs_jemalloc
@pytest.mark.slow
def test_query_workers_use_glibc_malloc_when_told(api_store):
    # in a process of its own: a process starts one fork server, and its first pool decides
    code = f"""
import asyncio
from pathlib import Path
from api.pool import QueryPool
from tests.fixtures import api_settings_for

async def main():
    pool = QueryPool(api_settings_for(Path({str(api_store)!r}), jemalloc=False))
    await pool.start()
    maps = [Path(f"/proc/{{w.process.pid}}/maps").read_text() for w in pool._all]
    await pool.close()
    print(len(maps), sum("libjemalloc" in m for m in maps))

asyncio.run(main())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=False, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    workers, with_jemalloc = map(int, out.stdout.split())
    assert workers == 3 and with_jemalloc == 0  # the main lane's two and the quick lane's one


@needs_jemalloc
@pytest.mark.slow
def test_http_workers_run_with_jemalloc(api_settings):
    proc, base = start_api_server(api_settings, workers=2)
    try:
        pids = {httpx.get(base + "/status").json()["process"] for _ in range(20)}
        assert pids and all(mapped(pid) for pid in pids)
    finally:
        stop_api_server(proc)


def test_nothing_is_preloaded_when_not_asked_or_not_installed(monkeypatch):
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    with jemalloc_preloaded(False) as preloaded:
        assert preloaded is False and "LD_PRELOAD" not in os.environ
    monkeypatch.setattr("api.allocator.CANDIDATES", ("/nonexistent/libjemalloc.so.2",))
    with jemalloc_preloaded(True) as preloaded:
        assert preloaded is False and "LD_PRELOAD" not in os.environ


@needs_jemalloc
def test_other_preloaded_libraries_are_kept(monkeypatch):
    monkeypatch.setenv("LD_PRELOAD", "/lib/other.so")
    with jemalloc_preloaded(True):
        assert os.environ["LD_PRELOAD"] == f"{jemalloc_path()} /lib/other.so"
    assert os.environ["LD_PRELOAD"] == "/lib/other.so"
