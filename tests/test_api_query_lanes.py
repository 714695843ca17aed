"""Slow queries do not take /sparql from everyone (api/pool.py): a quick lane answers cheap
queries while slow ones hold the main lane, a query waits for a worker only briefly (503 with
Retry-After), one client runs a bounded number of queries at once (429), and a worker that dies
of a deeply nested query is reported as such."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures import api_settings_for, start_api_server, stop_api_server

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
_ASKED = itertools.count()


def cheap() -> str:
    return f"SELECT ?n WHERE {{ <https://w3id.org/cspkg/id/body/home-office> skos:prefLabel ?n }} # {next(_ASKED)}"


def slow() -> str:
    return f"{CARTESIAN} # {next(_ASKED)}"


@pytest.fixture(scope="module")
def laned_api(api_store: Path) -> Iterator[str]:
    settings = api_settings_for(
        api_store, workers=1, quick_workers=1, quick_lane_s=1.0, queue_wait_s=1.0, query_timeout_s=10.0
    )
    proc, base = start_api_server(settings)
    try:
        yield base
    finally:
        stop_api_server(proc)


def in_background(base: str, query: str, results: list) -> threading.Thread:
    def run() -> None:
        results.append(httpx.get(base + "/sparql", params={"query": query}, timeout=30))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.slow
def test_cheap_queries_pass_slow_ones_in_the_quick_lane(laned_api):
    slow_answers: list = []
    holding = in_background(laned_api, slow(), slow_answers)
    time.sleep(0.5)  # the slow query holds the only main worker
    with httpx.Client(base_url=laned_api, timeout=10) as client:
        for _ in range(5):
            started = time.monotonic()
            r = client.get("/sparql", params={"query": cheap()})
            assert (
                r.status_code == 200 and time.monotonic() - started < 2.0
            )  # not the 10 s the slow one holds
    holding.join()
    assert slow_answers[0].status_code == 503 and slow_answers[0].json()["type"].endswith("/query-timeout")


@pytest.mark.slow
def test_a_second_slow_query_leaves_the_quick_lane_and_gets_a_fast_503(laned_api):
    answers: list = []
    holding = in_background(laned_api, slow(), answers)
    time.sleep(0.5)
    started = time.monotonic()
    r = httpx.get(laned_api + "/sparql", params={"query": slow()}, timeout=30)
    elapsed = time.monotonic() - started
    # a second in the quick lane, then a second's wait for the main lane: not the 10 s time limit
    assert r.status_code == 503 and r.json()["type"].endswith("/busy"), r.text
    assert r.headers["retry-after"] and 1.5 < elapsed < 6
    started = time.monotonic()
    assert httpx.get(laned_api + "/sparql", params={"query": cheap()}, timeout=10).status_code == 200
    assert time.monotonic() - started < 3.0  # the quick worker stopped for it is back
    holding.join()


@pytest.mark.slow
def test_one_client_runs_a_bounded_number_of_queries(api_store: Path) -> None:
    settings = api_settings_for(api_store, workers=2, client_queries=1, query_timeout_s=3.0)
    proc, base = start_api_server(settings)
    try:
        answers: list = []
        holding = in_background(base, slow(), answers)
        time.sleep(0.5)
        r = httpx.get(base + "/sparql", params={"query": cheap()}, timeout=10)
        assert r.status_code == 429 and r.json()["type"].endswith("/too-many-queries")
        assert r.headers["retry-after"]
        holding.join()
        assert httpx.get(base + "/sparql", params={"query": cheap()}, timeout=10).status_code == 200
    finally:
        stop_api_server(proc)


def test_a_worker_killed_by_deep_nesting_is_reported_as_such(api_client):
    depth = 100_000
    query = "SELECT * WHERE { " + "{ " * depth + "?s ?p ?o " + "} " * depth + "}"
    r = api_client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert r.status_code in (400, 503), r.text
    problem = r.json()
    assert "memory" not in problem["detail"]
    assert "nested too deeply" in problem["detail"], problem
