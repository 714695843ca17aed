"""The OpenAPI document tells the truth: schemathesis generates requests from it (valid and
invalid ones) against a real server and checks every answer against it: no server error, only
documented statuses and content types, bodies that fit their schemas, valid requests accepted
and invalid ones refused. Bounded (a few examples per operation, derandomized) to stay within a
minute or so, and marked `slow`: `make test` runs it, `make check` leaves it out and does not
even import it (tests/conftest.py, SLOW_MODULES: importing it makes a test per API operation).

One check is left out for /sparql alone: "a schema-valid request is accepted". The protocol's
rules cannot be said in OpenAPI (the query must be SPARQL; dataset parameters need a query; one
query, not two), so a schema-valid request may rightly be refused there with a 400."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode

from tests.fixtures import api_settings_for, start_api_server, stop_api_server

pytestmark = pytest.mark.slow


@schemathesis.serializer("application/sparql-query")
def _sparql_query(ctx: object, value: object) -> bytes:
    return (value if isinstance(value, str) else str(value)).encode("utf-8")


@pytest.fixture(scope="module")
def fuzzed_api(api_store: Path) -> Iterator[str]:
    proc, base = start_api_server(api_settings_for(api_store, workers=1, query_timeout_s=2.0))
    try:
        yield base
    finally:
        stop_api_server(proc)


def the_document() -> dict:
    """The document the app serves, made in-process (it needs the code and the ontology, no store)."""
    from api.app import create_app

    return create_app(api_settings_for(Path(tempfile.mkdtemp()) / "no-store", workers=1)).openapi()


DOCUMENT = the_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def test_the_served_document_is_the_one_fuzzed(fuzzed_api):
    assert httpx.get(fuzzed_api + "/openapi.json", timeout=10).json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_server_does_what_its_openapi_document_says(case, fuzzed_api):
    excluded = [positive_data_acceptance] if case.operation.path == "/sparql" else []
    case.call_and_validate(base_url=fuzzed_api, excluded_checks=excluded, timeout=30)
